"""The read side of tickets' copy of owners' data: what the desk looks up for quick entry and for
dispatch by hand. Every query is scoped to the caller's estates; numbers are returned as stored
(the API masks them)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from tickets.dispatch.candidates import current_loads
from tickets.tables import buildings, occupancies, people, staff, territories, units


def _prefix(text: str) -> str:
    """A LIKE pattern matching values that start with ``text`` (its own % and _ taken literally)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def units_page(session: Session, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """Units of the caller's estates, by estate, building and number prefix, in building and number order."""
    statement = (select(units.c.id, units.c.estate_id, units.c.building_id, buildings.c.code.label("building_code"),
                        buildings.c.name.label("building_name"), units.c.number, units.c.floor)
                 .outerjoin(buildings, buildings.c.id == units.c.building_id)
                 .order_by(buildings.c.code, units.c.number, units.c.id))
    if args.get("estate_id") is not None:
        statement = statement.where(units.c.estate_id == args["estate_id"])
    if args.get("building_id") is not None:
        statement = statement.where(units.c.building_id == args["building_id"])
    if args.get("number"):
        statement = statement.where(units.c.number.like(_prefix(args["number"]), escape="\\"))
    return page_of(session, scoped(statement, units.c.estate_id, principal), args)


def unit_people(session: Session, unit_id: UUID, *, include_past: bool = False,
                today: date | None = None) -> list[dict[str, Any]]:
    """Who lives in (or owns) a unit: its occupants with their role, name, language and mobile;
    current ones only unless ``include_past`` (then after the current ones); owners first, then by
    moving-in date."""
    statement = (select(occupancies.c.id.label("occupancy_id"), occupancies.c.estate_id, occupancies.c.person_id,
                        people.c.name, people.c.language, people.c.mobile, occupancies.c.role,
                        occupancies.c.moved_in_on, occupancies.c.moved_out_on)
                 .join(people, people.c.id == occupancies.c.person_id)
                 .where(occupancies.c.unit_id == unit_id)
                 .order_by(occupancies.c.moved_out_on.is_not(None), occupancies.c.role != "owner",
                           occupancies.c.moved_in_on, people.c.name, occupancies.c.id))
    if not include_past:
        today = today or date.today()
        statement = statement.where(or_(occupancies.c.moved_out_on.is_(None), occupancies.c.moved_out_on > today))
    return [dict(r) for r in session.execute(statement).mappings()]


def staff_page(session: Session, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """Staff of the caller's estates, active ones unless asked, with their current load and the
    ground they cover (their territories that are not released; a null building is the whole estate)."""
    statement = select(staff.c.id, staff.c.estate_id, staff.c.name, staff.c.role, staff.c.skills,
                       staff.c.active).order_by(staff.c.name, staff.c.id)
    if args.get("estate_id") is not None:
        statement = statement.where(staff.c.estate_id == args["estate_id"])
    if args.get("role"):
        statement = statement.where(staff.c.role == args["role"])
    if args.get("skill"):  # skills are a JSON list of plain names (the argument is checked to be one)
        statement = statement.where(cast(staff.c.skills, String).like(f'%"{args["skill"]}"%'))
    statement = statement.where(staff.c.active.is_(args.get("active", True)))
    page = page_of(session, scoped(statement, staff.c.estate_id, principal), args)
    ids = [m["id"] for m in page["items"]]
    loads = current_loads(session, ids)
    ground: dict[UUID, list[dict[str, Any]]] = {}
    if ids:
        held = session.execute(select(territories.c.staff_id, territories.c.estate_id, territories.c.building_id)
                               .where(territories.c.staff_id.in_(ids), territories.c.released.is_(False))
                               .order_by(territories.c.estate_id, territories.c.building_id)).all()
        for staff_id, estate_id, building_id in held:
            ground.setdefault(staff_id, []).append({"estate_id": estate_id, "building_id": building_id})
    page["items"] = [{**m, "load": loads.get(m["id"], 0), "territories": ground.get(m["id"], [])}
                     for m in page["items"]]
    return page
