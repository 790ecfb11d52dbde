"""The procedure's use cases on both databases: the SLA clocks follow every step in its
transaction, milestones keep the time they were first reached, and a concurrent step on one
ticket is refused rather than applied twice."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from servicekit.errors import Conflict
from tickets.service import SERVICE
from tickets.sla import clocks
from tickets.tables import ticket_steps
from tickets.tickets.timeline import Actor
from tickets.tickets.use_cases import entry, procedure

DESK = Actor("desk-1", "service_desk_agent")
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def uow(db):
    sessions = sessionmaker(db, expire_on_commit=False)
    return lambda: SERVICE.unit_of_work(sessions)


@pytest.fixture
def repair(uow, place):
    body = {"estate_id": uuid.UUID(place["estate"]), "unit_id": uuid.UUID(place["unit"]), "kind": "repair",
            "channel": "desk", "category": "plumbing", "title": "漏水"}
    return entry.open_ticket(uow(), DESK, body, at=T0)["ticket"]


def test_the_clocks_follow_every_step_with_the_ticket_after_it(uow, place, monkeypatch) -> None:
    followed = []
    monkeypatch.setattr(clocks, "on_ticket_changed",
                        lambda u, row, action, at: followed.append((action, row["stage"], row["version"], at)) or row)
    body = {"estate_id": uuid.UUID(place["estate"]), "unit_id": uuid.UUID(place["unit"]), "kind": "repair",
            "channel": "desk", "category": "plumbing", "title": "漏水"}
    ticket = entry.open_ticket(uow(), DESK, body, at=T0)["ticket"]
    at = [T0 + timedelta(minutes=n) for n in range(1, 6)]
    procedure.acknowledge(uow(), ticket["id"], DESK, at=at[0])
    procedure.pause(uow(), ticket["id"], DESK, reason="业主不在家", at=at[1])
    procedure.resume(uow(), ticket["id"], DESK, at=at[2])
    procedure.dispatch(uow(), ticket["id"], DESK, staff_id=uuid.UUID(place["technician"]), at=at[3])
    procedure.cancel(uow(), ticket["id"], DESK, reason="重复报修", at=at[4])
    assert followed == [("opened", "received", 1, T0), ("acknowledged", "acknowledged", 2, at[0]),
                        ("paused", "acknowledged", 3, at[1]), ("resumed", "acknowledged", 4, at[2]),
                        ("dispatched", "dispatched", 5, at[3]), ("cancelled", "cancelled", 6, at[4])]


def test_milestones_keep_the_time_first_reached_and_reopen_counts(uow, db, place, repair) -> None:
    at = [T0 + timedelta(hours=n) for n in range(1, 10)]
    procedure.acknowledge(uow(), repair["id"], DESK, at=at[0])
    procedure.dispatch(uow(), repair["id"], DESK, staff_id=uuid.UUID(place["technician"]), at=at[1])
    procedure.arrive(uow(), repair["id"], DESK, at=at[2])
    procedure.resolve(uow(), repair["id"], DESK, at=at[3])
    reopened = procedure.reopen(uow(), repair["id"], DESK, reason="又漏了", to="dispatched", at=at[4])
    assert (reopened["stage"], reopened["reopen_count"], reopened["dispatched_at"]) == ("dispatched", 1, at[1])
    procedure.arrive(uow(), repair["id"], DESK, at=at[5])
    done = procedure.resolve(uow(), repair["id"], DESK, at=at[6])
    assert (done["arrived_at"], done["resolved_at"], done["updated_at"], done["version"]) == (at[2], at[3], at[6], 8)
    with db.connect() as conn:
        steps = conn.execute(select(ticket_steps.c.action, ticket_steps.c.at).where(
            ticket_steps.c.ticket_id == repair["id"]).order_by(ticket_steps.c.at)).all()
    assert [s.action for s in steps] == ["opened", "acknowledged", "dispatched", "arrived", "resolved", "reopened",
                                         "arrived", "resolved"]


def test_a_promise_kept_or_not_is_judged_at_resolving(uow, place, repair) -> None:
    procedure.acknowledge(uow(), repair["id"], DESK, at=T0)
    promised = T0 + timedelta(days=2)
    procedure.explain(uow(), repair["id"], DESK, explanation="等配件", promised_by=promised, at=T0)
    procedure.escalate(uow(), repair["id"], DESK, reason="采购", at=T0)
    late = procedure.resolve(uow(), repair["id"], DESK, at=promised + timedelta(minutes=1))
    # Reported upwards after the explanation: the rules tell the supervisor, level 2 of the chain.
    assert late["promise_kept"] is False and late["escalation_level"] == 2


def test_concurrent_steps_on_one_ticket_apply_once(uow, db, repair) -> None:
    results, barrier = [], threading.Barrier(6)

    def acknowledge() -> None:
        barrier.wait()
        try:
            results.append(procedure.acknowledge(uow(), repair["id"], DESK)["version"])
        except Conflict:
            results.append("refused")

    threads = [threading.Thread(target=acknowledge) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [2] + ["refused"] * 5
