"""The callbacks' part of tickets' timer (``tickets timer``, :mod:`tickets.sla.timer`): each sweep
reminds the assignee of every open callback whose ``warn_at`` has passed (CALLBACK_WARNED) and
escalates every open callback whose ``due_at`` has passed (CALLBACK_MISSED, to the supervisor).

A callback is its own deadline row, swept as :mod:`servicekit.sweeps` sweeps such rows: each
reminder and each escalation exactly once, however many timers sweep and wherever one is killed.
Only the callback row is locked: the desk's own changes to a callback (reassign, finish) lock just
that row too, so there is one lock order.

**Whom.** A reminder goes to the assignee; a callback with nobody assigned (or an assignee who
left) reminds the estate's supervisors, else up the chain (:mod:`tickets.domain.chain`). A missed
callback goes to the supervisors, up the chain likewise; past its top the event names no staff
and says ``fallback.reached`` = ``operator_admins``. One event per person told, each naming them
(``staff``), which notify turns into an SMS (its built-in rules ``callback_warned_to_staff`` and
``callback_missed_to_staff``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from servicekit.demo import DEMO_DESK, history
from servicekit.sweeps import RowDeadline
from servicekit.unit_of_work import UnitOfWork
from tickets import events
from tickets.domain import chain
from tickets.sla.escalation import people_to_tell
from tickets.tables import callbacks, staff

c = callbacks.c


def whom(conn: Any, callback: Mapping[str, Any], wanted: str) -> tuple[list[dict[str, Any] | None], Any]:
    """Who is told about ``callback`` (``wanted``: the assignee or a role of the chain), and how it
    went up the chain (None when the wanted one was told). An assignee who left counts as nobody."""
    assignee = None if callback["assignee_id"] is None else conn.execute(
        select(staff).where(staff.c.id == callback["assignee_id"], staff.c.active.is_(True))).mappings().first()
    return people_to_tell(conn, callback["estate_id"], assignee, wanted)


def _telling(event_type: str, wanted: str) -> Callable[[UnitOfWork, Mapping[str, Any], datetime], None]:
    def tell(uow: UnitOfWork, row: Mapping[str, Any], now: datetime) -> None:
        payload = events.callback_payload(row)
        told, went_up = whom(uow, row, wanted)
        for person in told:
            uow.record(event_type, row["id"], {"callback": payload, "assignee_id": payload["assignee_id"],
                                               "staff": person, "fallback": went_up, "at": now.isoformat()})

    def fire(uow: UnitOfWork, row: Mapping[str, Any], now: datetime) -> None:
        """A demo callback's reminder or escalation is the demo's history (:func:`servicekit.demo.history`),
        as a demo ticket's deadline is: the made-up desk week messages nobody, whenever the timer
        catches up on it."""
        if row["created_by"] != DEMO_DESK:
            tell(uow, row, now)
            return
        uow.flush_events()  # what this batch recorded so far keeps its own correlation
        with history("tickets"):
            tell(uow, row, now)
            uow.flush_events()

    return fire


OPEN = (c.state == "open",)
WARNING = RowDeadline(callbacks, c.warn_at, c.warned_at, OPEN, _telling(events.CALLBACK_WARNED, chain.ASSIGNEE))
MISSED = RowDeadline(callbacks, c.due_at, c.missed_at, OPEN, _telling(events.CALLBACK_MISSED, "supervisor"))


def sweep(uow_factory: Callable[[], UnitOfWork], now: datetime, *, batch: int = 500) -> tuple[int, int]:
    """One sweep of the callbacks at ``now``: how many were reminded, and how many escalated."""
    return WARNING.sweep(uow_factory, now, batch), MISSED.sweep(uow_factory, now, batch)


def next_due(conn: Any) -> list[datetime]:
    """The earliest reminder and escalation still to fire (by the partial indexes)."""
    return [t for t in (WARNING.next_due(conn), MISSED.next_due(conn)) if t is not None]
