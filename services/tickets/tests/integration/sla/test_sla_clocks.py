"""The SLA clocks follow a ticket's life: targets by policy, met or missed, paused and resumed,
promises, reopening, closing, and the opening escalations of complaints."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import insert, select

from tickets import events
from tickets.tables import calendar_days, calendars, escalations, sla_policies

M = timedelta(minutes=1)


def test_a_complaint_gets_the_textbook_targets_and_goes_to_the_supervisor_at_once(world) -> None:
    supervisor = world.add_staff("supervisor", "王主管")
    world.need_staff_lookup(supervisor, "supervisor")
    world.add_staff("supervisor", "别的小区", estate_id=uuid.uuid4())
    ticket = world.open_ticket(kind="complaint", complaint_class="facilities")
    found = world.deadlines(ticket["id"])
    assert set(found) == {"acknowledge", "arrive", "resolve"}
    assert found["arrive"]["due_at"] == world.now + 3 * M  # 三分钟内到达现场
    assert found["arrive"]["warn_at"] == world.now + 3 * M * 0.8
    assert found["resolve"]["due_at"] == world.now + 1440 * M
    assert all(d["state"] == "running" and not d["business_hours"] for d in found.values())
    [told] = world.events(events.TICKET_ESCALATED)
    assert told["data"]["trigger"] == "complaint"
    assert told["data"]["staff"] == {"staff_id": str(supervisor), "name": "王主管", "role": "supervisor"}
    assert told["data"]["ticket"]["escalation_level"] == 0  # reported, not escalated


def test_a_major_complaint_goes_straight_to_the_first_responsible_person(world) -> None:
    world.add_staff("supervisor")
    boss = world.add_staff("first_responsible", "李经理")
    world.need_staff_lookup(boss, "first_responsible")
    ticket = world.open_ticket(kind="complaint", complaint_class="management", quality_aspect="attitude",
                               major=True)
    told = [e["data"] for e in world.events(events.TICKET_ESCALATED)]
    assert [(t["trigger"], t["staff"]["role"]) for t in told] == [("complaint", "supervisor"),
                                                                   ("major", "first_responsible")]
    assert told[1]["staff"]["staff_id"] == str(boss)
    assert world.ticket(ticket["id"])["escalation_level"] == 3
    with world.engine.connect() as conn:
        assert conn.execute(select(escalations.c.action).where(escalations.c.ticket_id == ticket["id"])
                            .order_by(escalations.c.level)).scalars().all() == [
            "notify_supervisor", "notify_first_responsible"]


def test_a_repair_is_not_reported_and_nobody_to_tell_is_said(world) -> None:
    world.open_ticket(kind="repair")
    assert world.events(events.TICKET_ESCALATED) == []
    world.open_ticket(kind="complaint", complaint_class="fees")
    [told] = world.events(events.TICKET_ESCALATED)
    assert told["data"]["staff"] is None  # no supervisor on record: the desk must see that


def test_the_most_specific_policy_wins_target_by_target(world) -> None:
    with world.engine.begin() as conn:
        conn.execute(insert(sla_policies), [
            {"id": uuid.uuid4(), "estate_id": None, "kind": "repair", "complaint_class": None, "priority": None,
             "acknowledge_minutes": 20, "arrive_minutes": 100, "resolve_minutes": 1000, "warn_percent": 50,
             "business_hours": False},
            {"id": uuid.uuid4(), "estate_id": world.estate_id, "kind": None, "complaint_class": None,
             "priority": "high", "acknowledge_minutes": 10, "arrive_minutes": None, "resolve_minutes": None,
             "warn_percent": 90, "business_hours": False},
            {"id": uuid.uuid4(), "estate_id": uuid.uuid4(), "kind": "repair", "complaint_class": None,
             "priority": "high", "acknowledge_minutes": 1, "arrive_minutes": 1, "resolve_minutes": 1,
             "warn_percent": 10, "business_hours": False},
        ])
    high = world.deadlines(world.open_ticket(kind="repair", priority="high")["id"])
    # The estate's row (more specific) gives acknowledge and warn; the operator's repair row the rest.
    assert high["acknowledge"]["due_at"] == world.now + 10 * M
    assert high["acknowledge"]["warn_at"] == world.now + 9 * M
    assert high["arrive"]["due_at"] == world.now + 100 * M
    assert high["resolve"]["due_at"] == world.now + 1000 * M
    normal = world.deadlines(world.open_ticket(kind="repair", priority="normal")["id"])
    assert normal["acknowledge"]["due_at"] == world.now + 20 * M
    assert normal["acknowledge"]["warn_at"] == world.now + 10 * M


def _office_calendar(world, *days) -> None:
    calendar_id = uuid.uuid4()
    week = {str(d): [["08:30", "12:00"], ["13:30", "18:00"]] for d in range(1, 6)}
    with world.engine.begin() as conn:
        conn.execute(insert(calendars).values(id=calendar_id, estate_id=world.estate_id, timezone="Asia/Shanghai",
                                              week=week))
        for day, kind in days:
            conn.execute(insert(calendar_days).values(calendar_id=calendar_id, day=day, kind=kind, name="国庆"))


def test_business_hours_and_holidays_stretch_a_repair(world) -> None:
    _office_calendar(world, (date(2026, 12, 2), "holiday"))
    world.now = world.now.replace(hour=9)  # Tuesday 17:00 in Shanghai
    ticket = world.open_ticket(kind="repair", priority="normal")  # acknowledge within 30 business minutes
    ack = world.deadlines(ticket["id"])["acknowledge"]
    assert ack["business_hours"]
    # one hour left on Tuesday; Wednesday a holiday: Thursday 08:30 + 0 (30 min fit on Tuesday)
    assert ack["due_at"] == world.now + 30 * M
    resolve = world.deadlines(ticket["id"])["resolve"]  # 2880 business minutes = 6 office days
    assert resolve["due_at"] > world.now + timedelta(days=6)


def test_waiting_on_the_owner_pauses_the_clocks(world) -> None:
    ticket = world.open_ticket(kind="repair", priority="normal")  # 24x7 (no calendar)
    before = world.deadlines(ticket["id"])
    world.change(ticket["id"], "paused", world.now + 10 * M, waiting_on_owner=True)
    paused = world.deadlines(ticket["id"])
    assert paused["acknowledge"]["state"] == "paused"
    assert paused["acknowledge"]["remaining_seconds"] == 20 * 60
    assert world.sweep(world.now + 10_000 * M).fired == 0  # a paused clock never warns
    world.change(ticket["id"], "resumed", world.now + 70 * M, waiting_on_owner=False)
    resumed = world.deadlines(ticket["id"])
    assert resumed["acknowledge"]["state"] == "running"
    assert resumed["acknowledge"]["due_at"] == before["acknowledge"]["due_at"] + 60 * M
    assert resumed["acknowledge"]["warn_at"] == before["acknowledge"]["warn_at"] + 60 * M
    assert resumed["resolve"]["due_at"] == before["resolve"]["due_at"] + 60 * M


def test_targets_met_on_time_or_missed(world) -> None:
    ticket = world.open_ticket(kind="complaint", complaint_class="facilities")
    world.change(ticket["id"], "acknowledged", world.now + 0.5 * M)
    world.sweep(world.now + 5 * M)  # the arrival (3 minutes) is breached
    world.change(ticket["id"], "arrived", world.now + 6 * M)
    world.change(ticket["id"], "resolved", world.now + 60 * M)
    found = world.deadlines(ticket["id"])
    assert (found["acknowledge"]["state"], found["acknowledge"]["met_at"]) == ("met", world.now + 0.5 * M)
    assert found["arrive"]["state"] == "missed"
    assert found["resolve"]["state"] == "met"


def test_a_promise_is_tracked_and_slips(world) -> None:
    ticket = world.open_ticket(kind="complaint", complaint_class="facilities")
    promised = world.now + timedelta(days=3)
    world.change(ticket["id"], "explained", world.now + 10 * M, promised_by=promised, stage="explained")
    promise = world.deadlines(ticket["id"])["promise"]
    assert (promise["state"], promise["due_at"]) == ("running", promised)
    assert world.sweep(promised - M).slipped == 0
    assert world.sweep(promised).slipped == 1
    [slipped] = world.events(events.PROMISE_SLIPPED)
    assert slipped["data"]["promised_by"] == promised.isoformat()
    assert slipped["data"]["tell_owner_again"] is True
    assert world.sweep(promised + M).slipped == 0  # once


def test_reopening_starts_a_new_resolve_deadline_and_closing_drops_the_rest(world) -> None:
    ticket = world.open_ticket(kind="repair")
    world.change(ticket["id"], "resolved", world.now + 10 * M)
    first = world.deadlines(ticket["id"])["resolve"]
    assert first["state"] == "met"
    assert world.deadlines(ticket["id"])["arrive"]["state"] == "dropped"
    world.change(ticket["id"], "reopened", world.now + 20 * M)
    again = world.deadlines(ticket["id"])["resolve"]
    assert again["id"] != first["id"]
    assert (again["state"], again["started_at"]) == ("running", world.now + 20 * M)
    world.change(ticket["id"], "cancelled", world.now + 30 * M)
    assert {d["state"] for d in world.deadlines(ticket["id"]).values()} <= {"met", "dropped"}
    assert world.deadlines(ticket["id"])["resolve"]["state"] == "dropped"


def test_the_stage_report_shows_time_left_and_a_slipped_promise(world) -> None:
    from tickets.sla.views import time_left

    ticket = world.open_ticket(kind="repair", priority="normal")
    world.change(ticket["id"], "explained", world.now, promised_by=world.now + 60 * M)
    world.sweep(world.now + 61 * M)
    with world.engine.connect() as conn:
        report = {r["target"]: r for r in time_left(conn, world.ticket(ticket["id"]), world.now + 100 * M)}
    assert report["resolve"]["seconds_left"] == (2880 - 100) * 60
    assert report["acknowledge"]["seconds_left"] == -70 * 60  # 30 minutes, 100 gone
    assert report["promise"]["slipped"] is True
    world.change(ticket["id"], "paused", world.now + 100 * M)
    with world.engine.connect() as conn:
        report = {r["target"]: r for r in time_left(conn, world.ticket(ticket["id"]), world.now + 500 * M)}
    assert (report["resolve"]["state"], report["resolve"]["seconds_left"]) == ("paused", (2880 - 100) * 60)
