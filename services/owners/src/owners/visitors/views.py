"""The read side of the visitor register: one visitor, and an estate's visitors by day."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from owners.domain.visitors import local_day
from owners.tables import visitors
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row


def visitor(session: Session, visitor_id: UUID) -> dict[str, Any]:
    """One visitor (the caller's scope is checked before)."""
    return get_row(session, visitors, visitor_id, "visitor", what_zh="访客")


def estate_visitors(session: Session, principal: Principal, args: Mapping[str, Any]) -> dict[str, Any]:
    """An estate's visitors, latest first; by day (the desk's local day) and by still inside."""
    statement = select(visitors).where(visitors.c.estate_id == args["estate_id"])
    if "date" in args:
        start, end = local_day(args["date"])
        statement = statement.where(visitors.c.time_in >= start, visitors.c.time_in < end)
    if "inside" in args:
        inside = visitors.c.time_out.is_(None)
        statement = statement.where(inside if args["inside"] else ~inside)
    statement = statement.order_by(visitors.c.time_in.desc(), visitors.c.id)
    return page_of(session, scoped(statement, visitors.c.estate_id, principal), dict(args))
