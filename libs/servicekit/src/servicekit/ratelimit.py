"""Token buckets in a table every replica draws from: a shared rate limit without another server.

A service keeps its buckets in one table (:func:`define_rate_budgets`: a key, the tokens left, when
they were last refilled). A draw is one short transaction on the bucket's row (locked by the
update), so replicas draw one after another and together never take more than the bucket holds.
Used for limits on callers (:func:`draw_all`: all or none, and how long until there would be
enough, for a 429 with ``Retry-After``): notify's urgent messages to one number, surveys' guesses
of answer tokens. A provider's rate is paced rather than drawn (:func:`reserve`: a row's
``refilled_at`` is the instant the next call may go, each reservation moving it on), so that its
limit is used and not only held (notify's senders).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, Float, MetaData, String, Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from servicekit.db import UtcDateTime


def define_rate_budgets(metadata: MetaData, name: str = "rate_budgets") -> Table:
    """The table of a service's buckets, in its ``metadata``: one row a bucket, by its key."""
    return Table(
        name, metadata,
        Column("key", String(80), primary_key=True),
        Column("tokens", Float, nullable=False),
        Column("refilled_at", UtcDateTime, nullable=False),
    )


def take(session: Session, table: Table, key: str, wanted: int, capacity: float, refill: float,
         now: datetime) -> int:
    """Draw up to ``wanted`` tokens of bucket ``key`` at ``now``; returns how many were given."""
    tokens, settle = _locked(session, table, key, capacity, refill, now)
    given = min(wanted, int(tokens + 1e-9))
    settle(tokens - given)
    return given


def draw_all(session: Session, table: Table, key: str, wanted: int, capacity: float, refill: float,
             now: datetime) -> float:
    """All ``wanted`` tokens of the bucket ``key`` (holding at most ``capacity``, refilled with
    ``refill`` a second) or none: 0.0 when taken, else the seconds until there would be enough."""
    tokens, settle = _locked(session, table, key, capacity, refill, now)
    if tokens + 1e-9 >= wanted:
        settle(tokens - wanted)
        return 0.0
    settle(tokens)
    return (wanted - tokens) / refill if refill > 0 else float("inf")


def reserve(session: Session, table: Table, key: str, seconds: float, now: datetime) -> datetime:
    """The instant the next use of ``key`` may go (its row's ``refilled_at``, or ``now`` if later),
    its row moved on by ``seconds`` for whoever reserves next (locked until the transaction ends)."""
    key_column, row = _row(session, table, key, 0.0, now)
    start = max(row["refilled_at"], now)
    session.execute(update(table).where(key_column == key)
                    .values(tokens=0.0, refilled_at=start + timedelta(seconds=seconds)))
    return start


def _row(session: Session, table: Table, key: str, tokens: float, now: datetime) -> tuple[Any, Any]:
    """The key column and the row of ``key`` (made with ``tokens`` if missing), locked."""
    key_column = next(iter(table.primary_key.columns))
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(dialect_insert(table).values({key_column.name: key, "tokens": tokens, "refilled_at": now})
                    .on_conflict_do_nothing(index_elements=[key_column.name]))
    return key_column, session.execute(select(table).where(key_column == key).with_for_update()).mappings().one()


def _locked(session: Session, table: Table, key: str, capacity: float, refill: float,
            now: datetime) -> tuple[float, Any]:
    """The bucket's tokens at ``now`` (its row locked until the transaction ends), and how to keep
    what is left of them. The table's first primary-key column holds the key."""
    key_column, row = _row(session, table, key, capacity, now)
    elapsed = max(0.0, (now - row["refilled_at"]).total_seconds())

    def settle(left: float) -> None:
        session.execute(update(table).where(key_column == key)
                        .values(tokens=left, refilled_at=max(now, row["refilled_at"])))

    return min(capacity, row["tokens"] + elapsed * refill), settle
