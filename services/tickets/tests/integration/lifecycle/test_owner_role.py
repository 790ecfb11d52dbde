"""The owner role (a resident; the token's ``sub`` is their owners person id, as the gateway signs
it): they open tickets for a unit they live in (or a common area of their estate) as themselves,
and read the tickets they reported and those of their units; another person's or unit's ticket is
404 to them, like another estate's; they read their own tickets' timeline and stage report and give
their own evaluation (channel owner); the procedure's other steps stay the desk's (403)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, update

from tickets.tables import deadlines, occupancies


@pytest.fixture
def home(db, place) -> dict[str, Any]:
    """The place's person lives in its first unit; the second person in the second unit."""
    with db.begin() as conn:
        for person, unit in (("person", "unit"), ("person2", "unit2")):
            conn.execute(insert(occupancies).values(
                id=uuid.uuid4(), estate_id=uuid.UUID(place["estate"]), unit_id=uuid.UUID(place[unit]),
                person_id=uuid.UUID(place[person]), role="owner", version=1))
    return place


def _owner(auth, place, person: str = "person"):
    return auth("owner", [place["estate"]], subject=place[person])


def _report(place, unit: str = "unit", **changes) -> dict[str, Any]:
    return {"estate_id": place["estate"], "unit_id": place[unit], "kind": "repair", "category": "plumbing",
            "title": "厨房水管漏水", **changes}


def test_an_owner_opens_a_ticket_for_their_unit_as_themselves_through_the_app(client, auth, home):
    opened = client.post("/api/v1/tickets", json=_report(home), headers=_owner(auth, home))
    assert opened.status_code == 201, opened.json
    assert opened.json["person_id"] == home["person"] and opened.json["channel"] == "app"
    common = client.post("/api/v1/tickets", headers=_owner(auth, home), json={
        "estate_id": home["estate"], "common_area": "2号电梯", "kind": "inquiry", "title": "电梯何时恢复"})
    assert common.status_code == 201, common.json


def test_an_owner_cannot_report_for_another_unit_or_as_another_person(client, auth, home):
    other_unit = client.post("/api/v1/tickets", json=_report(home, "unit2"), headers=_owner(auth, home))
    assert other_unit.status_code == 404
    as_other = client.post("/api/v1/tickets", json=_report(home, person_id=home["person2"]),
                           headers=_owner(auth, home))
    assert as_other.status_code == 422


def test_an_owner_reads_their_own_and_their_units_tickets_only(client, auth, home):
    desk = auth("service_desk_agent", [home["estate"]])
    mine = client.post("/api/v1/tickets", json=_report(home), headers=_owner(auth, home)).json
    # The desk opened one for the owner's unit on a neighbour's call: it is the owner's unit's.
    for_my_unit = client.post("/api/v1/tickets", json=_report(home, person_id=home["person2"]), headers=desk).json
    theirs = client.post("/api/v1/tickets", json=_report(home, "unit2", person_id=home["person2"]),
                         headers=desk).json
    listed = client.get(f"/api/v1/tickets?estate_id={home['estate']}", headers=_owner(auth, home)).json
    assert {t["id"] for t in listed["items"]} == {mine["id"], for_my_unit["id"]}
    assert client.get(f"/api/v1/tickets/{mine['id']}", headers=_owner(auth, home)).status_code == 200
    assert client.get(f"/api/v1/tickets/{theirs['id']}", headers=_owner(auth, home)).status_code == 404
    assert client.get(f"/api/v1/tickets/{theirs['id']}", headers=_owner(auth, home, "person2")).status_code == 200


def test_another_estates_ticket_is_404_to_an_owner_and_their_estate_is_the_tokens(client, auth, home, other_place):
    desk = auth("service_desk_agent", [other_place["estate"]])
    elsewhere = client.post("/api/v1/tickets", json=_report(other_place), headers=desk).json
    assert client.get(f"/api/v1/tickets/{elsewhere['id']}", headers=_owner(auth, home)).status_code == 404
    assert client.post("/api/v1/tickets", json=_report(other_place), headers=_owner(auth, home)).status_code == 404


def test_the_procedure_stays_the_desks(client, auth, home):
    mine = client.post("/api/v1/tickets", json=_report(home), headers=_owner(auth, home)).json
    step = client.post(f"/api/v1/tickets/{mine['id']}/acknowledge", json={}, headers=_owner(auth, home))
    assert step.status_code == 403


def test_an_owner_token_naming_no_person_reports_nothing_and_sees_nothing(client, auth, home):
    nobody = auth("owner", [home["estate"]], subject="not-a-person")
    assert client.post("/api/v1/tickets", json=_report(home), headers=nobody).status_code == 403
    assert client.get(f"/api/v1/tickets?estate_id={home['estate']}", headers=nobody).json["items"] == []


