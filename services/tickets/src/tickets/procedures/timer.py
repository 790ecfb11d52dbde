"""The procedures' part of tickets' timer (``tickets timer``): an application's open step still
open at its due time is reminded once (APPLICATION_STEP_OVERDUE, one event per person told: the
estate's active staff of the step's role, else up the chain from the supervisor; past its top one
event naming nobody, ``fallback.reached`` the operator's admins), swept as :mod:`servicekit.sweeps`
sweeps such rows — exactly once however many timers sweep. notify's built-in rule
``application_step_overdue_to_staff`` texts each person named, or the operator's duty contacts
(集团值班) when it names nobody. A demo application's
overdue step is reminded as the demo's history (:func:`servicekit.demo.history`): the made-up
applications message nobody, whenever their steps fall due."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from servicekit.demo import DEMO_DESK, history
from servicekit.sweeps import RowDeadline
from servicekit.unit_of_work import UnitOfWork
from tickets import events
from tickets.dispatch.candidates import staff_with_role
from tickets.sla.escalation import people_to_tell
from tickets.tables import application_steps, applications

s = application_steps.c


def _remind(uow: UnitOfWork, step: Mapping[str, Any], now: datetime) -> None:
    application = uow.execute(select(applications).where(applications.c.id == step["application_id"])
                              ).mappings().one()
    if application["created_by"] != DEMO_DESK:
        return _tell(uow, application, step, now)
    uow.flush_events()  # what this batch recorded so far keeps its own correlation
    with history("tickets"):
        _tell(uow, application, step, now)
        uow.flush_events()
    return None


def _tell(uow: UnitOfWork, application: Mapping[str, Any], step: Mapping[str, Any], now: datetime) -> None:
    holders = staff_with_role(uow, step["estate_id"], step["approver_role"])
    if holders:
        told: list[dict[str, Any] | None] = [
            {"staff_id": str(row["id"]), "name": row["name"], "role": step["approver_role"]} for row in holders]
        went_up = None
    else:  # nobody holds the role in the estate: its supervisors, else up the chain
        told, went_up = people_to_tell(uow, step["estate_id"], None, "supervisor")
    payload = events.application_payload(application)
    for person in told:
        uow.record(events.APPLICATION_STEP_OVERDUE, application["id"], {
            "application": payload, "step": {"position": step["position"], "key": step["key"],
                                             "name_zh": step["name_zh"], "name_en": step["name_en"],
                                             "approver_role": step["approver_role"]},
            "due_at": step["due_at"].isoformat(), "staff": person, "fallback": went_up, "at": now.isoformat()})


OVERDUE = RowDeadline(application_steps, s.due_at, s.overdue_at, (s.state == "open",), _remind,
                      key=(s.application_id, s.position))


def sweep(uow_factory: Callable[[], UnitOfWork], now: datetime, *, batch: int = 500) -> int:
    """One sweep of the applications' open steps at ``now``: how many were reminded as overdue."""
    return OVERDUE.sweep(uow_factory, now, batch)


def next_due(conn: Any) -> datetime | None:
    return OVERDUE.next_due(conn)
