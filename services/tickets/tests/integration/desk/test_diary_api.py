"""The diary over HTTP (TKT-8): a person's and a team's entries, a double booking or a booking off
shift warned (or refused, as configured), the people concerned told by events, a ticket's visit
booked with its dispatch in one step, and a person's diary as iCalendar. Another estate's entries,
staff and tickets are 404."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import sessionmaker

from servicekit.errors import Conflict
from servicekit.testing import count_rows
from tickets import events
from tickets.diary import use_cases
from tickets.service import SERVICE
from tickets.tables import calendars, diary_entries
from tickets.tickets.timeline import Actor

# Wednesday 2 December 2026, 14:00 in Shanghai.
AT = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
H = timedelta(hours=1)


def visit(place: dict[str, Any], starts: datetime = AT, hours: float = 2, **changes: Any) -> dict[str, Any]:
    return {"estate_id": str(place["estate"]), "kind": "appointment", "title": "上门维修", "staff_id": str(
        place["technician"]), "unit_id": str(place["unit"]), "person_id": str(place["people"][0]),
        "starts_at": starts.isoformat(), "ends_at": (starts + hours * H).isoformat(), **changes}


def test_a_double_booking_is_warned_and_back_to_back_is_not(client, auth, place, recorded) -> None:
    desk = auth("service_desk_agent", [place["estate"]])
    first = client.post("/api/v1/diary", headers=desk, json=visit(place))
    assert first.status_code == 201 and first.get_json()["conflicts"] == []
    after = client.post("/api/v1/diary", headers=desk, json=visit(place, AT + 2 * H, title="下一家"))
    assert after.get_json()["conflicts"] == []  # 16:00 after a visit ending at 16:00
    twice = client.post("/api/v1/diary", headers=desk, json=visit(place, AT + H, title="重叠"))
    assert twice.status_code == 201
    assert [(c["reason"], c["entry_id"]) for c in twice.get_json()["conflicts"]] == [
        ("double_booked", first.get_json()["id"]), ("double_booked", after.get_json()["id"])]
    client.post(f"/api/v1/diary/{first.get_json()['id']}/state", headers=desk, json={"state": "cancelled"})
    again = client.post("/api/v1/diary", headers=desk, json=visit(place, AT, hours=1.5))
    assert [c["entry_id"] for c in again.get_json()["conflicts"]] == [twice.get_json()["id"]]  # not the cancelled
    booked = recorded(events.DIARY_BOOKED)
    assert booked[0]["data"]["person_id"] == str(place["people"][0])
    assert booked[0]["data"]["assignee_id"] == str(place["technician"])
    assert [e["data"]["entry"]["entry_id"] for e in recorded(events.DIARY_CANCELLED)] == [first.get_json()["id"]]


def test_refused_as_configured_a_double_booking_writes_nothing(db, place) -> None:
    sessions = sessionmaker(db)
    desk = Actor("desk", "service_desk_agent")

    def entry(starts: datetime) -> dict[str, Any]:
        return {"estate_id": place["estate"], "kind": "appointment", "title": "上门维修",
                "staff_id": place["technician"], "starts_at": starts, "ends_at": starts + 2 * H}

    use_cases.book(SERVICE.unit_of_work(sessions), desk, entry(AT), on_conflict="refuse")
    with pytest.raises(Conflict) as refused:
        use_cases.book(SERVICE.unit_of_work(sessions), desk, entry(AT + H), on_conflict="refuse")
    assert refused.value.errors["conflicts"][0]["reason"] == "double_booked"
    assert count_rows(db, diary_entries) == 1


def test_a_booking_outside_working_hours_is_off_shift(client, auth, db, place) -> None:
    week = {str(day): [["08:30", "18:00"]] for day in range(1, 6)}
    with db.begin() as conn:
        conn.execute(insert(calendars).values(id=uuid.uuid4(), estate_id=place["estate"], timezone="Asia/Shanghai",
                                              week=week, version=1))
    desk = auth("service_desk_agent", [place["estate"]])
    inside = client.post("/api/v1/diary", headers=desk, json=visit(place))  # 14:00-16:00 on a Wednesday
    assert inside.get_json()["conflicts"] == []
    evening = client.post("/api/v1/diary", headers=desk, json=visit(place, AT + 3 * H, title="晚上"))  # 17:00-19:00
    assert [c["reason"] for c in evening.get_json()["conflicts"]] == ["off_shift"]


def test_a_persons_duty_roster_says_when_they_are_off_shift_else_the_estates_calendar(client, auth, db,
                                                                                    place) -> None:
    week = {str(day): [["08:30", "18:00"]] for day in range(1, 6)}
    with db.begin() as conn:
        conn.execute(insert(calendars).values(id=uuid.uuid4(), estate_id=place["estate"], timezone="Asia/Shanghai",
                                              week=week, version=1))
    manager, desk = auth("estate_manager", [place["estate"]]), auth("service_desk_agent", [place["estate"]])

    def roster(starts: datetime, hours: float, label: str) -> Any:
        return client.post("/api/v1/shifts/roster", headers=manager, json={
            "estate_id": str(place["estate"]), "staff_id": str(place["technician"]), "label": label,
            "starts_at": starts.isoformat(), "ends_at": (starts + hours * H).isoformat()})

    evening = roster(AT + 2 * H, 8, "中班")  # Wednesday 16:00-24:00
    assert evening.status_code == 201, evening.get_json()
    assert roster(AT + 10 * H, 8, "夜班").status_code == 201  # Thursday 00:00-08:00, meeting the evening shift

    def conflicts(staff: str, starts: datetime, hours: float = 2) -> list[tuple[str, str]]:
        answer = client.post("/api/v1/diary", headers=desk, json=visit(place, starts, hours, staff_id=str(place[staff]),
                                                                       title=f"{staff} {starts.isoformat()}"))
        assert answer.status_code == 201, answer.get_json()
        return [(c["reason"], c.get("by")) for c in answer.get_json()["conflicts"]]

    assert conflicts("technician", AT + 3 * H) == []  # 17:00-19:00: on the evening shift, after the office closes
    assert conflicts("technician", AT + 7 * H, 4) == []  # 21:00-01:00: across the change of shift
    assert conflicts("technician", AT - 2 * H) == [("off_shift", "roster")]  # 12:00-14:00: office hours, not theirs
    assert conflicts("supervisor", AT + 3 * H) == [("off_shift", "calendar")]  # no roster: the estate's calendar
    assert conflicts("supervisor", AT) == []
    with pytest.raises(Conflict) as refused:
        use_cases.book(SERVICE.unit_of_work(sessionmaker(db)), Actor("desk", "service_desk_agent"), {
            "estate_id": place["estate"], "kind": "appointment", "title": "上门维修", "staff_id": place["technician"],
            "starts_at": AT - 4 * H, "ends_at": AT - 3 * H}, on_conflict="refuse")
    assert refused.value.errors["conflicts"][0]["by"] == "roster"
    listed = client.get("/api/v1/shifts/roster", headers=auth("technician", [place["estate"]]),
                        query_string={"staff_id": str(place["technician"]), "since": AT.isoformat()}).get_json()
    assert [s["label"] for s in listed["items"]] == ["中班", "夜班"]
    for shift in listed["items"]:
        assert client.delete(f"/api/v1/shifts/roster/{shift['id']}", headers=manager).status_code == 204
    assert conflicts("technician", AT + 12 * H) == [("off_shift", "calendar")]  # no roster left: the calendar again


def test_a_roster_never_overlaps_itself_and_bad_shifts_change_nothing(client, auth, db, place) -> None:
    from tickets.tables import duty_shifts

    manager = auth("estate_manager", [place["estate"]])
    shift = {"estate_id": str(place["estate"]), "staff_id": str(place["agent"]), "label": "早班",
             "starts_at": AT.isoformat(), "ends_at": (AT + 8 * H).isoformat()}
    assert client.post("/api/v1/shifts/roster", headers=manager, json=shift).status_code == 201
    later = {"starts_at": (AT + 7 * H).isoformat(), "ends_at": (AT + 9 * H).isoformat()}
    overlapping = client.post("/api/v1/shifts/roster", headers={**manager, "Accept-Language": "zh-CN"},
                              json={**shift, **later})
    assert overlapping.status_code == 409 and "已有排班" in overlapping.get_json()["detail"]
    for wrong in ({"ends_at": AT.isoformat()}, {"ends_at": (AT + 25 * H).isoformat()},
                  {"starts_at": "2026-12-02T14:00:00"}, {"staff_id": None}):
        answer = client.post("/api/v1/shifts/roster", headers=manager, json={**shift, **wrong})
        assert answer.status_code == 422, (wrong, answer.get_json())
    assert client.post("/api/v1/shifts/roster", headers=auth("service_desk_agent", [place["estate"]]),
                       json={**shift, "starts_at": (AT + 9 * H).isoformat(),
                             "ends_at": (AT + 10 * H).isoformat()}).status_code == 403
    assert count_rows(db, duty_shifts) == 1


def test_another_estates_roster_is_not_found(client, auth, place, other_place) -> None:
    theirs = client.post("/api/v1/shifts/roster", headers=auth("estate_manager", [other_place["estate"]]), json={
        "estate_id": str(other_place["estate"]), "staff_id": str(other_place["agent"]),
        "starts_at": AT.isoformat(), "ends_at": (AT + 8 * H).isoformat()}).get_json()
    ours = auth("estate_manager", [place["estate"]])
    assert client.delete(f"/api/v1/shifts/roster/{theirs['id']}", headers=ours).status_code == 404
    assert client.get(f"/api/v1/shifts/roster?staff_id={other_place['agent']}", headers=ours).status_code == 404
    assert client.get(f"/api/v1/shifts/roster?estate_id={other_place['estate']}", headers=ours).status_code == 404
    assert client.post("/api/v1/shifts/roster", headers=ours, json={
        "estate_id": str(place["estate"]), "staff_id": str(other_place["agent"]),
        "starts_at": AT.isoformat(), "ends_at": (AT + 8 * H).isoformat()}).status_code == 404
    assert client.get("/api/v1/shifts/roster", headers=ours).get_json()["items"] == []


def test_memos_and_team_entries_and_what_does_not_fit(client, auth, place, recorded) -> None:
    desk = auth("service_desk_agent", [place["estate"]])
    memo = client.post("/api/v1/diary", headers=desk, json={
        "estate_id": str(place["estate"]), "kind": "memo", "title": "明天停水通知", "team": "service_desk_agent"})
    assert memo.status_code == 201
    meeting = client.post("/api/v1/diary", headers=desk, json={**visit(place), "kind": "meeting", "title": "周例会",
                                                                "person_id": None, "unit_id": None})
    assert recorded(events.DIARY_BOOKED)[-1]["data"]["person_id"] is None  # nobody outside is told of a meeting
    team = client.get("/api/v1/diary?team=service_desk_agent", headers=desk).get_json()["items"]
    assert [e["id"] for e in team] == [memo.get_json()["id"]]
    mine = client.get("/api/v1/diary", query_string={"staff_id": str(place["technician"]), "since": AT.isoformat()},
                      headers=auth("technician", [place["estate"]])).get_json()["items"]
    assert [e["id"] for e in mine] == [meeting.get_json()["id"]]
    for wrong in ({"ends_at": AT.isoformat()}, {"ends_at": None}, {"staff_id": None},
                  {"kind": "memo", "title": "x"}, {"starts_at": "2026-12-02T14:00:00"}):
        answer = client.post("/api/v1/diary", headers=desk, json={**visit(place), **wrong})
        assert answer.status_code == 422, wrong


def test_a_tickets_visit_is_booked_with_its_dispatch(client, auth, place, waiting_ticket, recorded) -> None:
    desk = auth("service_desk_agent", [place["estate"]])
    answer = client.post("/api/v1/diary/visits", headers=desk, json={
        "ticket_id": str(waiting_ticket["id"]), "staff_id": str(place["technician"]),
        "starts_at": AT.isoformat(), "ends_at": (AT + 2 * H).isoformat()})
    assert answer.status_code == 201, answer.get_json()
    booked = answer.get_json()
    assert (booked["unit_id"], booked["person_id"]) == (str(place["unit"]), str(place["people"][0]))
    assert booked["title"] == "T261201000001 厨房水管漏水" and booked["ticket_id"] == str(waiting_ticket["id"])
    ticket = client.get(f"/api/v1/tickets/{waiting_ticket['id']}", headers=desk).get_json()
    assert (ticket["stage"], ticket["assignee_id"]) == ("dispatched", str(place["technician"]))
    [dispatched] = recorded(events.TICKET_DISPATCHED)
    [told] = recorded(events.DIARY_BOOKED)
    assert dispatched["data"]["ticket"]["assignee_id"] == told["data"]["assignee_id"] == str(place["technician"])
    assert (told["data"]["person_id"], told["data"]["starts_at"]) == (str(place["people"][0]), AT.isoformat())


def test_a_refused_visit_dispatches_nothing(db, place, waiting_ticket) -> None:
    sessions = sessionmaker(db)
    desk = Actor("desk", "service_desk_agent")

    def uow():  # noqa: ANN202
        return SERVICE.unit_of_work(sessions)

    use_cases.book(uow(), desk, {"estate_id": place["estate"], "kind": "meeting", "title": "周例会",
                                 "staff_id": place["technician"], "starts_at": AT, "ends_at": AT + H},
                   on_conflict="refuse")
    with pytest.raises(Conflict):
        use_cases.book_visit(uow, desk, {"ticket_id": waiting_ticket["id"], "staff_id": place["technician"],
                                         "starts_at": AT, "ends_at": AT + 2 * H}, on_conflict="refuse")
    with db.connect() as conn:
        from tickets.tables import tickets
        assert conn.execute(tickets.select().where(tickets.c.id == waiting_ticket["id"])).mappings().one()[
            "stage"] == "acknowledged"


def test_a_persons_diary_as_icalendar(client, auth, place) -> None:
    desk = auth("service_desk_agent", [place["estate"]])
    long_title = "上门维修：厨房水管漏水, 业主说晚上六点后在家; 请带扳手" * 2
    client.post("/api/v1/diary", headers=desk, json=visit(place, title=long_title[:200], notes="第一行\n第二行"))
    answer = client.get(f"/api/v1/diary/staff/{place['technician']}/calendar.ics",
                        headers=auth("technician", [place["estate"]]))
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    text = answer.get_data(as_text=True)
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "DTSTART:20261202T060000Z" in unfolded and "DTEND:20261202T080000Z" in unfolded
    assert "SUMMARY:上门维修：厨房水管漏水\\, 业主说晚上六点后在家\\; 请带扳手" in unfolded
    assert "DESCRIPTION:第一行\\n第二行" in unfolded


def test_another_estates_diary_is_not_found(client, auth, place, other_place, waiting_ticket) -> None:
    theirs = client.post("/api/v1/diary", headers=auth("service_desk_agent", [other_place["estate"]]),
                         json=visit(other_place)).get_json()
    ours = auth("service_desk_agent", [place["estate"]])
    for method, path, body in (
        ("get", f"/api/v1/diary/{theirs['id']}", None),
        ("post", f"/api/v1/diary/{theirs['id']}/state", {"state": "done"}),
        ("get", f"/api/v1/diary/staff/{other_place['technician']}/calendar.ics", None),
        ("get", f"/api/v1/diary?staff_id={other_place['technician']}", None),
        ("get", f"/api/v1/diary?estate_id={other_place['estate']}", None),
        ("post", "/api/v1/diary", visit(other_place)),
        ("post", "/api/v1/diary", visit(place, staff_id=str(other_place["technician"]))),
        ("post", "/api/v1/diary/visits", {"ticket_id": str(waiting_ticket["id"]), "staff_id": str(
            other_place["technician"]), "starts_at": AT.isoformat(), "ends_at": (AT + H).isoformat()}),
    ):
        answer = getattr(client, method)(path, headers=ours, json=body) if body else getattr(client, method)(
            path, headers=ours)
        assert answer.status_code == 404, (method, path)
    assert client.get("/api/v1/diary", headers=ours).get_json()["items"] == []


def test_what_the_diary_publishes_matches_its_schemas(client, auth, place, check_published) -> None:
    desk = auth("service_desk_agent", [place["estate"]])
    booked = client.post("/api/v1/diary", headers=desk, json=visit(place)).get_json()
    client.post(f"/api/v1/diary/{booked['id']}/state", headers=desk, json={"state": "cancelled"})
    check_published(events.DIARY_BOOKED, events.DIARY_CANCELLED)
