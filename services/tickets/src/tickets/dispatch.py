"""Dispatch (TKT-6): who should take a ticket, by territory, skill and current load.

Everything is read from tickets' copy of owners' data (staff, territories, units), so a territory
reassigned in owners takes effect for the next ticket as soon as its events are applied (OWN-6).

:func:`rank` is the rule, with no I/O; :func:`choose_assignee` reads the candidates and ranks them.

**Candidates** are the active members who hold a territory (not released) in the ticket's estate,
wherever they are employed, and the active members employed by the estate. **The skill** wanted is
the ticket's ``skill``, else its category's (the estate's own category of that kind and code before
the operator-wide one), else none (everyone matches).

**Tiers**, best first; a member is in the best tier they qualify for, and the chosen one is the
first of the best non-empty tier:

0. a territory on the ticket's building, with the skill;
1. an estate-wide territory, with the skill;
2. employed by the estate with the skill but no territory covering the building (someone who can
   do the job, even off their ground, before someone on the ground who cannot) — never a member
   whose role is to oversee or take calls (:data:`NOT_FIELD_ROLES`: supervisors, the first
   responsible person, managers, desk agents) unless they hold ground;
3. a territory on the ticket's building, without the skill;
4. an estate-wide territory, without the skill.

Nobody in any tier: None (the desk dispatches by hand). A member with only another building's
territory and without the skill is no candidate. A ticket without a building (a common area of the
estate) is covered by estate-wide territories only; its unit's building is looked up when the
ticket names a unit but no building.

**Within a tier**: fewest open tickets assigned (the current load), then name, then id, so the
same state always gives the same choice. The load counts every ticket assigned to the member, in
any estate, that is still work for them: every stage but the ones in :data:`DONE_STAGES` (the work
is done once resolved; what follows — telling the owner, their opinion, archiving — is the desk's,
and merged or cancelled tickets are no work at all). An explained ticket (waiting, with a promised
date) still counts: the promise is the assignee's to keep.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import func, or_, select

from tickets.tables import categories, staff, territories, tickets, units

DONE_STAGES = frozenset({"resolved", "owner_informed", "evaluated", "archived", "merged", "cancelled"})
"""Stages whose tickets no longer count in their assignee's load."""

NOT_FIELD_ROLES = frozenset({"supervisor", "first_responsible", "estate_manager", "service_desk_agent"})
"""Roles dispatch gives work to only where they hold a territory: they oversee or take calls."""

BUILDING, ESTATE = "building", "estate"  # what a member's territory covers of the ticket's place

TIERS = ((BUILDING, True), (ESTATE, True), (None, True), (BUILDING, False), (ESTATE, False))
"""(coverage, has the skill) of each tier, best first (see the module's documentation)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A member as dispatch sees them for one ticket."""

    staff_id: UUID
    name: str
    skills: frozenset[str]
    coverage: str | None  # BUILDING, ESTATE, or None: no territory covering the ticket's place
    load: int = 0
    active: bool = True
    role: str = "technician"


def tier(candidate: Candidate, skill: str | None) -> int | None:
    """The candidate's tier for a ticket wanting ``skill`` (None: no candidate)."""
    if candidate.coverage is None and candidate.role in NOT_FIELD_ROLES:
        return None
    key = (candidate.coverage, skill is None or skill in candidate.skills)
    return TIERS.index(key) if key in TIERS else None


def rank(candidates: Iterable[Candidate], skill: str | None, *, exclude: Collection[UUID] = ()) -> list[Candidate]:
    """The candidates who may take a ticket wanting ``skill``, best first; inactive and excluded left out."""
    tiered = [(t, c) for c in candidates
              if c.active and c.staff_id not in exclude and (t := tier(c, skill)) is not None]
    tiered.sort(key=lambda pair: (pair[0], pair[1].load, pair[1].name, str(pair[1].staff_id)))
    return [c for _t, c in tiered]


def choose_assignee(conn: Any, ticket: Mapping[str, Any], *, exclude: Collection[UUID] = ()) -> UUID | None:
    """The active staff member best placed to take ``ticket``, or None when nobody covers it."""
    ranked = rank(candidates_for(conn, ticket), skill_wanted(conn, ticket), exclude=exclude)
    return ranked[0].staff_id if ranked else None


def candidates_for(conn: Any, ticket: Mapping[str, Any]) -> list[Candidate]:
    """The active members who hold ground in the ticket's estate or work for it, with their coverage
    of the ticket's building and their current load."""
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
    """The ticket's skill, else its category's (the estate's category before the operator-wide one)."""
    if ticket.get("skill"):
        return ticket["skill"]
    if not ticket.get("category"):
        return None
    found = conn.execute(select(categories.c.skill).where(
        categories.c.kind == ticket["kind"], categories.c.code == ticket["category"],
        or_(categories.c.estate_id == ticket["estate_id"], categories.c.estate_id.is_(None)))
        .order_by(categories.c.estate_id.is_(None))).first()
    return found.skill if found is not None else None


def staff_with_role(conn: Any, estate_id: UUID, role: str) -> list[Mapping[str, Any]]:
    """The estate's active staff of ``role`` (e.g. supervisor, first_responsible), by name then id."""
    return list(conn.execute(select(staff).where(
        staff.c.estate_id == estate_id, staff.c.role == role, staff.c.active.is_(True))
        .order_by(staff.c.name, staff.c.id)).mappings().all())
