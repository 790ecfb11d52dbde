"""The shared rate budget of each provider: a token bucket in ``rate_budgets`` every replica draws
from (servicekit.ratelimit: one short transaction on the provider's row, so replicas draw one after
another and together never take more than the bucket holds; a replica takes at most what is there,
never waits for more). The bucket holds at most a tenth of a second's worth (``BURST``) and
refills with the rest of the rate, so any window of one second, however aligned, sees at most
``rate`` messages drawn (burst + refill = rate), for every rate of 10/s and up; below that the
bucket still holds one message. A rate of 0 means no limit: nothing is drawn.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from notify.domain import channels
from notify.tables import rate_budgets
from servicekit import ratelimit

BURST = 0.1  # of a second's worth


def bucket(rate: float) -> tuple[float, float]:
    """(capacity, refill per second) of a bucket that lets at most ``rate`` through in any second."""
    capacity = max(1.0, rate * BURST)
    return capacity, max(rate - capacity, rate * BURST)


def rate_of(channel: str, settings: object) -> float:
    if channel == channels.SMS:
        return float(settings.sms_rate_per_second)  # type: ignore[attr-defined]
    if channel == channels.EMAIL:
        return float(settings.email_rate_per_second)  # type: ignore[attr-defined]
    return 0.0


def take(session: Session, provider: str, wanted: int, rate: float, now: datetime) -> int:
    """Draw up to ``wanted`` tokens of ``provider``'s bucket at ``now``; returns how many were given."""
    if rate <= 0 or wanted <= 0:
        return max(wanted, 0)
    capacity, refill = bucket(rate)
    return ratelimit.take(session, rate_budgets, provider, wanted, capacity, refill, now)


def draw_all(session: Session, key: str, wanted: int, capacity: float, refill: float, now: datetime) -> float:
    """All ``wanted`` tokens of the bucket ``key`` or none (servicekit.ratelimit.draw_all): a limit on
    callers rather than on a provider (notify.messages.limits) keeps its buckets in the same table."""
    return ratelimit.draw_all(session, rate_budgets, key, wanted, capacity, refill, now)
