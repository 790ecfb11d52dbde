"""What callers can do with territories (OWN-6): assign ground to a staff member, release it, reassign it.

Each takes effect when it commits: dispatch reads the territories table (and its copy, built from
these events) for every new piece of work.
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select

from owners import events
from owners.domain.errors import NO_SUCH_ESTATE, Invalid, NotFound
from owners.domain.territories import Patch, check_assignable, check_reassignment
from owners.tables import buildings, staff, territories
from servicekit.rows import get_row, now, write
from servicekit.unit_of_work import UnitOfWork


def assign_territory(uow: UnitOfWork, staff_id: UUID, estate_id: UUID,
                     building_id: UUID | None = None) -> dict[str, Any]:
    """Give a staff member an estate, or one building of it, to cover."""
    with uow:
        # One assignment per member at a time.
        member = get_row(uow, staff, staff_id, "staff member", what_zh="员工", lock=True)
        if not member["active"]:
            raise Invalid("that staff member is not active", "该员工已停用", errors={"staff_id": ["not active"]})
        row = _assign(uow, staff_id, Patch(estate_id, building_id))
        uow.commit()
        return row


def release_territory(uow: UnitOfWork, territory_id: UUID) -> dict[str, Any]:
    """Take a territory away from its staff member."""
    with uow:
        row = get_row(uow, territories, territory_id, "territory", what_zh="负责区域", lock=True)
        _release(uow, row)
        uow.commit()
        return row


def reassign_territory(uow: UnitOfWork, territory_id: UUID, to_staff_id: UUID) -> dict[str, Any]:
    """Move a territory to another staff member in one transaction: released, then assigned."""
    with uow:
        current = get_row(uow, territories, territory_id, "territory", what_zh="负责区域", lock=True)
        to_staff = get_row(uow, staff, to_staff_id, "staff member", what_zh="员工", lock=True)
        check_reassignment(current["staff_id"], to_staff_id, to_staff["active"])
        _release(uow, current)
        row = _assign(uow, to_staff_id, Patch(current["estate_id"], current["building_id"]))
        uow.commit()
        return row


def _assign(uow: UnitOfWork, staff_id: UUID, wanted: Patch) -> dict[str, Any]:
    if wanted.building_id is not None:
        _check_building_in_estate(uow, wanted)
    held = uow.execute(select(territories.c.estate_id, territories.c.building_id)
                       .where(territories.c.staff_id == staff_id)).all()
    check_assignable((Patch(e, b) for e, b in held), wanted)
    row = {"id": uuid.uuid4(), "staff_id": staff_id, "estate_id": wanted.estate_id, "building_id": wanted.building_id,
           "assigned_at": now(), "version": 1}
    write(uow, insert(territories).values(row), missing=NO_SUCH_ESTATE)
    uow.record(events.TERRITORY_ASSIGNED, row["id"], events.territory_payload(row))
    return row


def _release(uow: UnitOfWork, row: dict[str, Any]) -> None:
    uow.execute(delete(territories).where(territories.c.id == row["id"]))
    uow.record(events.TERRITORY_RELEASED, row["id"], events.territory_payload(row, released=True))


def _check_building_in_estate(uow: UnitOfWork, wanted: Patch) -> None:
    found = uow.execute(select(buildings.c.id).where(
        buildings.c.id == wanted.building_id, buildings.c.estate_id == wanted.estate_id)).first()
    if found is None:
        en = "no such building in this estate"
        raise NotFound(en, "本小区没有此楼栋", errors={"building_id": [en]})
