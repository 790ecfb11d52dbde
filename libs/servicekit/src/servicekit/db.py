"""Engines that behave well on both databases the suite runs on: PostgreSQL and embedded SQLite."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, Table, Text, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.types import TypeDecorator


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; on SQLite: WAL, foreign keys on, and a busy timeout for concurrent writers."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(parsed, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    if "pool_pre_ping" in kwargs:
        return create_engine(parsed, **kwargs)
    engine = create_engine(parsed, **kwargs)
    _ping_after_idle(engine)
    return engine


class WriteInReadSession(RuntimeError):
    """A statement that writes was sent on a read session: its change would be committed at once
    (PostgreSQL) or rolled back unseen (SQLite), so it is refused before it reaches the database."""


_WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "ALTER", "DROP", "TRUNCATE", "COPY", "LOCK", "VACUUM")


def reading_engine(engine: Engine) -> Engine:
    """``engine`` for read sessions, over the same pool: on PostgreSQL without a transaction (each
    statement commits on its own, so no BEGIN and no ROLLBACK round trips); on SQLite unchanged
    (a transaction there costs no round trip). A statement that writes is refused on either
    (:class:`WriteInReadSession`)."""
    reader = engine.execution_options(isolation_level="AUTOCOMMIT") if is_postgres(engine) else \
        engine.execution_options()

    @event.listens_for(reader, "before_cursor_execute")
    def _refuse_writes(_conn: Any, _cursor: Any, statement: str, _parameters: Any, context: Any,
                       _executemany: bool) -> None:
        writes = context.isinsert or context.isupdate or context.isdelete
        if writes or statement.lstrip()[:8].upper().startswith(_WRITES):
            raise WriteInReadSession(f"a read session may not write: {statement[:80]!r}")

    return reader


# A pooled connection idle this long is pinged before it is handed out (one round trip).
PING_AFTER_IDLE_SECONDS = 1.0


def _ping_after_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it has been idle a while (PostgreSQL).

    ``pool_pre_ping`` pings at every checkout: a round trip per request, measured as a fifth of
    the time of opening a ticket under load (issue 22). A connection in steady use is pinged
    never, one idle for :data:`PING_AFTER_IDLE_SECONDS` (a database restart while the service was
    quiet) is pinged, and a dead one is replaced before the request sees it. One cut while in
    steady use fails its request (a 503 with ``Retry-After``, servicekit.webapp), and SQLAlchemy
    then drops every pooled connection older than the failure, as with ``pool_pre_ping``."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # new, or just used
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any failure: the pool opens a new connection instead
            raise DisconnectionError(f"a pooled connection failed its ping: {exc}") from exc


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def insert_new(bind: Any, table: Table) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` into ``table`` for the dialect of ``bind`` (a session,
    connection or engine): rows whose key is there already are left alone."""
    engine = bind.get_bind() if hasattr(bind, "get_bind") else bind
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


class UtcDateTime(TypeDecorator[datetime]):
    """An instant, stored in UTC and read back time-zone aware on PostgreSQL and SQLite alike.

    SQLite has no time zones: a plain ``DateTime(timezone=True)`` there drops the offset when
    writing (so 10:00+08:00 and 10:00Z would be stored alike) and reads naive datetimes back,
    which then cannot be compared with aware ones. A naive datetime is refused when written.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored as an instant; give it a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


# Constraint and index names every service's tables get, so migrations name them the same on
# PostgreSQL and SQLite (where Alembic's batch mode needs a name to drop or alter one).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata() -> MetaData:
    """The MetaData of a service's tables, with the suite's naming convention."""
    return MetaData(naming_convention=NAMING_CONVENTION)


class SearchTerms(TypeDecorator[list[str]]):
    """The words a row is found by, kept as each database searches them best: a ``text[]`` on
    PostgreSQL (a GIN index answers ``@>`` and ``&&``), and ``" w1 w2 "`` text on SQLite, which has
    no arrays (``LIKE '% w %'`` finds a word). Written and read as a list of words without spaces."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.ARRAY(Text()))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        words = [str(word) for word in value]
        if any(not word or " " in word for word in words):
            raise ValueError("a search term is a word without spaces")
        return words if dialect.name == "postgresql" else " " + " ".join(words) + " "

    def process_result_value(self, value: Any, dialect: Dialect) -> list[str] | None:
        if value is None:
            return None
        return list(value) if dialect.name == "postgresql" else value.split()
