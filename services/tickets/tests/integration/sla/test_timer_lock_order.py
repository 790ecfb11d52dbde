"""The timer and the use cases lock a ticket and its deadlines in one order, so neither can wait on
the other in a cycle (issue 16: ``tickets load-demo`` beside ``tickets timer`` died on a deadlock).

A use case locks the ticket, then writes its deadlines (tickets.sla.clocks); the timer used to lock
a batch of due deadlines first and reach for their tickets afterwards. Each test here stops one
transaction at the point where the other order bites and lets the other run into it: on PostgreSQL
that was a deadlock every time, not a race that a loaded machine may or may not hit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from tickets import events
from tickets.sla import clocks
from tickets.tables import deadlines
from tickets.tickets.timeline import Actor
from tickets.tickets.use_cases import procedure

from .test_sla_timer import fired_per_deadline

pytestmark = pytest.mark.postgres_only

DESK = Actor("desk", "service_desk_agent")


def waiting_on_a_lock(engine) -> bool:  # noqa: ANN001  (an Engine)
    """Whether a session of this test's database is waiting for a row lock."""
    with engine.connect() as conn:
        return bool(conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar())


def run(target: Callable[[], Any], errors: list[BaseException]) -> threading.Thread:
    def body() -> None:
        try:
            target()
        except BaseException as exc:  # noqa: BLE001  (reported by the test)
            errors.append(exc)

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread


def test_a_sweep_beside_a_step_on_the_same_ticket_never_deadlocks(world, monkeypatch) -> None:
    """The desk has the ticket locked (its step is under way) when the timer sweeps its due
    deadlines; the step then writes the deadlines. Both finish, and what was due fires once."""
    ticket = world.open_ticket(kind="repair", priority="normal")
    later = world.now + timedelta(minutes=40)  # the acknowledgement warned and breached by then
    locked, go = threading.Event(), threading.Event()
    real = clocks.on_ticket_changed

    def held_between_the_ticket_and_its_deadlines(uow, row, action, at):  # noqa: ANN001, ANN202
        locked.set()
        assert go.wait(30), "the test never let the step go on"
        return real(uow, row, action, at)

    monkeypatch.setattr(clocks, "on_ticket_changed", held_between_the_ticket_and_its_deadlines)
    errors: list[BaseException] = []
    step = run(lambda: procedure.acknowledge(world.uow(), ticket["id"], DESK, at=later), errors)
    assert locked.wait(30), "the step never locked the ticket"
    timer = run(lambda: world.sweep(later), errors)
    deadline = time.monotonic() + 10
    while timer.is_alive() and not waiting_on_a_lock(world.engine) and time.monotonic() < deadline:
        time.sleep(0.02)
    go.set()
    step.join(60)
    timer.join(60)
    assert not step.is_alive() and not timer.is_alive()
    assert not errors, f"{[type(e).__name__ + ': ' + str(e).splitlines()[0] for e in errors]}"
    monkeypatch.setattr(clocks, "on_ticket_changed", real)

    world.sweep(later)  # what the first sweep left to the step's ticket is fired now, once
    assert world.ticket(ticket["id"])["stage"] == "acknowledged"
    arrive = world.deadlines(ticket["id"])["arrive"]
    assert arrive["warned_at"] is not None or arrive["warn_at"] > later


def test_two_sweeps_at_different_times_never_deadlock(world, monkeypatch) -> None:
    """The demo replays history with sweeps of its own while ``tickets timer`` sweeps now: one
    sweep fires breaches, the other warnings, of the same two tickets in opposite orders (each
    sweep goes oldest first). Neither waits on the other in a cycle, and each deadline fires once."""
    from tickets.sla import timer as timer_module

    first, second = world.open_ticket(kind="repair"), world.open_ticket(kind="repair")
    at = world.now + timedelta(minutes=60)
    # Breaches due: the first's acknowledgement, then the second's. Warnings due: the second's
    # arrival, then the first's.
    crafted = {(first["id"], "acknowledge"): (at - timedelta(minutes=20), at - timedelta(minutes=20)),
               (second["id"], "acknowledge"): (at - timedelta(minutes=10), at - timedelta(minutes=10)),
               (first["id"], "arrive"): (at + timedelta(minutes=60), at - timedelta(minutes=1)),
               (second["id"], "arrive"): (at + timedelta(minutes=60), at - timedelta(minutes=2))}
    with world.engine.begin() as conn:
        for (ticket_id, target), (due, warn) in crafted.items():
            warned = due if target == "acknowledge" else None  # the acknowledgements only breach
            conn.execute(deadlines.update().where(deadlines.c.ticket_id == ticket_id, deadlines.c.target == target)
                         .values(due_at=due, warn_at=warn, warned_at=warned))
    real = timer_module.escalate
    holds = {"sla_breach": threading.Event(), "sla_warning": threading.Event()}
    go = threading.Event()

    def escalate(uow, ticket, trigger, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        done = real(uow, ticket, trigger, *args, **kwargs)
        if not holds[trigger].is_set():  # this sweep holds its first ticket now: wait for the other's
            holds[trigger].set()
            go.wait(30)
        return done

    monkeypatch.setattr(timer_module, "escalate", escalate)
    errors: list[BaseException] = []
    sweeps = {trigger: run(lambda kind=kind: timer_module._sweep_kind(world.uow, kind, at, 500), errors)
              for trigger, kind in (("sla_breach", "breach"), ("sla_warning", "warning"))}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(holds[t].is_set() or not sweeps[t].is_alive() for t in holds):
        time.sleep(0.02)
    go.set()
    for thread in sweeps.values():
        thread.join(60)
    assert not any(thread.is_alive() for thread in sweeps.values())
    assert not errors, f"{[type(e).__name__ + ': ' + str(e).splitlines()[0] for e in errors]}"
    monkeypatch.setattr(timer_module, "escalate", real)

    world.sweep(at)  # what one sweep passed over (the other held its ticket) fires now
    fired = fired_per_deadline(world.engine)
    assert sorted(fired.values()) == [1, 1, 1, 1]
    assert {kind for _deadline, kind in fired} == {events.SLA_BREACHED, events.SLA_WARNED}
