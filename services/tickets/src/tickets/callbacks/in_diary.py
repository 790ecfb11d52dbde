"""A callback shown in its assignee's diary (安排回电, TKT-8/TKT-9): each callback is a planned call
(a diary entry of kind ``call`` naming it, ``callback_id``) in the five minutes before it falls
due, in the diary of whoever has it (the desk agents' team while nobody has). The entry follows the
callback in the same transaction: handed to someone else, it moves to their diary; done or
cancelled, so is the entry. It takes its place in the day like any entry (a visit booked over it is
a double booking) but is no booking: nobody is sent a message for it, the callback's own reminder
does that."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, update

from servicekit.unit_of_work import UnitOfWork
from tickets.tables import diary_entries

d = diary_entries.c
CALL_SLOT = timedelta(minutes=5)
NOBODYS = "service_desk_agent"  # the team whose diary holds a callback nobody has
STATES = {"open": "planned", "done": "done", "cancelled": "cancelled"}


def _title(callback: Mapping[str, Any]) -> str:
    return f"回电 Call back …{callback['number'][-4:]}"[:200]


def enter(uow: UnitOfWork, callback: Mapping[str, Any]) -> None:
    """Put a new callback in its assignee's diary (the caller's unit of work)."""
    at = callback["created_at"]
    uow.execute(insert(diary_entries).values(
        id=uuid.uuid4(), estate_id=callback["estate_id"], kind="call", title=_title(callback),
        notes=callback["reason"], staff_id=callback["assignee_id"],
        team=None if callback["assignee_id"] is not None else NOBODYS,
        starts_at=max(at, callback["due_at"] - CALL_SLOT), ends_at=max(callback["due_at"], at + timedelta(seconds=1)),
        unit_id=callback["unit_id"], person_id=callback["person_id"], ticket_id=callback["ticket_id"],
        callback_id=callback["id"], state="planned", conflicts=[], created_by=callback["created_by"],
        created_at=at, updated_at=at, version=1))


def follow(uow: UnitOfWork, callback: Mapping[str, Any]) -> None:
    """The callback's diary entry after a change of the callback (its assignee, or its state)."""
    uow.execute(update(diary_entries).where(d.callback_id == callback["id"]).values(
        staff_id=callback["assignee_id"], team=None if callback["assignee_id"] is not None else NOBODYS,
        state=STATES.get(callback["state"], "planned"), updated_at=callback["updated_at"], version=d.version + 1))
