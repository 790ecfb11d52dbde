"""The read side of dispatch skills: the operator's (for every estate) and the caller's estates' own."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import or_, select

from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import Executes, get_row
from tickets.tables import dispatch_skills


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
