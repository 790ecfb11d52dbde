"""Managing SLA policies, calendars and escalation rules over HTTP: managers only, their estates
only (another estate's row is 404), bad input a 422 that changes nothing, and the clocks use it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tickets.tables import calendars, escalation_rules, sla_policies

OFFICE = {str(d): [["08:30", "12:00"], ["13:30", "18:00"]] for d in range(1, 6)}


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_a_manager_sets_a_policy_that_new_tickets_follow(client, auth, world) -> None:
    estate = world.estate_id
    manager = auth("estate_manager", [estate])
    answer = client.post("/api/v1/sla/policies", headers=manager, json={
        "estate_id": str(estate), "kind": "repair", "priority": "high", "acknowledge_minutes": 7,
        "resolve_minutes": 600, "warn_percent": 50, "business_hours": False})
    assert answer.status_code == 201, answer.json
    policy = answer.json
    assert (policy["arrive_minutes"], policy["version"]) == (None, 1)
    ticket = world.open_ticket(kind="repair", priority="high")
    found = world.deadlines(ticket["id"])
    assert found["acknowledge"]["due_at"] == world.now + timedelta(minutes=7)
    assert found["acknowledge"]["warn_at"] == world.now + timedelta(minutes=3.5)
    assert found["arrive"]["due_at"] == world.now + timedelta(minutes=60)  # the default for high repairs

    changed = client.put(f"/api/v1/sla/policies/{policy['id']}", headers=manager, json={
        "kind": "repair", "priority": "high", "acknowledge_minutes": 5})
    assert (changed.status_code, changed.json["acknowledge_minutes"], changed.json["version"]) == (200, 5, 2)
    listed = client.get("/api/v1/sla/policies", headers=manager).json["items"]
    assert [p["id"] for p in listed] == [policy["id"]]
    duplicate = client.post("/api/v1/sla/policies", headers=manager, json={
        "estate_id": str(estate), "kind": "repair", "priority": "high", "resolve_minutes": 1})
    assert duplicate.status_code == 409
    assert client.delete(f"/api/v1/sla/policies/{policy['id']}", headers=manager).status_code == 204
    assert count(world.engine, sla_policies) == 0


def test_another_estates_rows_are_not_found_and_other_roles_are_refused(client, auth, world) -> None:
    mine, theirs = world.estate_id, uuid.uuid4()
    operator = auth()
    policy = client.post("/api/v1/sla/policies", headers=operator, json={
        "estate_id": str(theirs), "kind": "complaint", "arrive_minutes": 3}).json
    calendar = client.post("/api/v1/sla/calendars", headers=operator, json={
        "estate_id": str(theirs), "week": OFFICE}).json
    rule = client.post("/api/v1/sla/escalation-rules", headers=operator, json={
        "estate_id": str(theirs), "trigger": "sla_breach", "level": 2, "action": "notify_supervisor"}).json
    everyone = client.post("/api/v1/sla/policies", headers=operator, json={"resolve_minutes": 100}).json
    assert everyone["estate_id"] is None
    manager = auth("estate_manager", [mine])
    for path in (f"/api/v1/sla/policies/{policy['id']}", f"/api/v1/sla/calendars/{calendar['id']}",
                 f"/api/v1/sla/escalation-rules/{rule['id']}", f"/api/v1/sla/policies/{everyone['id']}"):
        assert client.get(path, headers=manager).status_code == 404
        assert client.delete(path, headers=manager).status_code == 404
    assert client.put(f"/api/v1/sla/calendars/{calendar['id']}/days/2026-10-01", headers=manager,
                      json={"kind": "holiday"}).status_code == 404
    assert client.post("/api/v1/sla/policies", headers=manager, json={
        "estate_id": str(theirs), "resolve_minutes": 5}).status_code == 404
    assert client.get(f"/api/v1/sla/policies?estate_id={theirs}", headers=manager).status_code == 404
    assert client.get("/api/v1/sla/policies", headers=manager).json["items"] == []
    assert client.get("/api/v1/sla/calendars", headers=manager).json["items"] == []
    # Rows for every estate are the operator's to write.
    assert client.post("/api/v1/sla/policies", headers=manager, json={"resolve_minutes": 5}).status_code == 422
    desk = auth("service_desk_agent", [mine])
    assert client.get("/api/v1/sla/policies", headers=desk).status_code == 403
    assert client.post("/api/v1/sla/calendars", headers=desk, json={
        "estate_id": str(mine), "week": OFFICE}).status_code == 403
    assert count(world.engine, sla_policies) == 2


@pytest.mark.parametrize("body", [
    {"kind": "repairs", "resolve_minutes": 5},
    {"kind": "repair", "complaint_class": "fees", "resolve_minutes": 5},
    {"kind": "complaint"},
    {"resolve_minutes": 0},
    {"resolve_minutes": "soon"},
    {"resolve_minutes": 5, "warn_percent": 100},
    {"resolve_minutes": 5, "estate_id": "not-a-uuid"},
])
def test_a_bad_policy_is_a_422_that_changes_nothing(client, auth, world, body) -> None:
    manager = auth("estate_manager", [world.estate_id])
    answer = client.post("/api/v1/sla/policies", headers=manager, json={"estate_id": str(world.estate_id), **body})
    assert answer.status_code == 422, answer.json
    assert count(world.engine, sla_policies) == 0


@pytest.mark.parametrize("change", [
    {"week": {"1": [["18:00", "08:00"]]}},
    {"week": {"8": [["08:00", "18:00"]]}},
    {"week": {"1": [["08:00"]]}},
    {"week": {"1": [["8am", "6pm"]]}},
    {"week": {"1": [["08:00", "12:00"], ["11:00", "13:00"]]}},
    {"week": {}},
    {"timezone": "Mars/Olympus"},
])
def test_a_bad_calendar_is_a_422_that_changes_nothing(client, auth, world, change) -> None:
    manager = auth("estate_manager", [world.estate_id])
    answer = client.post("/api/v1/sla/calendars", headers=manager,
                         json={"estate_id": str(world.estate_id), "week": OFFICE, **change})
    assert answer.status_code == 422, answer.json
    assert count(world.engine, calendars) == 0


def test_a_calendar_with_holidays_and_make_up_days_drives_the_clocks(client, auth, world) -> None:
    manager = auth("estate_manager", [world.estate_id])
    created = client.post("/api/v1/sla/calendars", headers=manager,
                          json={"estate_id": str(world.estate_id), "week": OFFICE})
    assert created.status_code == 201, created.json
    calendar_id = created.json["id"]
    assert client.post("/api/v1/sla/calendars", headers=manager,
                       json={"estate_id": str(world.estate_id), "week": OFFICE}).status_code == 409
    day = client.put(f"/api/v1/sla/calendars/{calendar_id}/days/2026-12-02", headers=manager,
                     json={"kind": "holiday", "name": "停业"})
    assert day.status_code == 200 and day.json["days"] == [{"day": "2026-12-02", "kind": "holiday", "name": "停业"}]
    assert client.put(f"/api/v1/sla/calendars/{calendar_id}/days/2026-13-02", headers=manager,
                      json={"kind": "holiday"}).status_code == 422
    assert client.put(f"/api/v1/sla/calendars/{calendar_id}/days/2026-12-05", headers=manager,
                      json={"kind": "vacation"}).status_code == 422
    world.now = world.now.replace(hour=9, minute=30)  # Tuesday 17:30 in Shanghai
    ticket = world.open_ticket(kind="repair", priority="normal")  # 30 business minutes to acknowledge
    assert world.deadlines(ticket["id"])["acknowledge"]["due_at"] == world.now + timedelta(minutes=30)
    # 240 business minutes to arrive: Tuesday's last 30, Wednesday a holiday, Thursday 08:30-12:00.
    assert world.deadlines(ticket["id"])["arrive"]["due_at"] == datetime(2026, 12, 3, 4, 0, tzinfo=UTC)
    assert client.delete(f"/api/v1/sla/calendars/{calendar_id}/days/2026-12-02", headers=manager).status_code == 204
    assert client.delete(f"/api/v1/sla/calendars/{calendar_id}/days/2026-12-02", headers=manager).status_code == 404
    assert client.delete(f"/api/v1/sla/calendars/{calendar_id}", headers=manager).status_code == 204


def test_escalation_rules_are_managed_and_used(client, auth, world) -> None:
    manager = auth("estate_manager", [world.estate_id])
    body = {"estate_id": str(world.estate_id), "trigger": "sla_breach", "target": "acknowledge", "level": 1,
            "action": "raise_priority"}
    made = client.post("/api/v1/sla/escalation-rules", headers=manager, json=body)
    assert made.status_code == 201, made.json
    assert client.post("/api/v1/sla/escalation-rules", headers=manager, json=body).status_code == 409
    assert client.post("/api/v1/sla/escalation-rules", headers=manager,
                       json={**body, "action": "shout"}).status_code == 422
    assert count(world.engine, escalation_rules) == 1
    ticket = world.open_ticket(kind="repair", priority="low")
    world.sweep(world.now + timedelta(minutes=30))
    assert world.ticket(ticket["id"])["priority"] == "normal"
    assert client.delete(f"/api/v1/sla/escalation-rules/{made.json['id']}", headers=manager).status_code == 204
