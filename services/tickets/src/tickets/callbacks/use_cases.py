"""What callers can do with callbacks (安排回电): schedule one (or have a missed call schedule it),
hand it to someone else, and mark it done (kept when done by its due time) or cancelled.

A callback is its own deadline row: the timer (:mod:`tickets.callbacks.timer`) reminds the
assignee at ``warn_at`` and escalates at ``due_at`` while it is open, each once. It is shown in the
assignee's diary as a planned call, which follows it (:mod:`tickets.callbacks.in_diary`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from servicekit.errors import Conflict, Invalid
from servicekit.rows import now
from servicekit.unit_of_work import UnitOfWork
from tickets import events
from tickets.callbacks import in_diary
from tickets.callbacks.views import callback
from tickets.calls.links import check_links
from tickets.domain.calls import digits
from tickets.tables import callbacks, desk_lines
from tickets.tickets.timeline import Actor


def warn_time(due_at: datetime, created_at: datetime, warn_minutes: int) -> datetime:
    """When the assignee is reminded: ``warn_minutes`` before due, but not before it was made."""
    return max(created_at, due_at - timedelta(minutes=warn_minutes))


def add_callback(uow: UnitOfWork, actor: Actor, values: Mapping[str, Any], *, warn_minutes: int,
                 at: datetime) -> dict[str, Any]:
    """Write a callback in the caller's open unit of work and record CALLBACK_SCHEDULED."""
    row = {"id": uuid.uuid4(), "estate_id": values["estate_id"], "call_id": values.get("call_id"),
           "number": digits(values["number"]), "person_id": values.get("person_id"),
           "unit_id": values.get("unit_id"), "ticket_id": values.get("ticket_id"),
           "assignee_id": values.get("assignee_id"), "reason": values.get("reason") or "", "state": "open",
           "due_at": values["due_at"], "warn_at": warn_time(values["due_at"], at, warn_minutes),
           "created_by": actor.subject, "created_at": at, "updated_at": at, "version": 1}
    uow.execute(insert(callbacks).values(row))
    made = callback(uow, row["id"])
    in_diary.enter(uow, made)
    uow.record(events.CALLBACK_SCHEDULED, made["id"], {"callback": events.callback_payload(made)})
    return made


def schedule(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any], *, warn_minutes: int) -> dict[str, Any]:
    """Promise a caller a callback at ``due_at``, assigned to a staff member of the estate."""
    at = now()
    if data["due_at"] <= at:
        raise Invalid("a callback falls due in the future", "回电时间必须晚于现在", errors={"due_at": ["is past"]})
    with uow:
        check_links(uow, data["estate_id"], data)
        made = add_callback(uow, actor, data, warn_minutes=warn_minutes, at=at)
        uow.commit()
        return made


def assignee_of_line(conn: Any, desk_line_id: UUID | None) -> UUID | None:
    """Who answers a desk line (None: nobody in particular)."""
    if desk_line_id is None:
        return None
    return conn.execute(select(desk_lines.c.staff_id).where(desk_lines.c.id == desk_line_id)).scalar()


def _open_callback(uow: UnitOfWork, callback_id: UUID) -> dict[str, Any]:
    found = callback(uow, callback_id, lock=True)
    if found["state"] != "open":
        raise Conflict(f"the callback is {found['state']} already", "该回电任务已结束",
                       errors={"state": [found["state"]]})
    return found


def _change(uow: UnitOfWork, found: Mapping[str, Any], at: datetime, **values: Any) -> dict[str, Any]:
    uow.execute(update(callbacks).where(callbacks.c.id == found["id"])
                .values(**values, updated_at=at, version=callbacks.c.version + 1))
    changed = callback(uow, found["id"])
    in_diary.follow(uow, changed)
    return changed


def reassign(uow: UnitOfWork, callback_id: UUID, assignee_id: UUID) -> dict[str, Any]:
    """Give an open callback to another staff member of its estate."""
    with uow:
        found = _open_callback(uow, callback_id)
        check_links(uow, found["estate_id"], {"assignee_id": assignee_id})
        changed = hand_over(uow, found, assignee_id)
        uow.commit()
        return changed


def hand_over(uow: UnitOfWork, found: Mapping[str, Any], assignee_id: UUID) -> dict[str, Any]:
    """Give an open callback (locked by the caller) to ``assignee_id`` in the caller's unit of work."""
    changed = _change(uow, found, now(), assignee_id=assignee_id)
    uow.record(events.CALLBACK_SCHEDULED, changed["id"], {"callback": events.callback_payload(changed)})
    return changed


def finish(uow: UnitOfWork, callback_id: UUID, data: Mapping[str, Any], *, at: datetime | None = None
           ) -> dict[str, Any]:
    """Mark an open callback done (kept when done by its due time), or cancelled (``at``: now)."""
    at = at or now()
    with uow:
        found = _open_callback(uow, callback_id)
        check_links(uow, found["estate_id"], {"call_id": data.get("call_id")})
        reason = data.get("note") or found["reason"]
        if data["state"] == "done":
            changed = _change(uow, found, at, state="done", done_at=at, kept=at <= found["due_at"],
                              done_call_id=data.get("call_id"), reason=reason)
        else:
            changed = _change(uow, found, at, state="cancelled", reason=reason)
        uow.record(events.CALLBACK_CLOSED, changed["id"], {"callback": events.callback_payload(changed)})
        uow.commit()
        return changed
