"""Who could take a ticket, read from tickets' copy of owners' data (staff, territories, units,
departments) and ranked by dispatch's rule (:mod:`tickets.domain.dispatch`), so a territory
reassigned in owners takes effect for the next ticket as soon as its events are applied (OWN-6);
and each member's load. A ticket that names a department (OWN-9) is dispatched among that
department's members only: by department first, then by territory, skill and load within it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import func, or_, select

from servicekit.errors import Invalid
from tickets.domain.dispatch import (
    BUILDING,
    DEPARTMENT,
    ESTATE,
    Candidate,
    SkillRule,
    Wanted,
    rank,
    reason,
    skill_by_kind,
)
from tickets.tables import categories, departments, dispatch_skills, staff, territories, tickets, units

DONE_STAGES = frozenset({"resolved", "owner_informed", "evaluated", "archived", "merged", "cancelled"})
"""Stages whose tickets no longer count in their assignee's load."""


def choose_assignee(conn: Any, ticket: Mapping[str, Any], *, exclude: Collection[UUID] = ()) -> UUID | None:
    """The active staff member best placed to take ``ticket``, or None when nobody covers it."""
    ranked = rank(candidates_for(conn, ticket), skill_wanted(conn, ticket), exclude=exclude)
    return ranked[0].staff_id if ranked else None


def why(conn: Any, ticket: Mapping[str, Any], staff_id: UUID) -> dict[str, Any]:
    """Why dispatch gives ``ticket`` to ``staff_id`` (:func:`tickets.domain.dispatch.reason`): the
    skill the ticket calls for and where from, the member's ground, skill and load."""
    department = department_of(conn, ticket)
    member = next((c for c in candidates_for(conn, ticket) if c.staff_id == staff_id), None)
    if member is None:  # chosen by a rule of its own (a test's stand-in): no ground here known
        row = conn.execute(select(staff.c.name, staff.c.skills, staff.c.role).where(staff.c.id == staff_id)).first()
        member = Candidate(staff_id, row.name if row else str(staff_id), frozenset((row.skills or ()) if row else ()),
                           None, current_loads(conn, [staff_id]).get(staff_id, 0), role=row.role if row else "")
    return reason(member, wanted(conn, ticket), department=None if department is None else department["name"])


def candidates_for(conn: Any, ticket: Mapping[str, Any]) -> list[Candidate]:
    """The active members who hold ground in the ticket's estate or work for it (of the ticket's
    department only, when it names one), with their coverage of the ticket's building and their
    current load."""
    estate_id = ticket["estate_id"]
    building_id = building_of(conn, ticket)
    held = conn.execute(select(territories.c.staff_id, territories.c.building_id).where(
        territories.c.estate_id == estate_id, territories.c.released.is_(False))).all()
    coverage: dict[UUID, str] = {}
    for staff_id, territory_building in held:
        if territory_building is None:
            coverage.setdefault(staff_id, ESTATE)
        elif building_id is not None and territory_building == building_id:
            coverage[staff_id] = BUILDING  # a building territory beats an estate-wide one
    holders = {staff_id for staff_id, _ in held}
    members = conn.execute(select(staff.c.id, staff.c.name, staff.c.skills, staff.c.role).where(
        staff.c.active.is_(True),
        or_(staff.c.estate_id == estate_id, staff.c.id.in_(holders)))).all()
    department = department_of(conn, ticket)
    if department is not None:
        belong = set(department["members"] or ())
        members = [m for m in members if str(m.id) in belong]
        for m in members:  # a member's department is their ground where no territory covers the place
            coverage.setdefault(m.id, DEPARTMENT)
    loads = current_loads(conn, [m.id for m in members])
    return [Candidate(m.id, m.name, frozenset(m.skills or ()), coverage.get(m.id), loads.get(m.id, 0),
                      role=m.role) for m in members]


def current_loads(conn: Any, staff_ids: Collection[UUID]) -> dict[UUID, int]:
    """Open tickets assigned to each member (stages not in DONE_STAGES), in every estate."""
    if not staff_ids:
        return {}
    rows = conn.execute(select(tickets.c.assignee_id, func.count()).where(
        tickets.c.assignee_id.in_(list(staff_ids)), tickets.c.stage.not_in(DONE_STAGES))
        .group_by(tickets.c.assignee_id)).all()
    return {assignee: count for assignee, count in rows}


def building_of(conn: Any, ticket: Mapping[str, Any]) -> UUID | None:
    """The ticket's building, or its unit's when it names only the unit."""
    if ticket.get("building_id") is not None:
        return ticket["building_id"]
    if ticket.get("unit_id") is None:
        return None
    return conn.execute(select(units.c.building_id).where(units.c.id == ticket["unit_id"])).scalar()


def skill_wanted(conn: Any, ticket: Mapping[str, Any]) -> str | None:
    """The skill ``ticket`` calls for (:func:`wanted`), or None."""
    return wanted(conn, ticket).skill


def wanted(conn: Any, ticket: Mapping[str, Any]) -> Wanted:
    """The ticket's skill, else its category's (the estate's category before the operator-wide one),
    else what its kind and class call for (:func:`tickets.domain.dispatch.skill_by_kind`)."""
    if ticket.get("skill"):
        return Wanted(ticket["skill"], "ticket")
    if ticket.get("category"):
        found = conn.execute(select(categories.c.skill).where(
            categories.c.kind == ticket["kind"], categories.c.code == ticket["category"],
            or_(categories.c.estate_id == ticket["estate_id"], categories.c.estate_id.is_(None)))
            .order_by(categories.c.estate_id.is_(None))).first()
        if found is not None and found.skill:
            return Wanted(found.skill, "category")
    d = dispatch_skills.c
    rules = conn.execute(select(d.estate_id, d.kind, d.complaint_class, d.skill).where(
        d.kind == ticket["kind"], or_(d.estate_id == ticket["estate_id"], d.estate_id.is_(None)))).all()
    return skill_by_kind([SkillRule(*row) for row in rules], ticket["kind"], ticket.get("complaint_class"))


def staff_with_role(conn: Any, estate_id: UUID, role: str) -> list[Mapping[str, Any]]:
    """The estate's active staff of ``role`` (e.g. supervisor, first_responsible), by name then id."""
    return list(conn.execute(select(staff).where(
        staff.c.estate_id == estate_id, staff.c.role == role, staff.c.active.is_(True))
        .order_by(staff.c.name, staff.c.id)).mappings().all())


def department_of(conn: Any, ticket: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The ticket's department in the copy of owners' departments, or None when it names none."""
    if ticket.get("department_id") is None:
        return None
    return conn.execute(select(departments).where(departments.c.id == ticket["department_id"])).mappings().first()


def check_department(conn: Any, estate_id: UUID, department_id: UUID) -> Mapping[str, Any]:
    """An open department of the estate, to route a ticket to; else a field error."""
    found = conn.execute(select(departments).where(
        departments.c.id == department_id, departments.c.estate_id == estate_id)).mappings().first()
    if found is None or not found["active"]:
        raise Invalid("no such open department in this estate", "本小区没有此部门或该部门已撤销",
                      errors={"department_id": ["no such open department in this estate"]})
    return found


def department_supervisor(conn: Any, ticket: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The active supervisor of the ticket's department (None: it names none, or the post is vacant,
    or its holder is off the roster)."""
    department = department_of(conn, ticket)
    if department is None or not department["active"] or department["supervisor_id"] is None:
        return None
    return conn.execute(select(staff).where(staff.c.id == department["supervisor_id"],
                                            staff.c.active.is_(True))).mappings().first()
