"""Use cases of buildings and units (OWN-1): add one, change its particulars."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select, update

from owners.tables import buildings, units
from owners import events
from owners.domain.places import check_floor, check_floors_cover_units
from servicekit.rows import changed, get_row, now, write
from servicekit.unit_of_work import UnitOfWork


def add_building(uow: UnitOfWork, estate_id: UUID, code: str, name: str, floors: int | None = None) -> dict[str, Any]:
    """Add a building (楼栋) to an estate; its code is unique within the estate."""
    with uow:
        stamp = now()
        row = {"id": uuid.uuid4(), "estate_id": estate_id, "code": code, "name": name, "floors": floors,
               "version": 1, "created_at": stamp, "updated_at": stamp}
        write(uow, insert(buildings).values(row), conflict=f"building code {code!r} is taken in this estate",
              missing="no such estate")
        uow.record(events.BUILDING_ADDED, row["id"], events.building_payload(row))
        uow.commit()
        return row


def update_building(uow: UnitOfWork, building_id: UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Change a building's code, name or floor count; units must stay below the top floor."""
    with uow:
        current = get_row(uow, buildings, building_id, "building", lock=True)
        changes = changed(current, changes)
        if not changes:
            return current
        if changes.get("floors") is not None:
            highest = uow.execute(select(func.max(units.c.floor)).where(units.c.building_id == building_id)).scalar()
            check_floors_cover_units(changes["floors"], highest)
        row = {**current, **changes, "updated_at": now(), "version": current["version"] + 1}
        statement = update(buildings).where(buildings.c.id == building_id)
        write(uow, statement.values(**changes, updated_at=row["updated_at"], version=row["version"]),
              conflict=f"building code {changes.get('code')!r} is taken in this estate")
        uow.record(events.BUILDING_UPDATED, building_id, events.building_payload(row))
        uow.commit()
        return row


def add_unit(uow: UnitOfWork, building_id: UUID, number: str, floor: int | None = None,
             area_m2: Decimal | None = None) -> dict[str, Any]:
    """Add a unit (房号) to a building; its number is unique within the building."""
    with uow:
        building = get_row(uow, buildings, building_id, "building")
        check_floor(floor, building["floors"])
        stamp = now()
        row = {"id": uuid.uuid4(), "estate_id": building["estate_id"], "building_id": building_id, "number": number,
               "floor": floor, "area_m2": area_m2, "version": 1, "created_at": stamp, "updated_at": stamp}
        write(uow, insert(units).values(row), conflict=f"unit {number!r} exists in this building")
        uow.record(events.UNIT_ADDED, row["id"], events.unit_payload(row))
        uow.commit()
        return row


def update_unit(uow: UnitOfWork, unit_id: UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Change a unit's number, floor or area."""
    with uow:
        current = get_row(uow, units, unit_id, "unit", lock=True)
        changes = changed(current, changes)
        if not changes:
            return current
        if changes.get("floor") is not None:
            building = get_row(uow, buildings, current["building_id"], "building")
            check_floor(changes["floor"], building["floors"])
        row = {**current, **changes, "updated_at": now(), "version": current["version"] + 1}
        write(uow, update(units).where(units.c.id == unit_id).values(**changes, updated_at=row["updated_at"],
                                                                     version=row["version"]),
              conflict=f"unit {changes.get('number')!r} exists in this building")
        uow.record(events.UNIT_UPDATED, unit_id, events.unit_payload(row))
        uow.commit()
        return row
