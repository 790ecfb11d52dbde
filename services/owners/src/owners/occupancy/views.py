"""The read side of occupancy: one occupancy, and a unit's occupants, scoped to the caller's estates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from owners.tables import occupancies, people
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row

_STATUS = {"current": occupancies.c.moved_out_on.is_(None), "past": occupancies.c.moved_out_on.is_not(None)}


def occupancy(session: Session, occupancy_id: UUID) -> dict[str, Any]:
    """One occupancy (the caller's scope is checked before)."""
    return get_row(session, occupancies, occupancy_id, "occupancy", what_zh="入住记录")


def unit_occupants(session: Session, principal: Principal, unit_id: UUID, args: Mapping[str, Any]) -> dict[str, Any]:
    """A unit's occupancies with the person's name, latest move-in first; ``status`` current or past."""
    statement = (select(occupancies, people.c.name.label("person_name"))
                 .join(people, people.c.id == occupancies.c.person_id)
                 .where(occupancies.c.unit_id == unit_id)
                 .order_by(occupancies.c.moved_in_on.desc(), occupancies.c.id))
    if args["status"] in _STATUS:
        statement = statement.where(_STATUS[args["status"]])
    return page_of(session, scoped(statement, occupancies.c.estate_id, principal), dict(args))
