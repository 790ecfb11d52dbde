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
    # The personal link of an invitation: this, then the token (the gateway's answer page).
    answer_url: str = "http://localhost:8000/survey/"
    # The estates' local time: an invitation of a wave lasts until the end of its closing day there.
    timezone: str = "Asia/Shanghai"
    # A per-ticket question's invitation lasts this many days.
    ticket_question_days: int = setting(14, minimum=1)
    # Unknown answer tokens one client address may try: this many at once, then as many again
    # over token_guess_seconds; beyond, 429 with Retry-After.
    token_guesses: int = setting(10, minimum=1)
    token_guess_seconds: int = setting(600, minimum=1)
    # The timer (surveys timer): how often it sweeps its deadlines, and how many it takes per transaction.
    timer_interval_seconds: float = 1.0
    timer_batch: int = setting(500, minimum=1)
