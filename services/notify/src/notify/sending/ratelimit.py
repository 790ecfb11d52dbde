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
one short transaction on the provider's row (locked by the update), so replicas reserve one after
another and together never more than the rate. A rate of 0 means no limit: nothing is reserved.

Other limits (notify.messages.limits: urgent one-off messages) keep token buckets in the same
table under keys of their own (:func:`draw_all`): all or nothing, never waited for.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from notify.domain import channels
from notify.tables import rate_budgets

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
    _ensure(session, provider, 0.0, now)
    row = session.execute(select(rate_budgets).where(rate_budgets.c.provider == provider)
                          .with_for_update()).mappings().one()
    start = max(row["refilled_at"], now)
    session.execute(update(rate_budgets).where(rate_budgets.c.provider == provider)
                    .values(tokens=0.0, refilled_at=start + timedelta(seconds=messages / pace(rate))))
    return start


def draw_all(session: Session, key: str, wanted: int, capacity: float, refill: float, now: datetime) -> float:
    """All ``wanted`` tokens of the bucket ``key`` (holding at most ``capacity``, refilled with ``refill``
    a second) or none: 0.0 when taken, else the seconds until there would be enough. A limit on
    callers rather than on a provider (notify.messages.limits) keeps its buckets in the same table."""
    tokens, settle = _locked(session, key, capacity, refill, now)
    if tokens + 1e-9 >= wanted:
        settle(tokens - wanted)
        return 0.0
    settle(tokens)
    return (wanted - tokens) / refill if refill > 0 else float("inf")


def _ensure(session: Session, key: str, tokens: float, now: datetime) -> None:
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(dialect_insert(rate_budgets).values(provider=key, tokens=tokens, refilled_at=now)
                    .on_conflict_do_nothing(index_elements=["provider"]))


def _locked(session: Session, key: str, capacity: float, refill: float, now: datetime) -> tuple[float, Any]:
    """The bucket's tokens at ``now`` (its row locked until the transaction ends), and how to keep
    what is left of them."""
    _ensure(session, key, capacity, now)
    row = session.execute(select(rate_budgets).where(rate_budgets.c.provider == key)
                          .with_for_update()).mappings().one()
    elapsed = max(0.0, (now - row["refilled_at"]).total_seconds())

    def settle(left: float) -> None:
        session.execute(update(rate_budgets).where(rate_budgets.c.provider == key)
                        .values(tokens=left, refilled_at=max(now, row["refilled_at"])))

    return min(capacity, row["tokens"] + elapsed * refill), settle
