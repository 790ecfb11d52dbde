"""The read side of dispatch: the skills (the operator's, for every estate, and the caller's estates'
own), and whom dispatch would give a ticket to now and why (the suggestion the desk sees before it
dispatches)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import or_, select

from servicekit.auth import Principal, scoped
from servicekit.errors import NotFound
from servicekit.paging import page_of
from servicekit.rows import Executes, get_row
from tickets.dispatch.candidates import candidates_for, department_of, wanted
from tickets.domain.dispatch import rank, reason
from tickets.tables import dispatch_skills, tickets

SUGGESTED_CANDIDATES = 20
"""How many of the others who could take a ticket a suggestion lists, best first."""


def skill_page(session: Any, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """The operator's rows (they apply wherever an estate has none) and the caller's estates' own
    (one estate's with ``estate_id``), by kind and class."""
    d = dispatch_skills.c
    own = scoped(select(d.id), d.estate_id, principal)
    statement = select(dispatch_skills).where(or_(d.estate_id.is_(None), d.id.in_(own)))
    if args.get("estate_id"):
        statement = statement.where(or_(d.estate_id.is_(None), d.estate_id == args["estate_id"]))
    return page_of(session, statement.order_by(d.kind, d.complaint_class, d.estate_id, d.id), args)


def skill(conn: Executes, skill_id: UUID) -> dict[str, Any]:
    return get_row(conn, dispatch_skills, skill_id, "dispatch skill", what_zh="派工技能规则")


def suggestion(session: Any, ticket_id: UUID) -> dict[str, Any]:
    """Whom dispatch would choose for the ticket now (as ``POST tickets/{id}/dispatch`` without a
    member would, or a reassignment, which passes over the present assignee) and why, and every
    member who could take it, best first, with their ground, skill and load."""
    found = session.execute(select(tickets).where(tickets.c.id == ticket_id)).mappings().first()
    if found is None:
        raise NotFound("no such ticket", "没有此工单")
    ticket = dict(found)
    want = wanted(session, ticket)
    exclude = () if ticket["assignee_id"] is None else (ticket["assignee_id"],)
    ranked = rank(candidates_for(session, ticket), want.skill, exclude=exclude)
    department = department_of(session, ticket)
    best = ranked[0] if ranked else None
    return {
        "ticket_id": ticket_id, "skill": want.skill, "skill_from": want.source,
        "suggested": None if best is None else {
            "staff_id": best.staff_id, "name": best.name, "load": best.load,
            "reason": reason(best, want, department=None if department is None else department["name"])},
        "candidates": [{"staff_id": c.staff_id, "name": c.name, "role": c.role, "load": c.load,
                        "coverage": c.coverage, "has_skill": want.skill is None or want.skill in c.skills}
                       for c in ranked[:SUGGESTED_CANDIDATES]],
    }
