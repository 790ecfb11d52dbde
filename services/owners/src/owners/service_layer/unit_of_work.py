"""One unit of work per use case: a transaction that rolls back unless committed, and the
events recorded during it, written to the outbox in that same transaction."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy.orm import Session

from owners.adapters.tables import outbox
from owners.domain.events import Recorded
from servicekit import correlation
from servicekit.envelope import CloudEvent

SOURCE = "/estatedesk/owners"


class UnitOfWork:
    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self._depth = 0
        self.events: list[Recorded] = []

    def __enter__(self) -> UnitOfWork:
        # Re-entrant: a route that checks the caller's scope and then runs a use case shares one
        # transaction with it; only the outermost ``with`` opens and closes the session.
        self._depth += 1
        if self._depth == 1:
            self.session = self._session_factory()
            self.events = []
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.session.rollback()  # a no-op after commit
            self.session.close()

    def execute(self, statement: Any, params: Any = None) -> Any:
        return self.session.execute(statement, params)

    def record(self, type_: str, subject: object, data: dict[str, Any]) -> None:
        self.events.append(Recorded(type_, str(subject), data))

    def flush_events(self) -> int:
        """Write the events recorded so far to the outbox now, still inside this transaction; a
        large import calls this every few thousand rows so its events need not all sit in memory."""
        cid = correlation.current()
        written = outbox.add_many(self.session, (
            CloudEvent(type=e.type, source=SOURCE, subject=e.subject, data=e.data, correlationid=cid)
            for e in self.events
        ))
        self.events = []
        return written

    def commit(self) -> None:
        self.flush_events()
        self.session.commit()
