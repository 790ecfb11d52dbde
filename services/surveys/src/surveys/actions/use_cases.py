"""Rectification actions (整改措施): opened from a follow-up visit with a responsible person (a staff
member of the estate) and a due date, then done, verified by a manager, or reopened when the check
finds it not done (with a new due date if given). Each step is a row of ``action_steps`` and a
``surveys.action.changed.v1`` event; the timer (surveys.actions.timer) tells the responsible person
once when an action is still open past its due date."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update

from servicekit.errors import Conflict, Invalid
from servicekit.rows import get_row
from servicekit.unit_of_work import UnitOfWork
from surveys import events
from surveys.domain.follow_ups import StateError, transition
from surveys.tables import action_steps, actions, follow_ups, forums, staff

STEP_OF = {"done": "done", "verified": "verified", "reopened": "reopened"}


def end_of(day: date, timezone: str) -> datetime:
    """The instant a due date ends: midnight after it, in the estates' local time."""
    return datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(timezone))


def _responsible(uow: UnitOfWork, estate_id: UUID, responsible_id: UUID) -> dict[str, Any]:
    found = uow.execute(select(staff).where(staff.c.id == responsible_id, staff.c.estate_id == estate_id,
                                            staff.c.active.is_(True))).mappings().first()
    if found is None:
        raise Invalid("the responsible person is no active staff member of the estate",
                      "责任人不是本小区的在职员工", errors={"responsible_id": ["no active staff member of the estate"]})
    return dict(found)


def _step(uow: UnitOfWork, action: dict[str, Any], step: str, by: str, at: datetime, note: str | None) -> None:
    uow.execute(insert(action_steps).values(id=uuid.uuid4(), action_id=action["id"], estate_id=action["estate_id"],
                                            step=step, note=note, by=by, at=at))
    uow.record(events.ACTION_CHANGED, action["id"], events.action_payload(action, step=step, by=by, at=at, note=note))


def open_action(uow: UnitOfWork, created_by: str, at: datetime, timezone: str, *, follow_up_id: UUID,
                description: str, responsible_id: UUID, due_on: date) -> dict[str, Any]:
    """A rectification action of a follow-up whose visit was recorded."""
    with uow:
        follow_up = get_row(uow, follow_ups, follow_up_id, "follow-up visit", what_zh="回访", lock=True)
        if follow_up["state"] != "visited":
            raise Conflict("record the visit (what the owner said) before its actions",
                           "请先记录回访情况（业主意见），再制定整改措施")
        row = _new(uow, created_by, at, timezone, follow_up["estate_id"], {"follow_up_id": follow_up_id},
                   description=description, responsible_id=responsible_id, due_on=due_on)
        uow.commit()
        return row


def open_suggestion(uow: UnitOfWork, created_by: str, at: datetime, timezone: str, *, forum_id: UUID,
                    description: str, responsible_id: UUID, due_on: date) -> dict[str, Any]:
    """A suggestion raised at an owners' forum, tracked as a rectification action (SRV-6)."""
    with uow:
        forum = get_row(uow, forums, forum_id, "forum", what_zh="座谈会", lock=True)
        row = _new(uow, created_by, at, timezone, forum["estate_id"], {"forum_id": forum_id},
                   description=description, responsible_id=responsible_id, due_on=due_on)
        uow.commit()
        return row


def _new(uow: UnitOfWork, created_by: str, at: datetime, timezone: str, estate_id: UUID, source: dict[str, UUID],
         *, description: str, responsible_id: UUID, due_on: date) -> dict[str, Any]:
    _responsible(uow, estate_id, responsible_id)
    if due_on < at.astimezone(ZoneInfo(timezone)).date():
        raise Invalid("the due date has passed already", "整改期限已过", errors={"due_on": ["today or later"]})
    row = {"id": uuid.uuid4(), "estate_id": estate_id, "follow_up_id": None, "forum_id": None, **source,
           "description": description, "responsible_id": responsible_id, "due_on": due_on,
           "due_at": end_of(due_on, timezone), "state": "open", "reopened": 0, "overdue_at": None,
           "done_at": None, "verified_at": None, "verified_by": None, "created_by": created_by,
           "created_at": at, "version": 1}
    uow.execute(insert(actions).values(row))
    _step(uow, row, "opened", created_by, at, None)
    return row


def move(uow: UnitOfWork, action_id: UUID, to: str, by: str, at: datetime, timezone: str, *, note: str | None = None,
         due_on: date | None = None, version: int | None = None) -> dict[str, Any]:
    """Move an action on: ``done``, ``verified`` or ``reopened`` (a new ``due_on`` with it, if given);
    a move its state does not allow is a 409 naming the state."""
    with uow:
        row = get_row(uow, actions, action_id, "rectification action", what_zh="整改措施", lock=True)
        if version is not None and version != row["version"]:
            raise Conflict("the action changed since it was read", "该整改措施已被修改，请刷新后重试")
        try:
            state = transition(row["state"], to)
        except StateError:
            raise Conflict(f"an action {row['state']} cannot be {to}",
                           f"状态为「{_STATE_ZH[row['state']]}」的整改措施不能{_MOVE_ZH[to]}") from None
        changes: dict[str, Any] = {"state": state, "version": row["version"] + 1}
        if to == "done":
            changes["done_at"] = at
        elif to == "verified":
            changes.update(verified_at=at, verified_by=by)
        else:
            changes.update(reopened=row["reopened"] + 1, done_at=None)
            if due_on is not None:
                if due_on < at.astimezone(ZoneInfo(timezone)).date():
                    raise Invalid("the due date has passed already", "整改期限已过",
                                  errors={"due_on": ["today or later"]})
                changes.update(due_on=due_on, due_at=end_of(due_on, timezone))
            if changes.get("due_at", row["due_at"]) > at:
                changes["overdue_at"] = None  # overdue again later: told again then
        uow.execute(update(actions).where(actions.c.id == action_id).values(changes))
        row = {**row, **changes}
        _step(uow, row, STEP_OF[to], by, at, note)
        uow.commit()
        return row


_STATE_ZH = {"open": "待整改", "done": "已完成", "verified": "已验证"}
_MOVE_ZH = {"done": "标记完成", "verified": "验证", "reopened": "重新打开"}
