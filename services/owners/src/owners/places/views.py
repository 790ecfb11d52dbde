"""The read side of places: estates, buildings and units, one at a time or a page of them, scoped to
the caller's estates. Reads run on a session of their own (``servicekit.webapp.read``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from owners.tables import buildings, estates, units
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row


def estate(session: Session, estate_id: UUID) -> dict[str, Any]:
    """One estate (the caller's scope is checked before)."""
    return get_row(session, estates, estate_id, "estate", what_zh="小区")


def building(session: Session, building_id: UUID) -> dict[str, Any]:
    """One building (the caller's scope is checked before)."""
    return get_row(session, buildings, building_id, "building", what_zh="楼栋")


def unit(session: Session, unit_id: UUID) -> dict[str, Any]:
    """One unit (the caller's scope is checked before)."""
    return get_row(session, units, unit_id, "unit", what_zh="房屋")


def estates_page(session: Session, principal: Principal, args: Mapping[str, Any]) -> dict[str, Any]:
    """The estates the caller may see, by code."""
    return page_of(session, scoped(select(estates).order_by(estates.c.code), estates.c.id, principal), dict(args))


def estate_buildings(session: Session, principal: Principal, estate_id: UUID,
                     args: Mapping[str, Any]) -> dict[str, Any]:
    """An estate's buildings, by code."""
    statement = select(buildings).where(buildings.c.estate_id == estate_id).order_by(buildings.c.code)
    return page_of(session, scoped(statement, buildings.c.estate_id, principal), dict(args))


def building_units(session: Session, principal: Principal, building_id: UUID,
                   args: Mapping[str, Any]) -> dict[str, Any]:
    """A building's units, by number."""
    statement = select(units).where(units.c.building_id == building_id).order_by(units.c.number)
    return page_of(session, scoped(statement, units.c.estate_id, principal), dict(args))
