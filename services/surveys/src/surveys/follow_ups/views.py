"""The read side of follow-ups: the caller's estates' follow-up visits, one with its actions, and
the thresholds that apply in an estate."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, func, select, true

from servicekit.auth import scoped
from servicekit.errors import NotFound
from servicekit.paging import page_of
from surveys.domain.follow_ups import DEFAULT_LOW_SCORE, EVERY_ELEMENT
from surveys.tables import actions, follow_up_thresholds, follow_ups, staff, units

f = follow_ups.c


def _listed():  # noqa: ANN202
    return (select(follow_ups, units.c.number.label("unit_number"), staff.c.name.label("assignee_name"))
            .outerjoin(units, units.c.id == f.unit_id).outerjoin(staff, staff.c.id == f.assignee_id))


def estate_follow_ups(session, principal, args: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """One page of the follow-ups of the caller's estates, the latest first, filtered as asked."""
    statement = _listed().order_by(f.opened_at.desc(), f.id)
    for name in ("estate_id", "wave_id", "assignee_id", "state"):
        if args.get(name) is not None:
            statement = statement.where(f[name] == args[name])
    return page_of(session, scoped(statement, f.estate_id, principal), args)


a = actions.c
_visits = select(func.count(), func.count().filter(f.assignee_id.is_(None)), func.min(f.opened_at)).where(
    f.estate_id == bindparam("estate_id"), f.state == "open").subquery()
_due = a.due_at <= bindparam("at")
_work = select(func.count(), func.count().filter(_due), func.min(a.due_at).filter(_due)).where(
    a.estate_id == bindparam("estate_id"), a.state == "open").subquery()
# Both in one statement (each an aggregate of one row): one round trip; built once, not per request.
AT_A_GLANCE = select(*_visits.c, *_work.c).select_from(_visits.join(_work, true()))


def at_a_glance(session, estate_id: UUID, at: datetime) -> dict[str, Any]:  # noqa: ANN001
    """An estate's follow-up work now (the estate dashboard's part from surveys, GW-2): the follow-up
    visits still open (how many nobody covers, since when the oldest waits) and the rectification
    actions still open (how many are past their due date, the longest overdue's due time)."""
    open_visits, unassigned, oldest, open_actions, overdue, overdue_since = session.execute(
        AT_A_GLANCE, {"estate_id": estate_id, "at": at}).one()
    return {"estate_id": estate_id, "at": at,
            "follow_ups": {"open": open_visits, "unassigned": unassigned, "oldest_opened_at": oldest},
            "actions": {"open": open_actions, "overdue": overdue, "overdue_since": overdue_since}}


def one(session, follow_up_id: UUID) -> dict[str, Any]:  # noqa: ANN001
    row = session.execute(_listed().where(f.id == follow_up_id)).mappings().first()
    if row is None:
        raise NotFound("no such follow-up visit", "没有此回访")
    found = dict(row)
    found["actions"] = [dict(a) for a in session.execute(
        select(actions).where(actions.c.follow_up_id == follow_up_id).order_by(actions.c.created_at, actions.c.id)
    ).mappings()]
    return found


def thresholds(session, estate_id: UUID | None) -> dict[str, Any]:  # noqa: ANN001
    """The operator's thresholds and (for an estate) the estate's own, with the default."""
    t = follow_up_thresholds.c
    rows = session.execute(select(t.estate_id, t.element, t.threshold)
                           .where(t.estate_id.is_(None) | (t.estate_id == estate_id))).all()
    return {"estate_id": estate_id, "default": DEFAULT_LOW_SCORE, "every_element": EVERY_ELEMENT,
            "operator": {r.element: r.threshold for r in rows if r.estate_id is None},
            "estate": {r.element: r.threshold for r in rows if r.estate_id is not None}}
