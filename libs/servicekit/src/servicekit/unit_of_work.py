"""One unit of work per use case: a transaction that rolls back unless committed, and the events
recorded during it, written to the outbox in that same transaction.

A unit of work is not re-entrant: ``with uow:`` while it is open raises. A use case that another
one calls inside its transaction takes the open unit of work as a parameter and does not enter it
again; the caller's checks (role, estate scope) run before, never inside, the use case's ``with``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from sqlalchemy.orm import Session

from servicekit import correlation
from servicekit.envelope import CloudEvent
from servicekit.outbox import Outbox


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event a use case recorded: its type, its subject (the entity's id) and its payload."""

    type: str
    subject: str
    data: dict[str, Any]


class UnitOfWork:
    """A transaction of ``session_factory``'s sessions whose recorded events go to ``outbox`` as
    CloudEvents from ``source`` when it commits."""

    def __init__(self, session_factory: Callable[[], Session], outbox: Outbox, source: str) -> None:
        self._session_factory = session_factory
        self._outbox = outbox
        self._source = source
        self._open = False
        self.events: list[RecordedEvent] = []

    def __enter__(self) -> UnitOfWork:
        if self._open:
            raise RuntimeError("this unit of work is already open; a nested commit would commit the outer "
                               "transaction. Pass the open unit of work on instead of entering it again")
        self._open = True
        self.session = self._session_factory()
        self.events = []
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._open = False
        self.session.rollback()  # a no-op after commit
        self.session.close()

    def execute(self, statement: Any, params: Any = None) -> Any:
        """Run ``statement`` in this transaction."""
        return self.session.execute(statement, params)

    def record(self, type_: str, subject: object, data: dict[str, Any]) -> None:
        """Note that ``type_`` happened to ``subject``; it reaches the outbox when this commits."""
        self.events.append(RecordedEvent(type_, str(subject), data))

    def flush_events(self) -> int:
        """Write the events recorded so far to the outbox now, still inside this transaction; a
        large import calls this every few thousand rows so its events need not all sit in memory."""
        cid = correlation.current()
        written = self._outbox.add_many(self.session, (
            CloudEvent(type=e.type, source=self._source, subject=e.subject, data=e.data, correlationid=cid)
            for e in self.events
        ))
        self.events = []
        return written

    def commit(self) -> None:
        """Write the recorded events to the outbox and commit them with the changes."""
        self.flush_events()
        self.session.commit()


class JoinedUnitOfWork(UnitOfWork):
    """A unit of work inside a transaction someone else holds: a consumer's handler, whose changes
    commit with the event's inbox row (servicekit.consumer). A use case runs in it unchanged:
    ``with uow:`` neither opens nor closes a session, and ``commit()`` writes the recorded events to
    the outbox (in that same transaction) without committing; the consumer commits, or rolls
    everything back with the inbox row if the handler raises."""

    def __init__(self, session: Session, outbox: Outbox, source: str) -> None:
        super().__init__(lambda: session, outbox, source)
        self.session = session

    def __enter__(self) -> UnitOfWork:
        if self._open:
            raise RuntimeError("this unit of work is already open; pass the open unit of work on instead")
        self._open = True
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._open = False
        if exc is None:
            self.flush_events()

    def commit(self) -> None:
        self.flush_events()
