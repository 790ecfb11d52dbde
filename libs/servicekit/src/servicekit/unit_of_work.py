"""One unit of work per use case: a transaction that rolls back unless committed, and the events
recorded during it, written to the outbox in that same transaction.

A unit of work is not re-entrant: ``with uow:`` while it is open raises. A use case that another
one calls inside its transaction takes the open unit of work as a parameter and does not enter it
again; the caller's checks (role, estate scope) run before, never inside, the use case's ``with``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Dialect, Select, Table
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.util import find_tables

from servicekit import correlation
from servicekit.bulk import insert_together
from servicekit.envelope import CloudEvent
from servicekit.outbox import Outbox


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event a use case recorded: its type, its subject (the entity's id) and its payload."""

    type: str
    subject: str
    data: dict[str, Any]


class UnitOfWork:
    """A transaction on one of ``connect``'s connections whose recorded events go to ``outbox`` as
    CloudEvents from ``source`` when it commits.

    The transaction is held by a plain SQLAlchemy :class:`~sqlalchemy.Connection`, not an ORM
    Session: a use case that runs its statements through :meth:`execute` (and the unit of work's
    own writes) never builds a Session (about a tenth of the Python a ticket's opening took).
    :attr:`session` is still there for the code that wants one (``get_bind()``,
    ``info``, a function of a session): made on first use, joined to the same transaction, which
    only the unit of work commits."""

    def __init__(self, connect: Callable[[], Connection], outbox: Outbox, source: str) -> None:
        if isinstance(connect, sessionmaker):
            raise TypeError("a unit of work takes a function returning a Connection (engine.connect); "
                            "Service.unit_of_work takes a sessionmaker")
        self._connect = connect
        self._outbox = outbox
        self._source = source
        self._open = False
        self._connection: Connection | None = None
        self._session: Session | None = None
        self._info: dict[Any, Any] = {}
        self.events: list[RecordedEvent] = []
        self._queued: list[tuple[Table, list[Mapping[str, Any]]]] = []

    def __enter__(self) -> UnitOfWork:
        if self._open:
            raise RuntimeError("this unit of work is already open; a nested commit would commit the outer "
                               "transaction. Pass the open unit of work on instead of entering it again")
        self._open = True
        self._connection = self._connect()
        self._connection.begin()  # sends nothing: psycopg's BEGIN goes with the first statement
        self._session = None
        self._info = {}
        self.events = []
        self._queued = []
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._open = False
        self._queued = []
        connection, session, self._connection, self._session = self._connection, self._session, None, None
        try:
            if session is not None:
                session.close()  # leaves the transaction to the connection
        finally:
            if connection is not None:
                connection.rollback()  # a no-op after commit
                connection.close()

    @property
    def connection(self) -> Connection:
        """The connection holding this unit of work's transaction (while it is open)."""
        if self._connection is None:
            raise RuntimeError("this unit of work is not open: use it in `with uow:`")
        return self._connection

    @property
    def session(self) -> Session:
        """A Session in this unit of work's transaction (made on first use while it is open); its
        ``commit()`` commits nothing, the unit of work's :meth:`commit` commits it all."""
        if self._session is None:
            # rollback_only: a failed flush or the session's rollback() ends the whole transaction,
            # its commit() only flushes; the unit of work's commit() commits.
            self._session = Session(bind=self.connection, join_transaction_mode="rollback_only",
                                    expire_on_commit=False)
        return self._session

    @property
    def dialect(self) -> Dialect:
        """The database's SQLAlchemy dialect (``uow.dialect.name == "postgresql"``)."""
        return self.connection.dialect

    @property
    def info(self) -> dict[Any, Any]:
        """What a use case keeps for the rest of this transaction (as a Session's ``info``): empty
        again each time the unit of work is entered."""
        return self._info

    def execute(self, statement: Any, params: Any = None) -> Any:
        """Run ``statement`` in this transaction (after writing the rows queued by :meth:`insert_later`,
        so it sees them)."""
        if self._queued and _may_see(statement, {table for table, _ in self._queued}):
            self._write_queued([])
        return self._runner().execute(statement, params)

    def _runner(self) -> Connection | Session:
        """What runs this unit of work's statements: the session once one was made (so that a
        flush of what it holds comes first), the connection otherwise."""
        return self._session if self._session is not None else self.connection

    def insert_later(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Queue ``rows`` (dicts with the same keys) for ``table``: they are written, in the order
        queued, before the next statement this unit of work runs that might see them (any write;
        a SELECT naming a queued table), or with the events when it commits (on PostgreSQL one
        statement for all of them and the outbox rows: a request that writes a record, its
        timeline step and its event pays one round trip). Once rows are queued, run statements
        through :meth:`execute`, not ``session`` directly, and read a view over a queued table
        only after :meth:`flush_events`. A violated constraint raises ``IntegrityError`` at the
        statement that writes them, or at commit."""
        if rows:
            self._queued.append((table, list(rows)))

    def _write_queued(self, also: list[tuple[Table, list[Mapping[str, Any]]]]) -> None:
        queued, self._queued = self._queued, []
        insert_together(self._runner(), queued + also)

    def record(self, type_: str, subject: object, data: dict[str, Any]) -> None:
        """Note that ``type_`` happened to ``subject``; it reaches the outbox when this commits."""
        self.events.append(RecordedEvent(type_, str(subject), data))

    def flush_events(self) -> int:
        """Write the events recorded so far to the outbox now, still inside this transaction; a
        large import calls this every few thousand rows so its events need not all sit in memory."""
        cid = correlation.current()
        at = datetime.now(UTC)  # written together, stamped together (one time to format)
        events = [CloudEvent(type=e.type, source=self._source, subject=e.subject, data=e.data, correlationid=cid,
                             time=at) for e in self.events]
        self.events = []
        if not self._queued:
            return self._outbox.add_many(self._runner(), events)
        rows = self._outbox.rows_of(events)
        self._write_queued([(self._outbox.table, rows)])
        return len(rows)

    def commit(self) -> None:
        """Write the recorded events to the outbox and commit them with the changes."""
        self.flush_events()
        if self._session is not None:
            self._session.commit()  # its flush and its commit hooks (servicekit.copies'); commits nothing
        self.connection.commit()


class JoinedUnitOfWork(UnitOfWork):
    """A unit of work inside a transaction someone else holds: a consumer's handler, whose changes
    commit with the event's inbox row (servicekit.consumer). A use case runs in it unchanged:
    ``with uow:`` neither opens nor closes a session, and ``commit()`` writes the recorded events to
    the outbox (in that same transaction) without committing; the consumer commits, or rolls
    everything back with the inbox row if the handler raises."""

    def __init__(self, session: Session, outbox: Outbox, source: str) -> None:
        super().__init__(lambda: session.connection(), outbox, source)
        self._session = session

    def __enter__(self) -> UnitOfWork:
        if self._open:
            raise RuntimeError("this unit of work is already open; pass the open unit of work on instead")
        self._open = True
        self._queued = []
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._open = False
        if exc is None:
            self.flush_events()

    @property
    def connection(self) -> Connection:
        return self.session.connection()

    @property
    def session(self) -> Session:
        assert self._session is not None
        return self._session

    @property
    def dialect(self) -> Dialect:
        return self.session.get_bind().dialect

    @property
    def info(self) -> dict[Any, Any]:
        return self.session.info

    def commit(self) -> None:
        self.flush_events()


def _may_see(statement: Any, queued: set[Table]) -> bool:
    """Whether ``statement`` might read or write rows of the ``queued`` tables: every statement but
    a SELECT that names none of them (in a join, subquery or CTE alike)."""
    return not isinstance(statement, Select) or not queued.isdisjoint(_tables_of(statement))


@functools.lru_cache(maxsize=256)
def _tables_of(statement: Select[Any]) -> frozenset[Table]:
    return frozenset(t for t in find_tables(statement, include_crud=True) if isinstance(t, Table))
