"""What callers can do with the register of common areas and equipment (OWN-10): register an item of an
estate or of one of its buildings, change its particulars, decommission it. Every change is the item's
next version and one event with its whole state, so tickets' copy can name it on a ticket."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select

from owners import events
from owners.domain.errors import NO_SUCH_ESTATE, NotFound
from owners.tables import buildings, equipment
from owners.versions import save_version
from servicekit.errors import Message
from servicekit.rows import get_row, now, write
from servicekit.unit_of_work import UnitOfWork

_TAKEN = Message("this estate has an item with that identifier already", "本小区已有此编号的设施设备")


def register_item(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    """Register a common area or an item of equipment of an estate (or of one of its buildings)."""
    with uow:
        _check_building(uow, data["estate_id"], data.get("building_id"))
        stamp = now()
        row = {"id": uuid.uuid4(), "building_id": None, "location": "", "installer": "", "maintenance_contractor": "",
               "installed_on": None, **data, "active": True, "version": 1, "created_at": stamp, "updated_at": stamp}
        write(uow, insert(equipment).values(row), conflict=_TAKEN, missing=NO_SUCH_ESTATE)
        uow.record(events.EQUIPMENT_ADDED, row["id"], events.equipment_payload(row))
        uow.commit()
        return row


def update_item(uow: UnitOfWork, equipment_id: UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Change an item's particulars (its building, place, contractor ...), or decommission it (active false)."""
    with uow:
        current = get_row(uow, equipment, equipment_id, "item of equipment", what_zh="设施设备", lock=True)
        changes = {k: v for k, v in changes.items() if current.get(k) != v}
        if not changes:
            return current
        if "building_id" in changes:
            _check_building(uow, current["estate_id"], changes["building_id"])
        row = save_version(uow, equipment, current, changes, event=events.EQUIPMENT_UPDATED,
                           payload=events.equipment_payload, conflict=_TAKEN)
        uow.commit()
        return row


def _check_building(uow: UnitOfWork, estate_id: UUID, building_id: UUID | None) -> None:
    if building_id is None:
        return
    found = uow.execute(select(buildings.c.id).where(buildings.c.id == building_id,
                                                     buildings.c.estate_id == estate_id)).first()
    if found is None:
        en = "no such building in this estate"
        raise NotFound(en, "本小区没有此楼栋", errors={"building_id": [en]})
