"""The transactional outbox: events are rows written in the same transaction as the change.

Every service adds the table to its own metadata (``Outbox(metadata)``) so its migrations create
it; the web process only ever writes rows, and the relay (:mod:`servicekit.relay`) publishes them
in ``seq`` order and sets ``published_at`` once a queue holds them (an event no consumer's binding
takes is held by ``<service>.unrouted``).

Every time in these tables is an instant (:class:`~servicekit.db.UtcDateTime`), as in the services'
own tables: stored in UTC and read back time-zone aware on SQLite as on PostgreSQL, so a replay's
``--since 18:00+08:00`` selects the same rows on both. On PostgreSQL the columns always were
``timestamptz`` and SQLite's rows were always written in UTC, so no migration changes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    text,
)
from sqlalchemy.orm import Session

from servicekit.bulk import insert_rows
from servicekit.db import UtcDateTime
from servicekit.envelope import CloudEvent

# From this many events on, add_many copies them (servicekit.bulk.insert_rows).
_COPY_FROM = 100


class Outbox:
    """The ``outbox`` table of one service's database, and the way to add events to it."""

    def __init__(self, metadata: MetaData, name: str = "outbox") -> None:
        self.table = Table(
            name,
            metadata,
            # seq orders publication; BIGINT on PostgreSQL, INTEGER (the rowid) on SQLite.
            Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
            Column("event_id", String(64), nullable=False),
            Column("event_type", String(200), nullable=False),
            Column("source", String(200), nullable=False),
            Column("correlation_id", String(128)),
            Column("body", Text, nullable=False),
            Column("created_at", UtcDateTime, nullable=False),
            Column("published_at", UtcDateTime),
            # No longer written (always false for new rows). Relays before the alternate exchange
            # set it for an event the broker returned as unroutable: such a row was marked published
            # but no queue ever took it (a replay serves its consumers). Kept so a relay of the
            # previous release keeps working during a rollout; a later migration may drop it.
            Column("returned", Boolean, nullable=False, server_default=text("false")),
            Index(
                f"ix_{name}_pending", "seq",
                postgresql_where=text("published_at IS NULL"),
                sqlite_where=text("published_at IS NULL"),
            ),
        )

    def add(self, session: Session | Connection, event: CloudEvent) -> None:
        """Add one event in the caller's transaction: it is published only if that commits."""
        self.add_many(session, [event])

    def add_many(self, session: Session | Connection, events: Iterable[CloudEvent]) -> int:
        """Add events in one multi-row insert (from a hundred on, COPY on PostgreSQL: an import's
        hundreds of thousands, see :mod:`servicekit.bulk`), in the caller's transaction; returns how many."""
        rows = self.rows_of(events)
        if len(rows) >= _COPY_FROM:
            insert_rows(session, self.table, rows)
        elif rows:
            session.execute(insert(self.table), rows)
        return len(rows)

    @staticmethod
    def rows_of(events: Iterable[CloudEvent]) -> list[dict[str, object]]:
        """The outbox rows of ``events``, for a caller that writes them with rows of its own
        (:meth:`servicekit.unit_of_work.UnitOfWork.insert_later`)."""
        now = datetime.now(UTC)
        return [
            {
                "event_id": e.id,
                "event_type": e.type,
                "source": e.source,
                "correlation_id": e.correlationid,
                "body": e.to_json(),
                "created_at": now,
            }
            for e in events
        ]


def _event_key() -> list[Column]:
    """Which consumer, and which event (``source`` + ``id``, the deduplication key), of what type."""
    return [
        Column("consumer", String(100), primary_key=True),
        Column("source", String(200), primary_key=True),
        Column("event_id", String(64), primary_key=True),
        Column("event_type", String(200), nullable=False),
    ]


def define_inbox(metadata: MetaData, name: str = "inbox") -> Table:
    """The ``inbox`` table: one row per event a consumer applied, keyed by consumer, source and id.

    The row is inserted in the same transaction as the handler's effects, so an event that comes
    again finds its row and is skipped. Events of a type the consumer has no handler for get no row
    (a handler added later must still see them when they are replayed). Defines the inbox's
    failures table (:func:`define_inbox_failures`) in ``metadata`` too: the consumer needs both.
    """
    table = Table(
        name,
        metadata,
        *_event_key(),
        Column("received_at", UtcDateTime, nullable=False),
    )
    define_inbox_failures(metadata, name)
    return table


def inbox_failures_name(inbox_name: str) -> str:
    """The name of the failures table that goes with the inbox table ``inbox_name``."""
    return f"{inbox_name}_failures"


def define_inbox_failures(metadata: MetaData, inbox_name: str = "inbox") -> Table:
    """``<inbox>_failures``: how many times a consumer's handler failed on an event not applied yet.

    Written by the consumer in a transaction of its own each time a handler fails, so the count
    survives crashes and counts nothing but real failures; the row goes once the event is applied
    or dead-lettered (a copy sent back from the dead-letter queue starts with every attempt again).
    """
    name = inbox_failures_name(inbox_name)
    if name in metadata.tables:
        return metadata.tables[name]
    return Table(
        name,
        metadata,
        *_event_key(),
        Column("attempts", Integer, nullable=False),
        Column("last_error", Text, nullable=False),
        Column("first_failed_at", UtcDateTime, nullable=False),
        Column("last_failed_at", UtcDateTime, nullable=False),
    )
