"""The read side of prospects: one prospect with its activities, and the pipeline of the caller's
estates by stage, staff member or follow-up date."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from owners.tables import prospect_activities, prospects
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row


def prospect(session: Session, prospect_id: UUID) -> dict[str, Any]:
    """One prospect with every activity, latest first (the caller's scope is checked before)."""
    row = get_row(session, prospects, prospect_id, "prospect", what_zh="潜在客户")
    a = prospect_activities.c
    done = session.execute(select(prospect_activities).where(a.prospect_id == prospect_id)
                           .order_by(a.at.desc(), a.id)).mappings()
    return {**row, "activities": [dict(r) for r in done]}


def pipeline(session: Session, principal: Principal, args: Mapping[str, Any]) -> dict[str, Any]:
    """The prospects of the caller's estates, the earliest follow-up first (none last)."""
    p = prospects.c
    statement = select(prospects).order_by(p.follow_up_on.is_(None), p.follow_up_on, p.created_at, p.id)
    for name in ("estate_id", "stage", "staff_id", "interest", "person_id", "company_id"):
        if name in args:
            statement = statement.where(p[name] == args[name])
    if "due_by" in args:
        statement = statement.where(p.follow_up_on <= args["due_by"])
    return page_of(session, scoped(statement, p.estate_id, principal), dict(args))
