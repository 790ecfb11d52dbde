"""The read side of the owners service: every list and every single-row answer of the API.

Reads need no unit of work: they run on a session of their own (``servicekit.webapp.read``), are
scoped to the caller's estates here, and return rows as the database holds them; the API masks
what it shows (``api/privacy.py``). The people search, whose queries are tuned for the desk's
busiest read, is ``service_layer/search.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, String, Table, cast, select
from sqlalchemy.orm import Session

from owners.tables import (
    buildings,
    contact_points,
    estates,
    occupancies,
    people,
    staff,
    territories,
    unit_contacts,
    units,
    visitors,
)
from owners.domain.visitors import local_day
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row

Page = dict[str, Any]
_CONTACT_COLUMNS = ("id", "kind", "value", "label", "preferred")
_OCCUPANCY_STATUS = {"current": occupancies.c.moved_out_on.is_(None),
                     "past": occupancies.c.moved_out_on.is_not(None)}


def _one(table: Table, what: str) -> Callable[[Session, UUID], dict[str, Any]]:
    def read(session: Session, id_: UUID) -> dict[str, Any]:
        return get_row(session, table, id_, what)

    read.__doc__ = f"One {what} by id (the caller's scope is checked before)."
    return read


estate = _one(estates, "estate")
building = _one(buildings, "building")
unit = _one(units, "unit")
occupancy = _one(occupancies, "occupancy")
staff_member = _one(staff, "staff member")
territory = _one(territories, "territory")
visitor = _one(visitors, "visitor")


def _page(session: Session, statement: Select[Any], column: ColumnElement[Any], principal: Principal,
          args: Mapping[str, Any]) -> Page:
    return page_of(session, scoped(statement, column, principal), dict(args))


def estates_page(session: Session, principal: Principal, args: Mapping[str, Any]) -> Page:
    """The estates the caller may see, by code."""
    return _page(session, select(estates).order_by(estates.c.code), estates.c.id, principal, args)


def estate_buildings(session: Session, principal: Principal, estate_id: UUID, args: Mapping[str, Any]) -> Page:
    """An estate's buildings, by code."""
    statement = select(buildings).where(buildings.c.estate_id == estate_id).order_by(buildings.c.code)
    return _page(session, statement, buildings.c.estate_id, principal, args)


def building_units(session: Session, principal: Principal, building_id: UUID, args: Mapping[str, Any]) -> Page:
    """A building's units, by number."""
    statement = select(units).where(units.c.building_id == building_id).order_by(units.c.number)
    return _page(session, statement, units.c.estate_id, principal, args)


def unit_occupants(session: Session, principal: Principal, unit_id: UUID, args: Mapping[str, Any]) -> Page:
    """A unit's occupancies with the person's name, latest move-in first; ``status`` current or past."""
    statement = (select(occupancies, people.c.name.label("person_name"))
                 .join(people, people.c.id == occupancies.c.person_id)
                 .where(occupancies.c.unit_id == unit_id)
                 .order_by(occupancies.c.moved_in_on.desc(), occupancies.c.id))
    if args["status"] in _OCCUPANCY_STATUS:
        statement = statement.where(_OCCUPANCY_STATUS[args["status"]])
    return _page(session, statement, occupancies.c.estate_id, principal, args)


def person(session: Session, person_id: UUID) -> dict[str, Any]:
    """A person with their contact points and every occupancy, current and past."""
    return person_details(session, get_row(session, people, person_id, "person"))


def person_details(session: Session, row: Mapping[str, Any]) -> dict[str, Any]:
    """``row`` of a person with their contact points and occupancies added."""
    return {**row, "contact_points": person_contact_points(session, row["id"]),
            "occupancies": person_occupancies(session, row["id"])}


def person_contact_points(session: Session, person_id: UUID) -> list[dict[str, Any]]:
    """A person's contact points, the preferred one first."""
    statement = (select(*(contact_points.c[name] for name in _CONTACT_COLUMNS))
                 .where(contact_points.c.person_id == person_id)
                 .order_by(contact_points.c.preferred.desc(), contact_points.c.kind, contact_points.c.value))
    return [dict(r) for r in session.execute(statement).mappings()]


def person_occupancies(session: Session, person_id: UUID) -> list[dict[str, Any]]:
    """Every occupancy of a person, current and past, latest move-in first."""
    statement = (select(occupancies).where(occupancies.c.person_id == person_id)
                 .order_by(occupancies.c.moved_in_on.desc(), occupancies.c.created_at.desc()))
    return [dict(r) for r in session.execute(statement).mappings()]


def unit_contact_list(session: Session, unit_id: UUID) -> list[dict[str, Any]]:
    """The unit's contact persons with their names and preferred contact point, in calling order."""
    statement = (select(unit_contacts.c.position, people.c.id.label("person_id"), people.c.name,
                        people.c.preferred_channel, contact_points.c.kind, contact_points.c.value)
                 .join(people, people.c.id == unit_contacts.c.person_id)
                 .outerjoin(contact_points, (contact_points.c.person_id == people.c.id) & contact_points.c.preferred)
                 .where(unit_contacts.c.unit_id == unit_id).order_by(unit_contacts.c.position))
    return [dict(r) for r in session.execute(statement).mappings()]


def staff_page(session: Session, principal: Principal, args: Mapping[str, Any]) -> Page:
    """Staff of the caller's estates by name, filtered by estate, role, skill or active."""
    statement = select(staff).order_by(staff.c.name, staff.c.id)
    for name in ("estate_id", "role", "active"):
        if name in args:
            statement = statement.where(staff.c[name] == args[name])
    if "skill" in args:
        # Skills are a JSON list from a closed vocabulary: matching the quoted word works on
        # PostgreSQL and SQLite alike.
        statement = statement.where(cast(staff.c.skills, String).like(f'%"{args["skill"]}"%'))
    return _page(session, statement, staff.c.estate_id, principal, args)


def staff_territories(session: Session, principal: Principal, staff_id: UUID, args: Mapping[str, Any]) -> Page:
    """The territories a staff member covers, oldest assignment first."""
    statement = select(territories).where(territories.c.staff_id == staff_id).order_by(territories.c.assigned_at)
    return _page(session, statement, territories.c.estate_id, principal, args)


def estate_territories(session: Session, principal: Principal, estate_id: UUID, args: Mapping[str, Any]) -> Page:
    """Who covers what in an estate, whole-estate territories first; by building or staff member."""
    statement = (select(territories, staff.c.name.label("staff_name"), staff.c.role.label("staff_role"))
                 .join(staff, staff.c.id == territories.c.staff_id)
                 .where(territories.c.estate_id == estate_id)
                 .order_by(territories.c.building_id.is_not(None), territories.c.assigned_at, territories.c.id))
    for name in ("building_id", "staff_id"):
        if name in args:
            statement = statement.where(territories.c[name] == args[name])
    return _page(session, statement, territories.c.estate_id, principal, args)


def estate_visitors(session: Session, principal: Principal, args: Mapping[str, Any]) -> Page:
    """An estate's visitors, latest first; by day (the desk's local day) and by still inside."""
    statement = select(visitors).where(visitors.c.estate_id == args["estate_id"])
    if "date" in args:
        start, end = local_day(args["date"])
        statement = statement.where(visitors.c.time_in >= start, visitors.c.time_in < end)
    if "inside" in args:
        inside = visitors.c.time_out.is_(None)
        statement = statement.where(inside if args["inside"] else ~inside)
    statement = statement.order_by(visitors.c.time_in.desc(), visitors.c.id)
    return _page(session, statement, visitors.c.estate_id, principal, args)
