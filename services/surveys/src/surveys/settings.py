"""The surveys service's own settings, beside those every service has (servicekit.settings): each
field is read from ``SURVEYS_<FIELD NAME IN CAPITALS>`` (``SURVEYS_SAMPLE_PERCENT``)."""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.settings import ServiceSettings, setting


@dataclass(frozen=True)
class Settings(ServiceSettings):
    # A wave asks at least this share of an estate's occupied households (SRV-1: 20 %), per building.
    sample_percent: int = setting(20, minimum=1)
    # Households sampled in one of the last this many waves of the estate come after the others.
    lookback_waves: int = setting(4, minimum=0)
