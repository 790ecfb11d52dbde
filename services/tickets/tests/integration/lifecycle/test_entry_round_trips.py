"""Quick entry in two statements on PostgreSQL (issue 22): one reads the copy rows, the likely
duplicates and the SLA policies; one writes the ticket, its first step, its deadlines and its
outbox row. The policies read ahead give the deadlines the policies say, calendar included, as the
SLA tests' tickets get them; a complaint still escalates at once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from tickets.service import SERVICE
from tickets.tables import calendars, deadlines, outbox, sla_policies, ticket_steps
from tickets.tickets.timeline import Actor
from tickets.tickets.use_cases.entry import open_ticket

DESK = Actor("desk-1", "service_desk_agent")
M = timedelta(minutes=1)
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tuesday 17:00 in Shanghai


@pytest.fixture
def statements(db) -> list[str]:
    seen: list[str] = []

    def _seen(conn, cursor, statement, params, context, executemany) -> None:  # noqa: ANN001
        seen.append(statement.split()[0].upper())

    event.listen(db, "before_cursor_execute", _seen)
    yield seen
    event.remove(db, "before_cursor_execute", _seen)


def _open(db, place, **values) -> dict:
    body = {"estate_id": uuid.UUID(place["estate"]), "unit_id": uuid.UUID(place["unit"]), "kind": "repair",
            "channel": "phone", "category": "plumbing", "title": "厨房水管漏水", **values}
    return open_ticket(SERVICE.unit_of_work(sessionmaker(db, expire_on_commit=False)), DESK, body, at=T0)


def _deadlines(db, ticket_id) -> dict:
    with db.connect() as conn:
        rows = conn.execute(select(deadlines).where(deadlines.c.ticket_id == ticket_id)).mappings().all()
    return {r["target"]: r for r in rows}


def test_a_repair_is_opened_in_two_statements_with_its_step_deadlines_and_event(db, place, statements) -> None:
    if db.dialect.name != "postgresql":
        pytest.skip("one statement for the writes is PostgreSQL's (data-modifying CTEs)")
    ticket = _open(db, place)["ticket"]
    assert statements == ["SELECT", "WITH"]
    with db.connect() as conn:
        assert conn.execute(select(ticket_steps.c.action).where(ticket_steps.c.ticket_id == ticket["id"])
                            ).scalars().all() == ["opened"]
        assert conn.execute(select(func.count()).select_from(outbox.table)).scalar_one() == 1
    assert set(_deadlines(db, ticket["id"])) == {"acknowledge", "arrive", "resolve"}


def test_a_ticket_is_opened_without_an_orm_session(db, place) -> None:
    """The unit of work's plain connection holds the transaction, and the policies read ahead are
    kept by the unit of work itself: no Session is built for them (one cost about a tenth of an
    opening's Python)."""
    begun: list[Session] = []
    listener = lambda session, transaction, connection: begun.append(session)  # noqa: E731
    event.listen(Session, "after_begin", listener)
    try:
        ticket = _open(db, place)["ticket"]
    finally:
        event.remove(Session, "after_begin", listener)
    assert begun == []
    assert set(_deadlines(db, ticket["id"])) == {"acknowledge", "arrive", "resolve"}


def test_the_deadlines_follow_the_estates_policy_and_calendar(db, place) -> None:
    estate = uuid.UUID(place["estate"])
    week = {str(d): [["08:30", "12:00"], ["13:30", "18:00"]] for d in range(1, 6)}
    with db.begin() as conn:
        conn.execute(insert(sla_policies), [
            {"id": uuid.uuid4(), "estate_id": None, "kind": "repair", "complaint_class": None, "priority": None,
             "acknowledge_minutes": 20, "arrive_minutes": 100, "resolve_minutes": 1000, "warn_percent": 50,
             "business_hours": False},
            {"id": uuid.uuid4(), "estate_id": estate, "kind": "repair", "complaint_class": None, "priority": None,
             "acknowledge_minutes": 90, "arrive_minutes": None, "resolve_minutes": None, "warn_percent": 80,
             "business_hours": True}])
        conn.execute(insert(calendars).values(id=uuid.uuid4(), estate_id=estate, timezone="Asia/Shanghai", week=week))
    due = _deadlines(db, _open(db, place)["ticket"]["id"])
    # The estate's row: 90 business minutes to acknowledge, one hour of them left on Tuesday, the
    # rest from Wednesday 08:30 (Shanghai); the operator's row gives the targets the estate's leaves.
    assert due["acknowledge"]["business_hours"] is True
    assert due["acknowledge"]["due_at"] == datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # Wed 09:00 in Shanghai
    assert due["resolve"]["business_hours"] is True and due["arrive"]["due_at"] > T0 + 100 * M


def test_a_complaint_is_still_escalated_when_it_is_opened(db, place) -> None:
    ticket = _open(db, place, kind="complaint", category=None, complaint_class="management",
                   quality_aspect="attitude", person_id=uuid.UUID(place["person"]))["ticket"]
    with db.connect() as conn:
        steps = conn.execute(select(ticket_steps.c.action, ticket_steps.c.actor)
                             .where(ticket_steps.c.ticket_id == ticket["id"])).all()
    assert sorted(steps) == [("escalation", "sla"), ("opened", "desk-1")]
    assert set(_deadlines(db, ticket["id"])) == {"acknowledge", "arrive", "resolve"}


def test_a_ticket_number_drawn_twice_is_drawn_again(db, place, monkeypatch, caplog) -> None:
    """A number already taken comes back as the unique violation the retry needs: the ticket opens
    with the next number drawn, once, with its one event, and nothing is logged as a warning."""
    from tickets.tickets.use_cases import entry

    drawn = iter([f"T26120100000{n}" for n in range(6)] + ["T261201000000", "T261201000099"])
    monkeypatch.setattr(entry, "ticket_number", lambda at: next(drawn))
    for _ in range(6):  # past the uses from which psycopg prepares the statement, as a busy desk's
        _open(db, place)
    caplog.set_level("WARNING")
    again = _open(db, place, title="卫生间漏水")["ticket"]
    assert again["number"] == "T261201000099"
    assert [r.getMessage() for r in caplog.records if r.levelno >= 30] == []
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(outbox.table)).scalar_one() == 7
