"""A staff member's named filter sets of the desk's queue, kept in the gateway's own database by
their account (the console's own data, not a service's), so a set saved on one machine comes back
on another. Saving a name again replaces that set; the set saved last is the queue's default."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select, update

from gateway.tables import console_saved_filters
from servicekit.rows import now as clock
from servicekit.unit_of_work import UnitOfWork

# How many sets one staff member keeps (the queue shows them all as buttons).
MAX_SETS = 20


def listed(session: Any, account_id: UUID) -> list[dict[str, Any]]:
    """The account's filter sets, the one saved last first."""
    rows = session.execute(select(console_saved_filters).where(console_saved_filters.c.account_id == account_id)
                           .order_by(console_saved_filters.c.updated_at.desc(), console_saved_filters.c.name))
    return [dict(row) for row in rows.mappings()]


def save(uow: UnitOfWork, account_id: UUID, name: str, filters: dict[str, Any]) -> dict[str, Any] | None:
    """Save ``filters`` under ``name`` for the account (replacing a set of that name); None when the
    account already keeps :data:`MAX_SETS` other sets."""
    at = clock()
    with uow:
        table = console_saved_filters
        kept = uow.execute(select(table.c.id, table.c.name).where(table.c.account_id == account_id)).all()
        same = [row.id for row in kept if row.name == name]
        if same:
            uow.execute(update(table).where(table.c.id == same[0]).values(filters=filters, updated_at=at))
            row_id = same[0]
        elif len(kept) >= MAX_SETS:
            return None
        else:
            row_id = uuid.uuid4()
            uow.execute(table.insert().values(id=row_id, account_id=account_id, name=name, filters=filters,
                                              created_at=at, updated_at=at))
        uow.commit()
    return {"id": row_id, "name": name, "filters": filters}


def remove(uow: UnitOfWork, account_id: UUID, set_id: UUID) -> bool:
    """Remove one of the account's sets (another account's is not touched); whether one was removed."""
    with uow:
        gone = uow.execute(delete(console_saved_filters).where(
            console_saved_filters.c.id == set_id, console_saved_filters.c.account_id == account_id)).rowcount
        uow.commit()
    return bool(gone)
