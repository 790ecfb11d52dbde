"""The overdue rectification actions' part of surveys' timer (``surveys timer``, surveys.timer):
each sweep tells the responsible person once about every action still open past its due date
(``surveys.action.overdue.v1``, which notify's built-in rule ``action_overdue_to_responsible``
turns into an SMS). An action is its own deadline row, swept as :mod:`servicekit.sweeps` sweeps
such rows: exactly once however many timers sweep and wherever one is killed; a reopened action
with a new due date is armed again. A demo action (made by the demo's desk) falls due as the
demo's history, so the demo messages nobody whenever its dates fall.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from servicekit.demo import DEMO_DESK, history
from servicekit.sweeps import RowDeadline
from servicekit.unit_of_work import UnitOfWork
from surveys import events
from surveys.tables import actions, staff

a = actions.c


def _record(uow: UnitOfWork, row: Mapping[str, Any], now: datetime) -> None:
    name = uow.execute(select(staff.c.name).where(staff.c.id == row["responsible_id"])).scalar()
    uow.record(events.ACTION_OVERDUE, row["id"], events.overdue_payload(row, name, now))


def _fire(uow: UnitOfWork, row: Mapping[str, Any], now: datetime) -> None:
    if row["created_by"] != DEMO_DESK:
        _record(uow, row, now)
        return
    uow.flush_events()  # what this batch recorded so far keeps its own correlation
    with history("surveys"):
        _record(uow, row, now)
        uow.flush_events()


OVERDUE = RowDeadline(actions, a.due_at, a.overdue_at, (a.state == "open",), _fire)


def sweep(uow_factory: Callable[[], UnitOfWork], now: datetime, *, batch: int = 500) -> int:
    """One sweep at ``now``: how many actions were found overdue (each told once)."""
    return OVERDUE.sweep(uow_factory, now, batch)


def next_due(conn: Any) -> datetime | None:  # noqa: ANN401
    return OVERDUE.next_due(conn)
