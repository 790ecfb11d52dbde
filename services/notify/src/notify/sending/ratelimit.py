"""The shared rate budget of each provider in ``rate_budgets``, every replica drawing from it.

**A provider's limit is used, not only held.** The budget is reserved call by call, just before
each call: the provider's row holds the instant from which its next message may go
(``refilled_at``), and reserving a call of n messages gives it that instant (or now, if later) and
moves it on by n / ``pace``. The sender waits for its call's instant and makes the call; a call that
finds itself later than ``LATE`` after its instant (a slow round, a pause) does not go then, but
reserves again. Calls hold at most ``per_call`` messages, and pace × (1 + LATE) + per_call ≤ rate:
any window of one second, however aligned, sees at most ``rate`` messages, for every rate of 10/s
and up (440/s paced in calls of 50 for a limit of 500/s), and the limit is used whatever a round
of the sender costs (a token bucket drawn once a round holds only a burst's worth). Reserving is
one short transaction on the provider's row (servicekit.ratelimit.reserve, locked by the update),
so replicas reserve one after another and together never more than the rate. A rate of 0 means
no limit: nothing is reserved.

Other limits (notify.messages.limits: urgent one-off messages) keep token buckets in the same
table under keys of their own (:func:`draw_all`, servicekit.ratelimit's token buckets): all or
nothing, never waited for.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from notify.domain import channels
from notify.tables import rate_budgets
from servicekit import ratelimit

BURST = 0.1  # of a second's worth: the most one call of a limited provider takes
LATE = 0.02  # seconds a call may go after its instant; later, it reserves again


def per_call(rate: float) -> int:
    """The most messages one call of a provider limited to ``rate`` a second takes."""
    return max(1, int(rate * BURST))


def pace(rate: float) -> float:
    """Messages a second the calls of a provider limited to ``rate`` are spaced at, so that
    pace × (1 + LATE) + per_call ≤ rate."""
    return max((rate - per_call(rate)) / (1 + LATE), rate * BURST)


def rate_of(channel: str, settings: object) -> float:
    if channel == channels.SMS:
        return float(settings.sms_rate_per_second)  # type: ignore[attr-defined]
    if channel == channels.EMAIL:
        return float(settings.email_rate_per_second)  # type: ignore[attr-defined]
    return 0.0


def reserve(session: Session, provider: str, messages: int, rate: float, now: datetime) -> datetime:
    """The instant a call of ``messages`` (at most :func:`per_call`) to ``provider``, limited to
    ``rate`` a second, may be made (now, or later); the budget after it is reserved for others."""
    return ratelimit.reserve(session, rate_budgets, provider, messages / pace(rate), now)


def draw_all(session: Session, key: str, wanted: int, capacity: float, refill: float, now: datetime) -> float:
    """All ``wanted`` tokens of the bucket ``key`` or none (servicekit.ratelimit.draw_all): a limit on
    callers rather than on a provider (notify.messages.limits) keeps its buckets in the same table."""
    return ratelimit.draw_all(session, rate_budgets, key, wanted, capacity, refill, now)
