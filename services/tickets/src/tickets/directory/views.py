"""The read side of tickets' copy of owners' data: what the desk looks up for quick entry and for
dispatch by hand. Every query is scoped to the caller's estates; numbers are returned as stored
(the API masks them)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session
from tenancy.privacy import mask_phone

from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from tickets.dispatch.candidates import current_loads
from tickets.tables import buildings, companies, occupancies, people, staff, territories, units


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


def companies_page(session: Session, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """Companies of the caller's estates (OWN-11) by the start of their name, each with the units it
    occupies and its contacts in order: the desk's lookup when a caller names their company."""
    statement = select(companies).order_by(companies.c.name, companies.c.id)
    if args.get("estate_id") is not None:
        statement = statement.where(companies.c.estate_id == args["estate_id"])
    if args.get("q"):
        statement = statement.where(companies.c.name.like(_prefix(args["q"]), escape="\\"))
    page = page_of(session, scoped(statement, companies.c.estate_id, principal), args)
    page["items"] = described(session, page["items"])
    return page


def unit_companies(session: Session, unit_id: UUID) -> list[dict[str, Any]]:
    """The companies occupying a unit (an office tenant; usually none), each with its units and its
    contacts in order."""
    # unit_ids is a JSON list of ids as text: matched as text, alike on PostgreSQL and SQLite.
    statement = (select(companies).where(cast(companies.c.unit_ids, String).like(f'%"{unit_id}"%'))
                 .order_by(companies.c.name, companies.c.id))
    return described(session, [dict(r) for r in session.execute(statement).mappings()])


def described(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Companies as the desk reads them: ``units`` with their labels, ``contacts`` in order with each
    person's name and mobile from the copy (a contact not in the copy yet: no name, no mobile)."""
    unit_ids = {UUID(u) for r in rows for u in r["unit_ids"]}
    person_ids = {UUID(c["person_id"]) for r in rows for c in r["contacts"]}
    held = {u["id"]: u for u in session.execute(
        select(units.c.id, units.c.number, buildings.c.name.label("building_name"))
        .outerjoin(buildings, buildings.c.id == units.c.building_id).where(units.c.id.in_(unit_ids))).mappings()
    } if unit_ids else {}
    known = {p["id"]: p for p in session.execute(select(people.c.id, people.c.name, people.c.mobile)
                                                 .where(people.c.id.in_(person_ids))).mappings()} if person_ids else {}
    found = []
    for row in rows:
        units_of = [held[UUID(u)] for u in row["unit_ids"] if UUID(u) in held]
        found.append({
            "id": row["id"], "estate_id": row["estate_id"], "name": row["name"],
            "units": sorted(({"unit_id": u["id"], "number": u["number"], "building_name": u["building_name"]}
                             for u in units_of), key=lambda u: (u["building_name"] or "", u["number"])),
            "contacts": [{"position": c["position"], "person_id": UUID(c["person_id"]), "title": c["title"],
                          "name": (known.get(UUID(c["person_id"])) or {}).get("name"),
                          "mobile": (known.get(UUID(c["person_id"])) or {}).get("mobile")}
                         for c in row["contacts"]]})
    return found


def masked(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Companies with their contacts' mobiles masked: how every answer shows them (a full number is
    revealed, audited, on the unit's people)."""
    return [{**c, "contacts": [{**p, "mobile": mask_phone(p["mobile"])} for p in c["contacts"]]} for c in found]
