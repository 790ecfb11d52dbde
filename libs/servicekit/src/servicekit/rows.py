"""Reading and writing single rows inside a use case, with the database's constraints answered
in the caller's words (a taken code is a conflict, a missing parent is not found)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError

from servicekit.errors import Conflict, Message, NotFound
from servicekit.integrity import violation


class Executes(Protocol):
    """A unit of work or a plain session: anything that runs a statement."""

    def execute(self, statement: Any, params: Any = None) -> Any: ...


def now() -> datetime:
    """The time of a change, timezone-aware UTC (stored as such on every database)."""
    return datetime.now(UTC)


def get_row(uow: Executes, table: Table, id_: UUID, what: str, *, what_zh: str, lock: bool = False,
            share: bool = False) -> dict[str, Any]:
    """One row by id, or :class:`NotFound` ("no such <what>" / "没有此<what_zh>", as
    :class:`servicekit.access.InEstate` says it); ``lock`` holds it until commit (no-op on SQLite),
    against writers only with ``share`` (others may share it too)."""
    statement = select(table).where(table.c.id == id_)
    row = uow.execute(statement.with_for_update(read=share) if lock else statement).mappings().first()
    if row is None:
        raise NotFound(f"no such {what}", f"没有此{what_zh}")
    return dict(row)


def write(uow: Executes, statement: Any, params: Any = None, *, conflict: Message | None = None,
          missing: Message | None = None) -> Any:
    """Execute a write; a unique violation becomes :class:`Conflict` (``conflict``) and a foreign-key
    violation :class:`NotFound` (``missing``), so callers need no check-then-write race."""
    with constraint_errors(conflict=conflict, missing=missing):
        return uow.execute(statement, params)


@contextmanager
def constraint_errors(*, conflict: Message | None = None, missing: Message | None = None) -> Iterator[None]:
    """The writes inside: as :func:`write` answers their constraint violations."""
    try:
        yield
    except IntegrityError as exc:
        kind = violation(exc)
        if kind == "unique" and conflict:
            raise Conflict(conflict.en, conflict.zh) from exc
        if kind == "foreign_key" and missing:
            raise NotFound(missing.en, missing.zh) from exc
        raise


def changed(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """Only the changes that change something: an unchanged PATCH records no event."""
    return {key: value for key, value in changes.items() if current.get(key) != value}
