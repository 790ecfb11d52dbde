"""An entity's next version: its changed row and the event that carries its whole new state, written
in the caller's unit of work. Every consumer keeps the newer version of its copy (servicekit.copies),
so each change bumps ``version`` by one and the event says the version it made."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Table, update

from servicekit.errors import Message
from servicekit.rows import now, write
from servicekit.unit_of_work import UnitOfWork


def save_version(uow: UnitOfWork, table: Table, current: Mapping[str, Any], changes: Mapping[str, Any], *,
                 event: str, payload: Callable[[dict[str, Any]], dict[str, Any]],
                 conflict: Message | None = None) -> dict[str, Any]:
    """Write ``changes`` to ``current`` (read under its lock) as its next version and record ``event``
    with ``payload`` of the new row; a unique key the changes take is :class:`Conflict` (``conflict``)."""
    row = {**current, **changes, "updated_at": now(), "version": current["version"] + 1}
    statement = update(table).where(table.c.id == current["id"]).values(
        **changes, updated_at=row["updated_at"], version=row["version"])
    write(uow, statement, conflict=conflict)
    uow.record(event, current["id"], payload(row))
    return row
