"""The owners service's own settings, beside those every service has (servicekit.settings): each
field is read from ``OWNERS_<FIELD NAME IN CAPITALS>``."""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.settings import ServiceSettings, setting


@dataclass(frozen=True)
class Settings(ServiceSettings):
    # A household CSV may be far larger than any JSON body.
    max_import_bytes: int = setting(64 * 1024 * 1024, minimum=1024)
