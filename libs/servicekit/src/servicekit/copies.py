"""Keeping a copy of another service's entities: newer wins.

A consumer that keeps a copy of an entity (a unit, a person) applies the producer's entity events
to it. Delivery is at least once and not always in order: the relay publishes again after a crash,
a dead letter comes back after a fix, a replay (:mod:`servicekit.replay`) sends the past again after
live events. Every entity event therefore carries the entity's ``version``: an integer the producer
sets to 1 when the entity is created and increments in the same transaction as every change.

The rule: **apply an entity event only if its version is greater than the version of the copy;
equal or lower is stale and is ignored.** An event always carries the entity's whole state (not a
difference), so skipping a stale one loses nothing: the newer state the copy holds already
includes it.

:func:`upsert_newer` is the rule as one statement, on PostgreSQL and SQLite alike::

    INSERT INTO copy (key..., value..., version) VALUES (...)
    ON CONFLICT (key...) DO UPDATE SET value... = excluded.value..., version = excluded.version
    WHERE copy.version < excluded.version

The check and the write are one statement, so two consumers (or a replay and the live stream)
writing the same row cannot interleave between them. The copy table needs a primary key or a
unique constraint on the key columns, and an integer version column.

A consumer applying a batch of events in one transaction can call :func:`upsert_newer_at_commit`
instead: the same rule, the rows written when the transaction commits, one statement per table
(a copy built from a replay of many thousand events is then bounded by the database, not by one
round trip per event).

A deleted entity (say a released territory) is best kept as a row with a "deleted" flag and the
version of its deletion (a tombstone), so that an older "created" event cannot bring it back.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def upsert_newer(
    session: Session | Connection,
    table: Table,
    key: Mapping[str, Any],
    values: Mapping[str, Any],
    version: int,
    *,
    version_column: str = "version",
) -> bool:
    """Insert the copy of an entity, or update it if ``version`` is newer than the copy's.

    ``key`` names the columns that identify the entity (a primary key or unique constraint of
    ``table``) with their values; ``values`` the other columns; ``version`` the event's entity
    version. Runs in the caller's transaction. Returns True when the row was written (inserted or
    updated), False when the copy was as new or newer and nothing changed.
    """
    _check(key, values, version, version_column)
    dialect = session.get_bind().dialect if isinstance(session, Session) else session.dialect
    statement = _statement(table, tuple(key), tuple(values), version_column, dialect.name)
    return session.execute(statement, {**key, **values, version_column: version}).first() is not None


def upsert_newer_at_commit(
    session: Session,
    table: Table,
    key: Mapping[str, Any],
    values: Mapping[str, Any],
    version: int,
    *,
    version_column: str = "version",
) -> None:
    """:func:`upsert_newer`, written when ``session`` commits, together with every other one of
    its transaction: one multi-row statement per table and shape instead of one per entity.

    For a consumer that applies a batch of events in one transaction (servicekit.consumer): the
    newer-wins rule is the same, and of several states of one entity in the transaction the
    newest is written (never two rows of one key in a statement). Nothing is written if the
    transaction rolls back. What the transaction reads before it commits does not see these
    writes, and an error in them (a constraint) is raised by the commit.
    """
    _check(key, values, version, version_column)
    if not session.info.get(_LISTENING):
        session.info[_LISTENING] = True
        event.listen(session, "before_commit", _write_pending)
        event.listen(session, "after_rollback", _forget_pending)
    pending = session.info.setdefault(_PENDING, {})
    shape = (table, tuple(key), tuple(values), version_column)
    rows = pending.setdefault(shape, {})
    identity = tuple(key.values())
    held = rows.get(identity)
    if held is None or held[version_column] < version:
        rows[identity] = {**key, **values, version_column: version}


_PENDING, _LISTENING = "servicekit.copies.pending", "servicekit.copies.listening"


def _write_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None) or {}
    if not pending:
        return
    dialect = session.get_bind().dialect.name
    for (table, key, values, version_column), rows in pending.items():
        # Many parameter sets to one statement: SQLAlchemy sends them as multi-row VALUES.
        session.execute(_statement(table, key, values, version_column, dialect), list(rows.values()))


def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _check(key: Mapping[str, Any], values: Mapping[str, Any], version: int, version_column: str) -> None:
    if not key:
        raise ValueError("key names at least one column")
    if version_column in key or version_column in values or set(key) & set(values):
        raise ValueError("key, values and the version column must not overlap")
    if isinstance(version, bool) or not isinstance(version, int):
        raise TypeError(f"version must be an integer, got {type(version).__name__}")


@functools.lru_cache(maxsize=256)
def _statement(table: Table, key: tuple[str, ...], values: tuple[str, ...], version_column: str,
               dialect: str) -> Any:
    """The upsert for one shape of call, built once: a copy is kept by one call per event, and
    building the statement cost more than running it (the values are bound at execution)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in key],
        set_={name: excluded[name] for name in (*values, version_column)},
        where=table.c[version_column] < excluded[version_column],
    ).returning(table.c[version_column])


def copy_entity(session: Session, table: Table, data: Mapping[str, Any], key: str, values: Mapping[str, Any]) -> None:
    """Write an entity event's state into the consumer's copy row ``data[key]`` (its ``id``) at the
    event's ``version``, newer wins, when the consumer's batch commits."""
    upsert_newer_at_commit(session, table, {"id": uuid_or_none(data[key])}, dict(values), int(data["version"]))


def uuid_or_none(value: Any) -> UUID | None:
    """An event's id field as a UUID (None stays None)."""
    return None if value is None else UUID(str(value))


def date_or_none(value: Any) -> date | None:
    """An event's ISO date field as a date (None stays None)."""
    return None if value is None else date.fromisoformat(value)
