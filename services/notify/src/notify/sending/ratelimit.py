"""The shared rate budget of each provider: a token bucket in ``rate_budgets`` every replica draws from.

A draw is one short transaction on the provider's row (locked by the update), so replicas draw one
after another and together never take more than the bucket holds: a replica takes at most what is
there, never waits for more. The bucket holds at most a tenth of a second's worth (``BURST``) and
refills with the rest of the rate, so any window of one second, however aligned, sees at most
``rate`` messages drawn (burst + refill = rate), for every rate of 10/s and up; below that the
bucket still holds one message. A rate of 0 means no limit: nothing is drawn.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from notify.domain import channels
from notify.tables import rate_budgets

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
    tokens, settle = _locked(session, provider, capacity, refill, now)
    given = min(wanted, int(tokens + 1e-9))
    settle(tokens - given)
    return given


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


def _locked(session: Session, key: str, capacity: float, refill: float, now: datetime) -> tuple[float, Any]:
    """The bucket's tokens at ``now`` (its row locked until the transaction ends), and how to keep
    what is left of them."""
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(dialect_insert(rate_budgets).values(provider=key, tokens=capacity, refilled_at=now)
                    .on_conflict_do_nothing(index_elements=["provider"]))
    row = session.execute(select(rate_budgets).where(rate_budgets.c.provider == key)
                          .with_for_update()).mappings().one()
    elapsed = max(0.0, (now - row["refilled_at"]).total_seconds())

    def settle(left: float) -> None:
        session.execute(update(rate_budgets).where(rate_budgets.c.provider == key)
                        .values(tokens=left, refilled_at=max(now, row["refilled_at"])))

    return min(capacity, row["tokens"] + elapsed * refill), settle