def test_the_desk_lists_a_persons_tickets_with_their_service_levels_at_a_glance(client, auth, home, db):
    """``person_id``: what the owner's whole picture shows — the tickets they reported and their
    units'; each item says how its service levels stand (the worst running target, the next due)."""
    desk = auth("service_desk_agent", [home["estate"]])
    mine = client.post("/api/v1/tickets", json=_report(home), headers=desk).json
    client.post("/api/v1/tickets", json=_report(home, "unit2", person_id=home["person2"]), headers=desk)
    assert mine.get("id"), mine
    listed = client.get(f"/api/v1/tickets?person_id={home['person']}&status=open", headers=desk).json["items"]
    assert [t["id"] for t in listed] == [mine["id"]]
    assert listed[0]["sla"]["state"] == "on_time" and listed[0]["sla"]["next_target"] == "acknowledge"
    with db.begin() as conn:  # the acknowledge target is overdue
        conn.execute(update(deadlines).where(deadlines.c.ticket_id == uuid.UUID(mine["id"]))
                     .values(due_at=datetime.now(UTC) - timedelta(minutes=1)))
    [late] = client.get(f"/api/v1/tickets?person_id={home['person']}", headers=desk).json["items"]
    assert late["sla"]["state"] == "breached"


def test_an_estates_desk_at_a_glance_counts_open_tickets_by_stage_and_todays_warnings_and_breaches(
        client, auth, home, db, other_place):
    """The estate dashboard's part from tickets: open by stage now, and the service-level warnings and
    breaches of today and of this month (a breach of last month counts in neither)."""
    desk = auth("service_desk_agent", [home["estate"]])
    first = client.post("/api/v1/tickets", json=_report(home), headers=desk).json
    second = client.post("/api/v1/tickets", json=_report(home, "unit2"), headers=desk).json
    assert client.post(f"/api/v1/tickets/{second['id']}/acknowledge", json={}, headers=desk).status_code == 200
    now = datetime.now(UTC)
    with db.begin() as conn:
        conn.execute(update(deadlines).where(deadlines.c.ticket_id == uuid.UUID(first["id"]),
                                             deadlines.c.target == "acknowledge")
                     .values(warned_at=now - timedelta(seconds=30), breached_at=now - timedelta(seconds=10)))
        conn.execute(update(deadlines).where(deadlines.c.ticket_id == uuid.UUID(second["id"]),
                                             deadlines.c.target == "arrive")
                     .values(breached_at=now - timedelta(days=40)))
    glance = client.get(f"/api/v1/reports/at-a-glance?estate_id={home['estate']}", headers=desk)
    assert glance.status_code == 200, glance.json
    assert glance.json["open"] == 2 and glance.json["opened_today"] == 2
    assert glance.json["open_by_stage"] == {"received": 1, "acknowledged": 1}
    assert glance.json["sla"] == {"warned_today": 1, "breached_today": 1, "warned_this_month": 1,
                                  "breached_this_month": 1}
    assert client.get(f"/api/v1/reports/at-a-glance?estate_id={other_place['estate']}",
                      headers=desk).status_code == 404
    quiet = client.get(f"/api/v1/reports/at-a-glance?estate_id={other_place['estate']}",
                       headers=auth("service_desk_agent", [other_place["estate"]])).json  # nothing open there
    assert (quiet["open"], quiet["open_by_stage"], quiet["opened_today"]) == (0, {}, 0)
    assert set(quiet["sla"].values()) == {0}


def test_an_owner_reads_their_own_tickets_timeline_and_report_and_evaluates_it_once_informed(
        client, auth, home, recorded):
    desk = auth("service_desk_agent", [home["estate"]])
    mine = client.post("/api/v1/tickets", json=_report(home), headers=_owner(auth, home)).json
    theirs = client.post("/api/v1/tickets", json=_report(home, "unit2", person_id=home["person2"]),
                         headers=desk).json
    for path in ("timeline", "report"):
        assert client.get(f"/api/v1/tickets/{mine['id']}/{path}", headers=_owner(auth, home)).status_code == 200
        assert client.get(f"/api/v1/tickets/{theirs['id']}/{path}", headers=_owner(auth, home)).status_code == 404
    report = client.get(f"/api/v1/tickets/{mine['id']}/report", headers=_owner(auth, home)).json
    assert report["ticket"]["id"] == mine["id"] and [s["action"] for s in report["timeline"]][0] == "opened"
    for path, body in [("acknowledge", {}), ("dispatch", {"staff_id": home["technician"]}), ("arrive", {}),
                       ("resolve", {"resolution": "已更换水管"}), ("inform-owner", {"how": "phone"})]:
        assert client.post(f"/api/v1/tickets/{mine['id']}/{path}", json=body, headers=desk).status_code == 200, path
    # Someone else's ticket: 404 whatever its stage, and nothing recorded.
    before = len(recorded())
    other = client.post(f"/api/v1/tickets/{theirs['id']}/evaluate", json={"score": 1}, headers=_owner(auth, home))
    assert other.status_code == 404 and len(recorded()) == before
    evaluated = client.post(f"/api/v1/tickets/{mine['id']}/evaluate", json={"score": 5, "comment": "修得很快"},
                            headers=_owner(auth, home))
    assert evaluated.status_code == 200, evaluated.json
    assert evaluated.json["evaluation_score"] == 5 and evaluated.json["evaluation_channel"] == "owner"
    event = recorded()[-1]
    assert event["type"].endswith(".evaluated.v1") and event["data"]["channel"] == "owner"
    assert event["data"]["score"] == 5
