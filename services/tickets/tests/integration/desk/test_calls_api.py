"""The call log over HTTP (TKT-9): desk lines assigned to staff, calls entered at the desk or pushed
by the call-centre system (once per Idempotency-Key and per call-centre reference), the caller found
by their number or its last four digits, notes and recording added, dialling as an event, and a
missed call becoming a callback. Another estate's rows are 404; bad input a bilingual 422 that
changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from servicekit.testing import count_rows
from tickets import events
from tickets.tables import callbacks, calls

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def at(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat()


def a_call(place: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"estate_id": str(place["estate"]), "direction": "inbound", "number": "138-1234-5678",
            "ring_started_at": at(0), "answered_at": at(9), "ended_at": at(200), "outcome": "answered",
            "notes": "业主反映楼道灯不亮", **changes}


def add_line(client, auth, place, number: str = "075588880001", staff: str = "agent") -> dict[str, Any]:
    answer = client.post("/api/v1/calls/lines", headers=auth("estate_manager", [place["estate"]]), json={
        "estate_id": str(place["estate"]), "number": number, "label": "客服热线", "staff_id": str(place[staff])})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_a_desk_line_is_assigned_to_staff_of_its_estate_once(client, auth, place, other_place) -> None:
    manager = auth("estate_manager", [place["estate"]])
    line = add_line(client, auth, place)
    assert line["staff_id"] == str(place["agent"]) and line["extension"] == ""
    again = client.post("/api/v1/calls/lines", headers=manager, json={
        "estate_id": str(place["estate"]), "number": "0755-8888-0001"})
    assert again.status_code == 409
    theirs = client.post("/api/v1/calls/lines", headers=manager, json={
        "estate_id": str(place["estate"]), "number": "075588880002", "staff_id": str(other_place["agent"])})
    assert theirs.status_code == 404
    moved = client.patch(f"/api/v1/calls/lines/{line['id']}", headers=manager,
                         json={"staff_id": str(place["supervisor"])})
    assert moved.get_json()["staff_id"] == str(place["supervisor"]) and moved.get_json()["version"] == 2
    listed = client.get(f"/api/v1/calls/lines?staff_id={place['supervisor']}",
                        headers=auth("service_desk_agent", [place["estate"]])).get_json()
    assert [x["id"] for x in listed["items"]] == [line["id"]]


def test_a_call_at_the_desk_is_linked_to_the_caller_and_their_unit(client, auth, place, db, recorded) -> None:
    line = add_line(client, auth, place)
    answer = client.post("/api/v1/calls", headers=auth("service_desk_agent", [place["estate"]]),
                         json=a_call(place, desk_line_id=line["id"]))
    assert answer.status_code == 201, answer.get_json()
    call = answer.get_json()
    assert call["person_id"] == str(place["people"][0]) and call["unit_id"] == str(place["unit"])
    assert call["staff_id"] == str(place["agent"])  # who answers the line
    assert call["number"] == "138****5678" and call["source"] == "desk"
    logged = recorded(events.CALL_LOGGED)
    assert [e["data"]["call"]["call_id"] for e in logged] == [call["id"]]
    assert "13812345678" not in str(logged) and logged[0]["data"]["call"]["number_last4"] == "5678"
    assert count_rows(db, callbacks) == 0  # answered: nobody to call back


def test_a_number_several_people_share_links_nobody(client, auth, place, db) -> None:
    from sqlalchemy import update

    from tickets.tables import people
    with db.begin() as conn:
        conn.execute(update(people).where(people.c.id == place["people"][1]).values(mobile="13812345678"))
    call = client.post("/api/v1/calls", headers=auth("service_desk_agent", [place["estate"]]),
                       json=a_call(place)).get_json()
    assert call["person_id"] is None and call["unit_id"] is None


def test_the_call_centre_pushing_a_call_twice_is_one_call(client, auth, place, db, recorded) -> None:
    centre = auth("integration_client", [place["estate"]], subject="call-centre")
    body = a_call(place, call_centre_ref="CC-20261201-0001", recording_url="https://rec.example.com/0001.mp3")
    key = {**centre, "Idempotency-Key": "cc-0001"}
    first = client.post("/api/v1/calls", headers=key, json=body)
    second = client.post("/api/v1/calls", headers=key, json=body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["id"] == second.get_json()["id"] and first.get_json()["source"] == "call_centre"
    other_body = client.post("/api/v1/calls", headers=key, json={**body, "notes": "另一通"})
    assert other_body.status_code == 422
    other_key = client.post("/api/v1/calls", headers={**centre, "Idempotency-Key": "cc-0001-b"}, json=body)
    assert other_key.status_code == 409
    in_chinese = {**centre, "Idempotency-Key": "cc-0001-c", "Accept-Language": "zh-CN"}
    assert "呼叫中心" in client.post("/api/v1/calls", headers=in_chinese, json=body).get_json()["detail"]
    assert count_rows(db, calls) == 1
    assert len(recorded(events.CALL_LOGGED)) == 1


@pytest.mark.postgres_only
def test_one_call_pushed_twice_at_once_is_one_call_and_both_answer_it(auth, place, db, recorded, at_once) -> None:
    centre = auth("integration_client", [place["estate"]], subject="call-centre")
    for n in range(5):
        body = a_call(place, call_centre_ref=f"CC-20261201-01{n}", outcome="missed", answered_at=None)
        answers = at_once("POST", "/api/v1/calls", [({**centre, "Idempotency-Key": f"cc-01{n}"}, body)] * 2)
        assert sorted(a.status_code for a in answers) == [200, 201], [a.json() for a in answers]
        assert answers[0].json()["id"] == answers[1].json()["id"]
    assert count_rows(db, calls) == 5 and count_rows(db, callbacks) == 5
    assert len(recorded(events.CALL_LOGGED)) == 5


def test_a_missed_call_becomes_a_callback_for_whoever_answers_the_line(client, auth, place, recorded) -> None:
    line = add_line(client, auth, place, staff="supervisor")
    call = client.post("/api/v1/calls", headers=auth("integration_client", [place["estate"]]), json=a_call(
        place, desk_line_id=line["id"], answered_at=None, ended_at=at(30), outcome="missed")).get_json()
    agent = auth("service_desk_agent", [place["estate"]])
    found = client.get(f"/api/v1/callbacks?call_id={call['id']}", headers=agent).get_json()["items"]
    assert len(found) == 1
    callback = found[0]
    assert callback["assignee_id"] == str(place["supervisor"]) and callback["state"] == "open"
    assert callback["person_id"] == str(place["people"][0]) and callback["number"] == "138****5678"
    due = datetime.fromisoformat(callback["due_at"])
    assert due - datetime.now(UTC) <= timedelta(minutes=30)  # 30 minutes after the call (or now, if later)
    assert due - datetime.fromisoformat(callback["warn_at"]) == timedelta(minutes=10)
    assert [e["data"]["callback"]["callback_id"] for e in recorded(events.CALLBACK_SCHEDULED)] == [callback["id"]]
    # An answered call, or a missed outbound one, makes none.
    client.post("/api/v1/calls", headers=agent, json=a_call(place, direction="outbound", answered_at=None,
                                                            outcome="missed"))
    assert len(client.get("/api/v1/callbacks", headers=agent).get_json()["items"]) == 1


def test_a_callback_is_a_planned_call_in_its_assignees_diary_that_follows_it(client, auth, place) -> None:
    line = add_line(client, auth, place, staff="supervisor")
    client.post("/api/v1/calls", headers=auth("integration_client", [place["estate"]]), json=a_call(
        place, desk_line_id=line["id"], answered_at=None, ended_at=at(30), outcome="missed"))
    agent = auth("service_desk_agent", [place["estate"]])
    [callback] = client.get("/api/v1/callbacks", headers=agent).get_json()["items"]

    def diary_of(staff: str) -> list[dict[str, Any]]:
        return client.get("/api/v1/diary", headers=agent, query_string={"staff_id": str(place[staff])}
                          ).get_json()["items"]

    [planned] = diary_of("supervisor")
    assert (planned["kind"], planned["callback_id"], planned["state"]) == ("call", callback["id"], "planned")
    assert planned["ends_at"] == callback["due_at"] and "5678" in planned["title"]
    assert planned["person_id"] == str(place["people"][0])
    ics = client.get(f"/api/v1/diary/staff/{place['supervisor']}/calendar.ics", headers=agent).get_data(as_text=True)
    assert "5678" in ics
    client.post(f"/api/v1/callbacks/{callback['id']}/reassign", headers=agent,
                json={"assignee_id": str(place["agent"])})
    assert diary_of("supervisor") == [] and [e["id"] for e in diary_of("agent")] == [planned["id"]]
    client.post(f"/api/v1/callbacks/{callback['id']}/finish", headers=agent, json={"state": "done"})
    assert [e["state"] for e in diary_of("agent")] == ["done"]


def test_the_desk_finds_a_caller_by_the_last_four_digits_in_its_estates_only(client, auth, place, other_place) -> None:
    agent = auth("service_desk_agent", [place["estate"]])
    found = client.get("/api/v1/calls/callers?number=5678", headers=agent).get_json()["people"]
    assert sorted(p["person_id"] for p in found) == sorted(str(p) for p in place["people"][:2])
    owner = next(p for p in found if p["person_id"] == str(place["people"][0]))
    assert owner["mobile"] == "138****5678" and owner["units"][0]["number"] == "1-1201"
    whole = client.get("/api/v1/calls/callers?number=%2B86%20139%200000%205678", headers=agent).get_json()["people"]
    assert [p["person_id"] for p in whole] == [str(place["people"][1])]
    assert client.get(f"/api/v1/calls/callers?number=5678&estate_id={other_place['estate']}",
                      headers=agent).status_code == 404


def test_notes_and_the_recording_are_added_during_the_call(client, auth, place, db, recorded) -> None:
    agent = auth("service_desk_agent", [place["estate"]])
    call = client.post("/api/v1/calls", headers=agent, json=a_call(place, ended_at=None)).get_json()
    changed = client.patch(f"/api/v1/calls/{call['id']}", headers=agent, json={
        "notes": "业主反映楼道灯不亮；已派工", "recording_url": "https://rec.example.com/9.mp3", "ended_at": at(300)})
    assert changed.status_code == 200
    assert changed.get_json()["version"] == 2 and changed.get_json()["ended_at"] == at(300)
    assert recorded(events.CALL_UPDATED)[0]["data"]["changed"] == ["ended_at", "notes", "recording_url"]
    before = client.get(f"/api/v1/calls/{call['id']}", headers=agent).get_json()
    bad = client.patch(f"/api/v1/calls/{call['id']}", headers={**agent, "Accept-Language": "zh-CN"},
                       json={"ended_at": at(-5), "notes": "x"})
    assert bad.status_code == 422 and bad.get_json()["detail"] == "来电结果与时间不一致"
    assert client.get(f"/api/v1/calls/{call['id']}", headers=agent).get_json() == before


def test_outcomes_and_times_that_do_not_fit_are_refused(client, auth, place, db) -> None:
    agent = auth("service_desk_agent", [place["estate"]])
    for wrong in ({"outcome": "missed"}, {"answered_at": None}, {"answered_at": at(-1)},
                  {"ended_at": at(5)}, {"number": "1234"}, {"ring_started_at": "2026-12-01T10:00:00"}):
        answer = client.post("/api/v1/calls", headers=agent, json=a_call(place, **wrong))
        assert answer.status_code == 422, wrong
    assert count_rows(db, calls) == 0


def test_dialling_from_a_persons_record_is_an_event_for_the_call_centre(client, auth, place, recorded) -> None:
    agent = auth("service_desk_agent", [place["estate"]])
    line = add_line(client, auth, place)
    answer = client.post("/api/v1/calls/dial", headers=agent, json={
        "estate_id": str(place["estate"]), "person_id": str(place["people"][0]), "desk_line_id": line["id"]})
    assert answer.status_code == 202 and answer.get_json()["number"] == "138****5678"
    [dial] = recorded(events.DIAL_REQUESTED)
    assert dial["data"]["number"] == "13812345678" and dial["data"]["line_number"] == "075588880001"
    no_mobile = client.post("/api/v1/calls/dial", headers=agent, json={
        "estate_id": str(place["estate"]), "person_id": str(place["people"][2])})
    assert no_mobile.status_code == 422


def test_another_estates_calls_lines_and_callbacks_are_not_found(client, auth, place, other_place) -> None:
    line = add_line(client, auth, other_place)
    theirs = auth("integration_client", [other_place["estate"]])
    call = client.post("/api/v1/calls", headers=theirs, json=a_call(
        other_place, number="13711115678", outcome="voicemail", answered_at=None)).get_json()
    callback = client.get("/api/v1/callbacks", headers=theirs).get_json()["items"][0]
    ours, manager = auth("service_desk_agent", [place["estate"]]), auth("estate_manager", [place["estate"]])
    for method, path, body in (
        ("get", f"/api/v1/calls/{call['id']}", None),
        ("patch", f"/api/v1/calls/{call['id']}", {"notes": "x"}),
        ("get", f"/api/v1/calls?estate_id={other_place['estate']}", None),
        ("get", f"/api/v1/calls?desk_line_id={line['id']}", None),
        ("get", f"/api/v1/calls/lines?estate_id={other_place['estate']}", None),
        ("get", f"/api/v1/callbacks/{callback['id']}", None),
        ("get", f"/api/v1/callbacks?call_id={call['id']}", None),
        ("post", f"/api/v1/callbacks/{callback['id']}/reassign", {"assignee_id": str(place["agent"])}),
        ("post", f"/api/v1/callbacks/{callback['id']}/finish", {"state": "done"}),
        ("post", "/api/v1/calls", a_call(other_place)),
        ("post", "/api/v1/calls", a_call(place, person_id=str(other_place["people"][0]))),
        ("post", "/api/v1/calls", a_call(place, desk_line_id=line["id"])),
        ("post", "/api/v1/calls/dial", {"estate_id": str(place["estate"]),
                                        "person_id": str(other_place["people"][0])}),
        ("post", "/api/v1/callbacks", {"estate_id": str(place["estate"]), "number": "13812345678",
                                       "assignee_id": str(other_place["agent"]),
                                       "due_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}),
    ):
        answer = getattr(client, method)(path, headers=ours, json=body) if body else getattr(client, method)(
            path, headers=ours)
        assert answer.status_code == 404, (method, path, answer.get_json())
    assert client.patch(f"/api/v1/calls/lines/{line['id']}", headers=manager,
                        json={"label": "x"}).status_code == 404
    assert client.get("/api/v1/calls", headers=ours).get_json()["items"] == []
    assert client.get("/api/v1/callbacks", headers=ours).get_json()["items"] == []


def test_only_the_desk_logs_calls_and_only_managers_add_lines(client, auth, place) -> None:
    technician = auth("technician", [place["estate"]])
    assert client.post("/api/v1/calls", headers=technician, json=a_call(place)).status_code == 403
    assert client.post("/api/v1/calls/lines", headers=auth("service_desk_agent", [place["estate"]]), json={
        "estate_id": str(place["estate"]), "number": "075588880001"}).status_code == 403
    assert client.get("/api/v1/calls", headers=technician).status_code == 200
    assert uuid.UUID(add_line(client, auth, place)["id"])
