"""The read side of rectification actions: the caller's estates' actions (the overdue ones: still
open past their due date), one with its steps."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select

from servicekit.auth import scoped
from servicekit.errors import NotFound
from servicekit.paging import page_of
from surveys.tables import action_steps, actions, staff

a = actions.c


def _listed():  # noqa: ANN202
    return select(actions, staff.c.name.label("responsible_name")).outerjoin(staff, staff.c.id == a.responsible_id)


def estate_actions(session, principal, args: dict[str, Any], at: datetime) -> dict[str, Any]:  # noqa: ANN001
    """One page of the actions of the caller's estates, filtered as asked; ``overdue``: only those
    still open past their due date (the earliest due first)."""
    statement = _listed()
    for name in ("estate_id", "follow_up_id", "forum_id", "responsible_id", "state"):
        if args.get(name) is not None:
            statement = statement.where(a[name] == args[name])
    if args.get("overdue"):
        statement = statement.where(a.state == "open", a.due_at <= at).order_by(a.due_at, a.id)
    else:
        statement = statement.order_by(a.created_at.desc(), a.id)
    return page_of(session, scoped(statement, a.estate_id, principal), args)


def one(session, action_id: UUID) -> dict[str, Any]:  # noqa: ANN001
    row = session.execute(_listed().where(a.id == action_id)).mappings().first()
    if row is None:
        raise NotFound("no such rectification action", "没有此整改措施")
    found = dict(row)
    found["steps"] = [dict(s) for s in session.execute(
        select(action_steps).where(action_steps.c.action_id == action_id).order_by(action_steps.c.at,
                                                                                    action_steps.c.id)).mappings()]
    return found
