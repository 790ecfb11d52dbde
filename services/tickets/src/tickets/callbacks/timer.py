"""The callbacks' part of tickets' timer (``tickets timer``, :mod:`tickets.sla.timer`): each sweep
reminds the assignee of every open callback whose ``warn_at`` has passed (CALLBACK_WARNED) and
escalates every open callback whose ``due_at`` has passed (CALLBACK_MISSED, to the supervisor).

A callback is its own deadline row, swept as the SLA deadlines are: a batch at a time, oldest
first, each batch one transaction (the mark and its events commit together or not at all), taken
``FOR UPDATE SKIP LOCKED`` on PostgreSQL so that replicas share the work, and every mark
conditional (``... WHERE warned_at IS NULL``), so a callback is warned and escalated exactly once
however many timers sweep and wherever one is killed. Only the callback row is locked: the desk's
own changes to a callback (reassign, finish) lock just that row too, so there is one lock order.

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

from sqlalchemy import func, select, update

from servicekit.unit_of_work import UnitOfWork
from tickets import events
from tickets.domain import chain
from tickets.sla.escalation import people_to_tell
from tickets.tables import callbacks, staff

c = callbacks.c
# kind -> (the instant that is due, its mark, the event, the role told first)
KINDS: dict[str, tuple[Any, Any, str, str]] = {
    "warning": (c.warn_at, c.warned_at, events.CALLBACK_WARNED, chain.ASSIGNEE),
    "missed": (c.due_at, c.missed_at, events.CALLBACK_MISSED, "supervisor"),
}


def whom(conn: Any, callback: Mapping[str, Any], wanted: str) -> tuple[list[dict[str, Any] | None], Any]:
    """Who is told about ``callback`` (``wanted``: the assignee or a role of the chain), and how it
    went up the chain (None when the wanted one was told). An assignee who left counts as nobody."""
    assignee = None if callback["assignee_id"] is None else conn.execute(
        select(staff).where(staff.c.id == callback["assignee_id"], staff.c.active.is_(True))).mappings().first()
    return people_to_tell(conn, callback["estate_id"], assignee, wanted)


def _fire(uow: UnitOfWork, kind: str, row: Mapping[str, Any], now: datetime) -> bool:
    """Mark ``row`` and record who is told; False when another transaction marked it first."""
    _, mark, event_type, wanted = KINDS[kind]
    marked = uow.execute(update(callbacks).where(c.id == row["id"], mark.is_(None), c.state == "open")
                         .values({mark.key: now}))
    if marked.rowcount != 1:
        return False
    payload = events.callback_payload(row)
    told, went_up = whom(uow, row, wanted)
    for person in told:
        uow.record(event_type, row["id"], {
            "callback": payload, "assignee_id": payload["assignee_id"], "staff": person, "fallback": went_up,
            "at": now.isoformat()})
    return True


def sweep_kind(uow_factory: Callable[[], UnitOfWork], kind: str, now: datetime, batch: int) -> int:
    """Fire every ``kind`` due at ``now``, a batch per transaction; callbacks another transaction
    holds are skipped until the next sweep."""
    instant, mark, _, _ = KINDS[kind]
    fired = 0
    while True:
        with uow_factory() as uow:
            taken = uow.execute(select(callbacks).where(c.state == "open", mark.is_(None), instant <= now)
                                .order_by(instant, c.id).limit(batch).with_for_update(skip_locked=True)
                                ).mappings().all()
            count = sum(_fire(uow, kind, row, now) for row in taken)
            uow.commit()
        fired += count
        if len(taken) < batch or count == 0:
            return fired


def sweep(uow_factory: Callable[[], UnitOfWork], now: datetime, *, batch: int = 500) -> tuple[int, int]:
    """One sweep of the callbacks at ``now``: how many were reminded, and how many escalated."""
    return sweep_kind(uow_factory, "warning", now, batch), sweep_kind(uow_factory, "missed", now, batch)


def next_due(conn: Any) -> list[datetime]:
    """The earliest reminder and escalation still to fire (by the partial indexes)."""
    warn = conn.execute(select(func.min(c.warn_at)).where(c.state == "open", c.warned_at.is_(None))).scalar()
    due = conn.execute(select(func.min(c.due_at)).where(c.state == "open", c.missed_at.is_(None))).scalar()
    return [t for t in (warn, due) if t is not None]
