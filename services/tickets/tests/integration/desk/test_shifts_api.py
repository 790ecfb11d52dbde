"""Shifts at the front desk (TKT-13): the outgoing staff member writes the handover with their open
tickets and callbacks and notes; the incoming one signs and owns them (a ticket another took, or a
closed callback, stays, and the handover says why); only the incoming one signs, once; an unsigned
handover is escalated exactly once, by replicas too; the duty logbook; another estate's 404."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from tickets import events
from tickets.tables import callbacks, handovers, tickets

NOW = datetime.now(UTC)


def add_work(db, place: dict[str, Any], waiting_ticket: dict[str, Any]) -> dict[str, Any]:
    """The agent's work at the end of a shift: the waiting ticket (dispatched to them), a ticket
    already closed, an open callback and a done one."""
    with db.begin() as conn:
        conn.execute(update(tickets).where(tickets.c.id == waiting_ticket["id"])
                     .values(stage="dispatched", assignee_id=place["agent"]))
        closed = {**waiting_ticket, "id": uuid.uuid4(), "number": "T261201000009", "stage": "archived",
                  "assignee_id": place["agent"], "closed_at": NOW}
        conn.execute(insert(tickets).values(closed))
        ids = [uuid.uuid4(), uuid.uuid4()]
        conn.execute(insert(callbacks), [
            {"id": ids[0], "estate_id": place["estate"], "number": "13812345678", "assignee_id": place["agent"],
             "state": "open", "due_at": NOW + timedelta(hours=1), "warn_at": NOW + timedelta(minutes=50),
             "reason": "业主来电未接通", "created_by": "test", "created_at": NOW, "updated_at": NOW},
            {"id": ids[1], "estate_id": place["estate"], "number": "13812345678", "assignee_id": place["agent"],
             "state": "done", "due_at": NOW, "warn_at": NOW, "reason": "", "created_by": "test", "created_at": NOW,
             "updated_at": NOW}])
    return {"ticket": str(waiting_ticket["id"]), "callback": str(ids[0])}


def write(client, auth, place, **changes: Any) -> dict[str, Any]:
    answer = client.post("/api/v1/shifts/handovers", headers=auth("service_desk_agent", [place["estate"]]), json={
        "estate_id": str(place["estate"]), "desk": "客服中心前台", "outgoing_staff_id": str(place["agent"]),
        "incoming_staff_id": str(place["supervisor"]), "note": "夜班交接",
        "notes": ["3号楼访客王先生仍在楼内", "2号电梯停用待修"], **changes})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_signing_moves_the_open_items_to_the_incoming_staff(client, auth, db, place, waiting_ticket,
                                                            recorded) -> None:
    work = add_work(db, place, waiting_ticket)
    handover = write(client, auth, place)
    assert [(i["kind"], i.get("id") or i.get("text")) for i in handover["items"]] == [
        ("ticket", work["ticket"]), ("callback", work["callback"]),
        ("note", "3号楼访客王先生仍在楼内"), ("note", "2号电梯停用待修")]
    desk = auth("service_desk_agent", [place["estate"]])
    wrong = client.post(f"/api/v1/shifts/handovers/{handover['id']}/sign", headers=desk,
                        json={"staff_id": str(place["technician"])})
    assert wrong.status_code == 422
    signed = client.post(f"/api/v1/shifts/handovers/{handover['id']}/sign", headers=desk,
                         json={"staff_id": str(place["supervisor"])})
    assert signed.status_code == 200, signed.get_json()
    assert signed.get_json()["state"] == "signed"
    assert sorted((m["kind"], m["moved"]) for m in signed.get_json()["moved"]) == [("callback", True), ("ticket", True)]
    with db.connect() as conn:
        assert conn.execute(select(tickets.c.assignee_id).where(tickets.c.id == waiting_ticket["id"])).scalar() \
            == place["supervisor"]
        assert conn.execute(select(callbacks.c.assignee_id).where(callbacks.c.id == uuid.UUID(work["callback"]))
                            ).scalar() == place["supervisor"]
    assert recorded(events.TICKET_REASSIGNED)[0]["data"]["reason"] == "shift handover 交接班"
    assert recorded(events.HANDOVER_SIGNED)[0]["data"]["handover"]["handover_id"] == handover["id"]
    again = client.post(f"/api/v1/shifts/handovers/{handover['id']}/sign", headers=desk,
                        json={"staff_id": str(place["supervisor"])})
    assert again.status_code == 409


def test_visitors_still_in_are_open_items_of_the_handover(client, auth, place, other_place) -> None:
    came = datetime(2026, 12, 1, 12, 30, tzinfo=UTC)
    visitor_id = uuid.uuid4()
    handover = write(client, auth, place, notes=[], visitors=[
        {"name": "王先生", "unit_id": str(place["unit"]), "since": came.isoformat(), "visitor_id": str(visitor_id),
         "note": "装修监理"}, {"name": "快递员"}])
    assert [i for i in handover["items"] if i["kind"] == "visitor"] == [
        {"kind": "visitor", "name": "王先生", "unit_id": str(place["unit"]), "since": came.isoformat(),
         "visitor_id": str(visitor_id), "note": "装修监理"},
        {"kind": "visitor", "name": "快递员", "unit_id": None, "since": None, "visitor_id": None, "note": ""}]
    theirs = client.post("/api/v1/shifts/handovers", headers=auth("service_desk_agent", [place["estate"]]), json={
        "estate_id": str(place["estate"]), "outgoing_staff_id": str(place["agent"]),
        "incoming_staff_id": str(place["supervisor"]),
        "visitors": [{"name": "x", "unit_id": str(other_place["unit"])}]})
    assert theirs.status_code == 404
    nameless = client.post("/api/v1/shifts/handovers", headers=auth("service_desk_agent", [place["estate"]]), json={
        "estate_id": str(place["estate"]), "outgoing_staff_id": str(place["agent"]),
        "incoming_staff_id": str(place["supervisor"]), "visitors": [{"name": ""}]})
    assert nameless.status_code == 422


def test_an_item_someone_else_took_meanwhile_stays(client, auth, db, place, waiting_ticket) -> None:
    work = add_work(db, place, waiting_ticket)
    handover = write(client, auth, place)
    with db.begin() as conn:
        conn.execute(update(tickets).where(tickets.c.id == waiting_ticket["id"])
                     .values(assignee_id=place["technician"]))
        conn.execute(update(callbacks).where(callbacks.c.id == uuid.UUID(work["callback"])).values(state="done"))
    signed = client.post(f"/api/v1/shifts/handovers/{handover['id']}/sign",
                         headers=auth("service_desk_agent", [place["estate"]]),
                         json={"staff_id": str(place["supervisor"])}).get_json()
    assert {(m["kind"], m["moved"], m["why"]) for m in signed["moved"]} == {
        ("ticket", False, "closed or taken"), ("callback", False, "closed or taken")}


def test_an_unsigned_handover_is_escalated_once(client, auth, place, recorded, sweep_at, check_published) -> None:
    handover = write(client, auth, place, incoming_staff_id=str(place["technician"]))
    sign_by = datetime.fromisoformat(handover["sign_by"])
    assert sign_by - datetime.fromisoformat(handover["written_at"]) == timedelta(minutes=30)
    assert sweep_at(sign_by - timedelta(minutes=1)).handovers_escalated == 0
    assert sweep_at(sign_by + timedelta(minutes=1)).handovers_escalated == 1
    assert sweep_at(sign_by + timedelta(minutes=60)).handovers_escalated == 0
    told = recorded(events.HANDOVER_UNSIGNED)
    assert [(e["data"]["staff"]["staff_id"], e["data"]["staff"]["role"]) for e in told] == [
        (str(place["supervisor"]), "supervisor"), (str(place["technician"]), "incoming"),
        (str(place["agent"]), "outgoing")]
    for escalated in told:
        assert escalated["data"]["handover"]["handover_id"] == handover["id"]
        assert escalated["data"]["outgoing"] == {"staff_id": str(place["agent"]), "name": "agent 王"}
        assert escalated["data"]["incoming"] == {"staff_id": str(place["technician"]), "name": "technician 王"}
        assert escalated["data"]["trigger_at"] == handover["sign_by"]
    check_published(events.HANDOVER_UNSIGNED)


def test_a_supervisor_taking_over_is_told_once_as_supervisor(client, auth, place, recorded, sweep_at) -> None:
    handover = write(client, auth, place)
    sweep_at(datetime.fromisoformat(handover["sign_by"]) + timedelta(minutes=1))
    assert [(e["data"]["staff"]["staff_id"], e["data"]["staff"]["role"]) for e in recorded(events.HANDOVER_UNSIGNED)
            ] == [(str(place["supervisor"]), "supervisor"), (str(place["agent"]), "outgoing")]


def test_with_no_supervisor_up_the_chain_the_escalation_says_so(client, auth, db, place, recorded, sweep_at) -> None:
    from tickets.tables import staff

    with db.begin() as conn:
        conn.execute(update(staff).where(staff.c.id == place["supervisor"]).values(active=False))
    handover = write(client, auth, place, incoming_staff_id=str(place["technician"]))
    sweep_at(datetime.fromisoformat(handover["sign_by"]) + timedelta(minutes=1))
    [past_the_top, *the_pair] = recorded(events.HANDOVER_UNSIGNED)
    assert past_the_top["data"]["staff"] is None
    assert past_the_top["data"]["fallback"]["reached"] == "operator_admins"
    assert [(e["data"]["staff"]["role"], e["data"]["fallback"]) for e in the_pair] == [("incoming", None),
                                                                                      ("outgoing", None)]


def test_a_signed_handover_is_never_escalated(client, auth, place, sweep_at) -> None:
    handover = write(client, auth, place)
    client.post(f"/api/v1/shifts/handovers/{handover['id']}/sign",
                headers=auth("service_desk_agent", [place["estate"]]), json={"staff_id": str(place["supervisor"])})
    assert sweep_at(datetime.fromisoformat(handover["sign_by"]) + timedelta(hours=2)).handovers_escalated == 0


@pytest.mark.postgres_only
def test_replicas_escalate_each_unsigned_handover_once(db, place, sweep_at, recorded) -> None:
    rows = [{"id": uuid.uuid4(), "estate_id": place["estate"], "outgoing_staff_id": place["agent"],
             "incoming_staff_id": place["technician"], "items": [], "state": "written", "written_at": NOW,
             "sign_by": NOW + timedelta(seconds=n)} for n in range(120)]
    with db.begin() as conn:
        conn.execute(insert(handovers), rows)
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(pool.map(lambda _: sweep_at(NOW + timedelta(hours=1), batch=5).handovers_escalated, range(4)))
    assert sum(done) == 120
    told = [e["data"]["handover"]["handover_id"] for e in recorded(events.HANDOVER_UNSIGNED)
            if e["data"]["staff"]["role"] == "supervisor"]
    assert sorted(told) == sorted(str(r["id"]) for r in rows)
    assert len(recorded(events.HANDOVER_UNSIGNED)) == 3 * 120  # the supervisor, the incoming and the outgoing


def test_the_duty_logbook(client, auth, place) -> None:
    guard = auth("technician", [place["estate"]])
    written = client.post("/api/v1/shifts/logbook", headers=guard, json={
        "estate_id": str(place["estate"]), "staff_id": str(place["technician"]), "category": "facility",
        "text": "凌晨2点地下车库积水，已通知值班电工"})
    assert written.status_code == 201 and written.get_json()["created_by"] == "test-technician"
    found = client.get("/api/v1/shifts/logbook?category=facility", headers=guard).get_json()["items"]
    assert [e["text"] for e in found] == ["凌晨2点地下车库积水，已通知值班电工"]


def test_another_estates_shifts_are_not_found(client, auth, place, other_place) -> None:
    theirs = write(client, auth, other_place)
    ours = auth("service_desk_agent", [place["estate"]])
    for method, path, body in (
        ("get", f"/api/v1/shifts/handovers/{theirs['id']}", None),
        ("post", f"/api/v1/shifts/handovers/{theirs['id']}/sign", {"staff_id": str(other_place["supervisor"])}),
        ("get", f"/api/v1/shifts/handovers?estate_id={other_place['estate']}", None),
        ("get", f"/api/v1/shifts/logbook?staff_id={other_place['technician']}", None),
        ("post", "/api/v1/shifts/handovers", {"estate_id": str(place["estate"]), "outgoing_staff_id": str(
            place["agent"]), "incoming_staff_id": str(other_place["supervisor"])}),
        ("post", "/api/v1/shifts/logbook", {"estate_id": str(place["estate"]), "staff_id": str(
            other_place["technician"]), "category": "other", "text": "x"}),
    ):
        answer = getattr(client, method)(path, headers=ours, json=body) if body else getattr(client, method)(
            path, headers=ours)
        assert answer.status_code == 404, (method, path, answer.get_json())
    assert client.get("/api/v1/shifts/handovers", headers=ours).get_json()["items"] == []


def test_what_the_shifts_publish_matches_their_schemas(client, auth, place, sweep_at, check_published) -> None:
    late = write(client, auth, place)
    sweep_at(datetime.fromisoformat(late["sign_by"]) + timedelta(minutes=1))
    client.post(f"/api/v1/shifts/handovers/{late['id']}/sign", headers=auth("service_desk_agent", [place["estate"]]),
                json={"staff_id": str(place["supervisor"])})
    check_published(events.HANDOVER_WRITTEN, events.HANDOVER_SIGNED, events.HANDOVER_UNSIGNED)
