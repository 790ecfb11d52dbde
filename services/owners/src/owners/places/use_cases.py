"""What callers can do with places (OWN-1): register an estate, add buildings and units, change
their particulars. Codes and numbers are unique where residents use them (an estate's code in the
company, a building's code in its estate, a unit's number in its building): the database's unique
keys answer a taken one, so there is no check-then-write race."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select

from owners import events
from owners.domain.errors import NO_SUCH_ESTATE
from owners.domain.places import check_floor, check_floors_cover_units
from owners.tables import buildings, estates, units
from owners.versions import save_version
from servicekit.errors import Message
from servicekit.rows import changed, get_row, now, write
from servicekit.unit_of_work import UnitOfWork


def _estate_code_taken(code: Any) -> Message:
    return Message(f"an estate with code {code!r} exists", f"已有编码为 {code} 的小区")


def _building_code_taken(code: Any) -> Message:
    return Message(f"building code {code!r} is taken in this estate", f"本小区已有编码为 {code} 的楼栋")


def _unit_number_taken(number: Any) -> Message:
    return Message(f"unit {number!r} exists in this building", f"本楼栋已有房号 {number}")


def register_estate(uow: UnitOfWork, *, code: str, name: str, city: str = "", address: str = "") -> dict[str, Any]:
    """Register an estate (小区) under a code unique in the company."""
    with uow:
        stamp = now()
        row = {"id": uuid.uuid4(), "code": code, "name": name, "city": city, "address": address,
               "version": 1, "created_at": stamp, "updated_at": stamp}
        write(uow, insert(estates).values(row), conflict=_estate_code_taken(code))
        uow.record(events.ESTATE_REGISTERED, row["id"], events.estate_payload(row))
        uow.commit()
        return row


def update_estate(uow: UnitOfWork, estate_id: UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Change an estate's code, name, city or address (each PATCH is a new version, even one that
    changes nothing)."""
    with uow:
        current = get_row(uow, estates, estate_id, "estate", what_zh="小区", lock=True)
        row = save_version(uow, estates, current, changes, event=events.ESTATE_UPDATED,
                           payload=events.estate_payload, conflict=_estate_code_taken(changes.get("code")))
        uow.commit()
        return row


def add_building(uow: UnitOfWork, estate_id: UUID, code: str, name: str, floors: int | None = None) -> dict[str, Any]:
    """Add a building (楼栋) to an estate; its code is unique within the estate."""
    with uow:
        stamp = now()
        row = {"id": uuid.uuid4(), "estate_id": estate_id, "code": code, "name": name, "floors": floors,
               "version": 1, "created_at": stamp, "updated_at": stamp}
        write(uow, insert(buildings).values(row), conflict=_building_code_taken(code), missing=NO_SUCH_ESTATE)
        uow.record(events.BUILDING_ADDED, row["id"], events.building_payload(row))
        uow.commit()
        return row


def update_building(uow: UnitOfWork, building_id: UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Change a building's code, name or floor count; units must stay below the top floor."""
    with uow:
        current = get_row(uow, buildings, building_id, "building", what_zh="楼栋", lock=True)
        changes = changed(current, changes)
        if not changes:
            return current
        if changes.get("floors") is not None:
            highest = uow.execute(select(func.max(units.c.floor)).where(units.c.building_id == building_id)).scalar()
            check_floors_cover_units(changes["floors"], highest)
        row = save_version(uow, buildings, current, changes, event=events.BUILDING_UPDATED,
                           payload=events.building_payload, conflict=_building_code_taken(changes.get("code")))
        uow.commit()
        return row


def add_unit(uow: UnitOfWork, building_id: UUID, number: str, floor: int | None = None,
             area_m2: Decimal | None = None) -> dict[str, Any]:
    """Add a unit (房号) to a building; its number is unique within the building."""
    with uow:
        building = get_row(uow, buildings, building_id, "building", what_zh="楼栋")
        check_floor(floor, building["floors"])
        stamp = now()
        row = {"id": uuid.uuid4(), "estate_id": building["estate_id"], "building_id": building_id, "number": number,
               "floor": floor, "area_m2": area_m2, "version": 1, "created_at": stamp, "updated_at": stamp}
        write(uow, insert(units).values(row), conflict=_unit_number_taken(number))
        uow.record(events.UNIT_ADDED, row["id"], events.unit_payload(row))
        uow.commit()
        return row


def update_unit(uow: UnitOfWork, unit_id: UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Change a unit's number, floor or area; it stays below its building's top floor."""
    with uow:
        current = get_row(uow, units, unit_id, "unit", what_zh="房屋", lock=True)
        changes = changed(current, changes)
        if not changes:
            return current
        if changes.get("floor") is not None:
            building = get_row(uow, buildings, current["building_id"], "building", what_zh="楼栋")
            check_floor(changes["floor"], building["floors"])
        row = save_version(uow, units, current, changes, event=events.UNIT_UPDATED, payload=events.unit_payload,
                           conflict=_unit_number_taken(changes.get("number")))
        uow.commit()
        return row
