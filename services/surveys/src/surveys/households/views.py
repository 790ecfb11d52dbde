"""The read side of the copy of owners: the occupied households an estate's waves sample.

A household is a unit with at least one occupancy that has not moved out by the day asked about
(``moved_out_on`` null or later); its contact for an invitation is an owner-occupant before a
tenant before anyone else, the earliest moved in first.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import func, or_, select

from servicekit.auth import scoped
from servicekit.paging import page_of
from surveys.domain.sampling import Household
from surveys.tables import buildings, occupancies, units


def _living(on: date) -> Any:
    return or_(occupancies.c.moved_out_on.is_(None), occupancies.c.moved_out_on > on)


def _occupied(on: date) -> Any:
    return select(occupancies.c.unit_id).where(_living(on))


def occupied_households(session, estate_id: UUID, on: date) -> list[Household]:  # noqa: ANN001
    """Every occupied household of an estate on ``on``, with its building."""
    statement = (select(units.c.id, units.c.building_id)
                 .where(units.c.estate_id == estate_id, units.c.id.in_(_occupied(on))))
    return [Household(row.id, row.building_id) for row in session.execute(statement)]


def estate_households(session, principal, args: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """One page of an estate's occupied households (of a building, if named), by building and unit."""
    on = args.get("on") or date.today()
    occupants = (select(occupancies.c.unit_id, func.count().label("occupants"))
                 .where(_living(on)).group_by(occupancies.c.unit_id).subquery())
    statement = (select(units.c.id.label("unit_id"), units.c.estate_id, units.c.building_id,
                        buildings.c.name.label("building_name"), units.c.number, occupants.c.occupants)
                 .join(occupants, occupants.c.unit_id == units.c.id)
                 .join(buildings, buildings.c.id == units.c.building_id)
                 .where(units.c.estate_id == args["estate_id"])
                 .order_by(buildings.c.code, units.c.number, units.c.id))
    if args.get("building_id") is not None:
        statement = statement.where(units.c.building_id == args["building_id"])
    return page_of(session, scoped(statement, units.c.estate_id, principal), args)


def building_counts(session, estate_id: UUID, on: date) -> list[dict[str, Any]]:  # noqa: ANN001
    """Per building of an estate: its units and its occupied households on ``on``."""
    occupied = _occupied(on)
    statement = (select(buildings.c.id.label("building_id"), buildings.c.code, buildings.c.name,
                        func.count(units.c.id).label("units"),
                        func.count(units.c.id).filter(units.c.id.in_(occupied)).label("occupied"))
                 .outerjoin(units, units.c.building_id == buildings.c.id)
                 .where(buildings.c.estate_id == estate_id)
                 .group_by(buildings.c.id, buildings.c.code, buildings.c.name)
                 .order_by(buildings.c.code, buildings.c.id))
    return [dict(row) for row in session.execute(statement).mappings()]
