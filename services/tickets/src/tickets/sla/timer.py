"""The SLA timer: the process that sweeps the ``deadlines`` rows (``tickets timer``).

Deadlines are rows, never in-memory timers. Each sweep takes, a batch at a time and oldest first:

* running deadlines whose ``warn_at`` has passed and that were not warned: SLA_WARNED, ``warned_at``,
  a timeline step and the ``sla_warning`` escalation;
* running deadlines (not promises) whose ``due_at`` has passed and that were not breached:
  SLA_BREACHED, ``breached_at``, a step and the ``sla_breach`` escalation;
* running promises whose promised date passed with the ticket unresolved: PROMISE_SLIPPED (the owner
  is to be told again; the stage report shows it), ``breached_at``, a step and ``promise_slipped``.

Each batch is one transaction: the mark, its step and its events (the outbox rows) commit together
or not at all, so a timer killed at any moment has fired a deadline completely or not at all, and a
restart fires what is left, once. Any number of replicas may sweep: on PostgreSQL a batch is taken
``FOR UPDATE SKIP LOCKED``, so replicas share the work and none takes a row another holds; and
every mark is conditional (``... WHERE warned_at IS NULL``), so a row is fired only by the
transaction that marked it, on SQLite (one writer at a time) as well.

**Lock order.** Every writer locks a ticket before its deadlines: a step on a ticket locks the
ticket and then writes its clocks (tickets.sla.clocks), so the timer does the same. It reads which
deadlines are due without locking them, locks their tickets in id order, skipping any another
transaction holds (a step under way, another replica, the demo's own sweeps), and only then locks
the deadlines of the tickets it holds. A deadline whose ticket was busy is passed over until the
next sweep. Taking the deadlines first (as the timer once did) and their tickets afterwards
deadlocked with any step on the same ticket, and two sweeps with each other (issue 16: ``tickets
load-demo`` beside ``tickets timer``).

The same sweep reminds and escalates the callbacks that fall due (:mod:`tickets.callbacks.timer`)
and escalates the shift handovers left unsigned (:mod:`tickets.shifts.timer`): rows that are their
own deadlines, fired by the same rules (:mod:`servicekit.sweeps`).

Between sweeps the timer sleeps until the next deadline or for the interval, whichever is sooner,
so a warning comes when it is due, not up to an interval late. Then it also asks the reports
(``tickets.reports.use_cases.generate_due``) for the monthly reports that are due. The loop itself,
stopping on SIGTERM and ``--once`` are servicekit.worker's.

``clock`` (a callable returning the time now) is injectable, so tests never sleep.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import DBAPIError, OperationalError

from servicekit.demo import DEMO_DESK, history
from servicekit.sweeps import DeadlineTimer
from servicekit.unit_of_work import UnitOfWork
from servicekit.worker import RoundDone
from tickets import events
from tickets.callbacks import timer as callback_timer
from tickets.events import ticket_payload
from tickets.procedures import timer as procedure_timer
from tickets.reports.use_cases import generate_due
from tickets.shifts import timer as handover_timer
from tickets.sla.escalation import escalate
from tickets.tables import deadlines, tickets
from tickets.tickets.timeline import TIMER, add_step

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Sweep:
    warned: int = 0
    breached: int = 0
    slipped: int = 0
    reports: int = 0
    callbacks_warned: int = 0
    callbacks_missed: int = 0
    handovers_escalated: int = 0
    steps_overdue: int = 0

    @property
    def fired(self) -> int:
        return self.warned + self.breached + self.slipped


d = deadlines.c
# kind -> (the instant column that is due, the mark column, extra conditions)
KINDS: dict[str, tuple[Any, Any, tuple[Any, ...]]] = {
    "warning": (d.warn_at, d.warned_at, (d.target != "promise",)),
    "breach": (d.due_at, d.breached_at, (d.target != "promise",)),
    "promise": (d.due_at, d.breached_at, (d.target == "promise",)),
}


def _due(kind: str, now: datetime, batch: int, passed_over: Collection[Any] = ()) -> Any:
    """Which deadlines of ``kind`` are due, oldest first: their ids and tickets, not locked."""
    instant, mark, extra = KINDS[kind]
    statement = select(d.id, d.ticket_id).where(d.state == "running", mark.is_(None), instant <= now, *extra)
    if passed_over:
        statement = statement.where(d.id.not_in(list(passed_over)))
    return statement.order_by(instant, d.id).limit(batch)


def _take(uow: UnitOfWork, kind: str, due: list[Any], passed_over: set[Any]) -> list[Mapping[str, Any]]:
    """The ``due`` deadlines locked in the one order (see the module's docstring): their tickets
    first, by id, skipping those another transaction holds (passed over until the next sweep), then
    the deadlines of the tickets held."""
    if not due:
        return []
    held = set(uow.execute(select(tickets.c.id).where(tickets.c.id.in_({row.ticket_id for row in due}))
                           .order_by(tickets.c.id).with_for_update(skip_locked=True)).scalars())
    passed_over.update(row.id for row in due if row.ticket_id not in held)
    ours = [row.id for row in due if row.ticket_id in held]
    if not ours:
        return []
    return list(uow.execute(select(deadlines).where(d.id.in_(ours)).order_by(KINDS[kind][0], d.id)
                            .with_for_update(of=deadlines)).mappings().all())


def _fire(uow: UnitOfWork, kind: str, row: Mapping[str, Any], now: datetime) -> bool:
    """Mark ``row`` and record what it means; False when another transaction marked it first. A
    demo ticket's deadline fires as the demo's history (:func:`servicekit.demo.history`): what the
    made-up tickets lead to messages nobody, whenever their deadlines fall."""
    mark = KINDS[kind][1]
    marked = uow.execute(update(deadlines).where(d.id == row["id"], mark.is_(None), d.state == "running")
                         .values({mark.key: now}))
    if marked.rowcount != 1:
        return False
    ticket = uow.execute(select(tickets).where(tickets.c.id == row["ticket_id"])).mappings().one()
    if ticket["created_by"] != DEMO_DESK:
        _record(uow, kind, row, ticket, now)
        return True
    uow.flush_events()  # what this batch recorded so far keeps its own correlation
    with history("tickets"):
        _record(uow, kind, row, ticket, now)
        uow.flush_events()
    return True


def _record(uow: UnitOfWork, kind: str, row: Mapping[str, Any], ticket: Mapping[str, Any], now: datetime) -> None:
    """The events, timeline steps and escalation of a fired deadline."""
    instant = KINDS[kind][0]
    due = row[instant.key]
    data = {"ticket": ticket_payload(ticket), "deadline_id": str(row["id"]), "target": row["target"],
            "due_at": row["due_at"].isoformat() if row["due_at"] else None,
            "started_at": row["started_at"].isoformat(), "business_hours": bool(row["business_hours"])}
    if kind == "warning":
        uow.record(events.SLA_WARNED, ticket["id"], {**data, "warn_at": due.isoformat(), "warned_at": now.isoformat()})
        add_step(uow, ticket, "sla_warned", TIMER, now, details={"target": row["target"], "due_at": data["due_at"]})
        escalate(uow, ticket, "sla_warning", now, TIMER, target=row["target"], deadline_id=row["id"],
                 trigger_at=due, reason=f"the {row['target']} target is near")
    elif kind == "breach":
        uow.record(events.SLA_BREACHED, ticket["id"], {**data, "breached_at": now.isoformat()})
        add_step(uow, ticket, "sla_breached", TIMER, now, details={"target": row["target"], "due_at": data["due_at"]})
        escalate(uow, ticket, "sla_breach", now, TIMER, target=row["target"], deadline_id=row["id"],
                 trigger_at=due, reason=f"the {row['target']} target was missed")
    else:
        uow.record(events.PROMISE_SLIPPED, ticket["id"], {
            **data, "promised_by": data["due_at"], "slipped_at": now.isoformat(),
            "person_id": None if ticket["person_id"] is None else str(ticket["person_id"]),
            "tell_owner_again": True})
        add_step(uow, ticket, "promise_slipped", TIMER, now, details={"promised_by": data["due_at"]})
        escalate(uow, ticket, "promise_slipped", now, TIMER, target="promise", deadline_id=row["id"],
                 trigger_at=due, reason="the promised date passed unresolved")


def _sweep_kind(uow_factory: Callable[[], UnitOfWork], kind: str, now: datetime, batch: int,
                limit: int | None = None) -> int:
    """Fire every ``kind`` due at ``now``, a batch per transaction. A batch that fails for anything
    but the database (a deadline whose firing raises: bad data, a bug) is taken again one deadline
    per transaction, so one bad deadline holds back no other; it is logged and passed over until the
    next sweep, which tries it again."""
    fired = 0
    passed_over: set[Any] = set()
    while limit is None or fired < limit:
        try:
            with uow_factory() as uow:
                due = uow.execute(_due(kind, now, batch, passed_over)).all()
                count = sum(_fire(uow, kind, row, now) for row in _take(uow, kind, due, passed_over))
                uow.commit()
        except (OperationalError, DBAPIError):
            raise  # the database itself: the timer's loop waits and sweeps again
        except Exception:
            count, due = _fire_one_by_one(uow_factory, kind, now, batch, passed_over)
        fired += count
        if len(due) < batch:
            break
    return fired


def _fire_one_by_one(uow_factory: Callable[[], UnitOfWork], kind: str, now: datetime, batch: int,
                     passed_over: set[Any]) -> tuple[int, list[Any]]:
    with uow_factory() as uow:
        due = uow.execute(_due(kind, now, batch, passed_over)).all()
    fired = 0
    for one in due:
        try:
            with uow_factory() as uow:
                fired += sum(_fire(uow, kind, row, now) for row in _take(uow, kind, [one], passed_over))
                uow.commit()
        except (OperationalError, DBAPIError):
            raise
        except Exception:
            log.exception("a deadline could not be fired; passed over until the next sweep",
                          extra={"deadline_id": str(one.id), "kind": kind})
            passed_over.add(one.id)
    return fired, due


def sweep(uow_factory: Callable[[], UnitOfWork], now: datetime, *, batch: int = 500,
          reports: bool = True) -> Sweep:
    """One sweep at ``now``: every warning, breach and slipped promise due, then (unless ``reports``
    is false: a demo replaying history) the monthly reports."""
    warned = _sweep_kind(uow_factory, "warning", now, batch)
    breached = _sweep_kind(uow_factory, "breach", now, batch)
    slipped = _sweep_kind(uow_factory, "promise", now, batch)
    callbacks_warned, callbacks_missed = callback_timer.sweep(uow_factory, now, batch=batch)
    handovers_escalated = handover_timer.sweep(uow_factory, now, batch=batch)
    steps_overdue = procedure_timer.sweep(uow_factory, now, batch=batch)
    made = generate_due(uow_factory, now) if reports else 0
    return Sweep(warned, breached, slipped, made, callbacks_warned, callbacks_missed, handovers_escalated,
                 steps_overdue)


def next_due(engine: Engine) -> datetime | None:
    """The earliest warning or due instant still to fire (by the partial indexes), or None."""
    with engine.connect() as conn:
        warn = conn.execute(select(func.min(d.warn_at)).where(d.state == "running", d.warned_at.is_(None))).scalar()
        due = conn.execute(select(func.min(d.due_at)).where(d.state == "running", d.breached_at.is_(None))).scalar()
        callbacks_due = callback_timer.next_due(conn)
        handover_due = handover_timer.next_due(conn)
        step_due = procedure_timer.next_due(conn)
    found = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in (warn, due, *callbacks_due, handover_due, step_due)
             if t is not None]
    return min(found) if found else None


class Timer(DeadlineTimer):
    """Sweeps ``engine``'s deadlines every ``interval`` seconds, or sooner when one falls due."""

    def sweep(self) -> Sweep:
        return sweep(self.uow_factory, self.clock(), batch=self.batch)

    def upcoming(self) -> datetime | None:
        return next_due(self.engine)

    def run_round(self, stop: threading.Event) -> RoundDone:
        """One sweep, for servicekit.worker's loop (``tickets timer``): then a pause until the next
        deadline, at most the interval."""
        done = self.sweep()
        counts = {"warned": done.warned, "breached": done.breached, "slipped": done.slipped, "reports": done.reports,
                  "callbacks_warned": done.callbacks_warned, "callbacks_missed": done.callbacks_missed,
                  "handovers_escalated": done.handovers_escalated}
        return RoundDone(counts, self.delay())
