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

A service declares each copy once, in its tables module, with :func:`entity_copy` and
:func:`copied`: the table, the event field of the entity's id, the events that carry the entity,
and each column with how it is read from the event. The table (with its ``version``) and the
handlers (:func:`copy_handlers`) both come from that declaration, so two consumers of the same
producer write no handler at all, and a column cannot be added to the table and forgotten in its
handler::

    units = entity_copy(
        "units", metadata,
        copied("estate_id", Uuid, index=True),
        copied("number", String(32)),
        copied("floor", Integer, nullable=True),
        key="unit_id", events=("owners.unit.added.v1", "owners.unit.updated.v1"),
    )
    HANDLERS = copy_handlers(units, ...)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Connection, Date, Integer, MetaData, Table, Uuid, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.types import to_instance

from servicekit.envelope import CloudEvent


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


# --- a copy declared: its table and the handlers that apply its entity events ---------------------

_UNSET: Any = object()
_COPY = "servicekit.copies.entity_copy"

Handler = Callable[[Session, CloudEvent], None]


@dataclass(frozen=True)
class Copied:
    """One column of a copy and how its value is read from an entity event's data; made by
    :func:`copied`."""

    name: str
    type_: Any
    field: str
    nullable: bool
    default: Any
    read: Callable[[Any], Any] | None
    per_event: Mapping[str, Any] | None
    options: Mapping[str, Any]

    def column(self) -> Column[Any]:
        return Column(self.name, self.type_, nullable=self.nullable, **self.options)

    def value(self, event: CloudEvent) -> Any:
        if self.per_event is not None:
            return self.per_event[event.type]
        data = event.data
        required = not self.nullable and self.read is None and self.default is _UNSET
        raw = data[self.field] if required else data.get(self.field)
        if self.default is not _UNSET and (raw is None or raw == ""):
            raw = self.default
        if self.read is not None:
            return self.read(raw)
        kind = to_instance(self.type_)
        if isinstance(kind, Uuid):
            return _uuid(raw)
        if isinstance(kind, Date):
            return _date(raw)
        return raw


def copied(name: str, type_: Any, *, field: str | None = None, nullable: bool = False, default: Any = _UNSET,
           read: Callable[[Any], Any] | None = None, per_event: Mapping[str, Any] | None = None,
           **options: Any) -> Copied:
    """A column of an entity's copy (:func:`entity_copy`): the column ``name`` of ``type_``, and how
    its value is read from the event's data, so that the column and its reading are written once.

    The value is the event's field ``field`` (by default the column's own name):

    * as it comes, except that a ``Uuid`` column reads it as a UUID and a ``Date`` column as a date
      (the event carries both as strings);
    * a NOT NULL column (the default; ``nullable=True`` otherwise) without ``default`` or ``read``
      requires the field: an event without it fails (and is dead-lettered) rather than write a
      copy that says less than the producer knew;
    * ``default`` stands in for a field that is absent, null or empty (a person's language);
    * ``read`` turns the field's value into the column's (the preferred mobile among a person's
      contact points: ``read=preferred_contact("mobile")``);
    * ``per_event`` is a constant per event type instead of a field: a territory's ``released`` is
      False in ``assigned`` and True in ``released`` (a tombstone, see the module's docstring).

    ``options`` go to the Column as they are (``index=True``, ``server_default=...``).
    """
    return Copied(name, type_, field or name, nullable, default, read, per_event, options)


@dataclass(frozen=True)
class EntityCopy:
    """What :func:`entity_copy` declared: the event field that holds the entity's id, the events
    that carry the entity's whole state, and the columns with their reading."""

    key: str
    events: tuple[str, ...]
    columns: tuple[Copied, ...]


def entity_copy(name: str, metadata: MetaData, *columns: Copied, key: str, events: Iterable[str]) -> Table:
    """The table of a service's copy of another service's entity, declared once: from it come the
    table and (:func:`copy_handlers`) the handlers that apply the entity's events to it.

    The table is ``id`` (the entity's id, read from the event's field ``key``: ``"unit_id"``), the
    ``columns`` (:func:`copied`) and ``version``: the entity's version the row holds, by which a
    newer event wins and a stale one changes nothing (:func:`upsert_newer`). ``events`` are the
    entity event types that carry the entity's whole state (``owners.unit.added.v1``,
    ``owners.unit.updated.v1``).
    """
    declared = EntityCopy(key, tuple(events), columns)
    for column in columns:
        if column.per_event is not None and set(column.per_event) != set(declared.events):
            raise ValueError(f"{name}.{column.name}: per_event names {sorted(column.per_event)}, "
                             f"the copy's events are {sorted(declared.events)}")
    return Table(name, metadata, Column("id", Uuid, primary_key=True), *(c.column() for c in columns),
                 Column("version", Integer, nullable=False), info={_COPY: declared})


@dataclass(frozen=True)
class CopyHandler:
    """Applies one entity event to ``table``, the copy :func:`entity_copy` declared: the row
    ``id = data[key]`` takes the event's columns at its ``version`` if that is newer, when the
    consumer's batch commits (:func:`upsert_newer_at_commit`)."""

    table: Table
    copy: EntityCopy

    def __call__(self, session: Session, event: CloudEvent) -> None:
        data = event.data
        values = {column.name: column.value(event) for column in self.copy.columns}
        upsert_newer_at_commit(session, self.table, {"id": _uuid(data[self.copy.key])}, values, int(data["version"]))


def copy_handlers(*tables: Table) -> dict[str, Handler]:
    """Event type -> handler, for every event of the copies ``tables`` (each made by
    :func:`entity_copy`): what a service's ``HANDLERS`` maps its copies' events to. An event type
    two copies claim is refused: it would be applied to only one of them."""
    handlers: dict[str, Handler] = {}
    for table in tables:
        declared = table.info.get(_COPY)
        if declared is None:
            raise ValueError(f"{table.name} is not a copy declared with entity_copy")
        for type_ in declared.events:
            if type_ in handlers:
                raise ValueError(f"{type_} is applied to two copies")
            handlers[type_] = CopyHandler(table, declared)
    return handlers


def preferred(contact_points: Any, kind: str) -> str | None:
    """The preferred contact point of ``kind`` (mobile, email) among an entity's contact points
    (``[{"kind", "value", "preferred"}]``), else the first of that kind, else None. Entries that
    are not of that shape, or have no value, are passed over."""
    points = [p for p in contact_points or () if isinstance(p, Mapping) and p.get("kind") == kind and p.get("value")]
    for point in points:
        if point.get("preferred"):
            return point["value"]  # type: ignore[no-any-return]
    return points[0]["value"] if points else None


def preferred_contact(kind: str) -> Callable[[Any], str | None]:
    """``read=preferred_contact("mobile")``: a copy's column holding the preferred contact point of
    ``kind`` among the event's contact points (:func:`preferred`)."""
    return functools.partial(preferred, kind=kind)


def _uuid(value: Any) -> UUID | None:
    return None if value is None else UUID(str(value))


def _date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)
