"""The complaint procedure (TKT-3, TKT-6, TKT-7) through the API: every step, its event and timeline,
409 on an illegal step, 404 across estates, who may take which step, and the stage report."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tickets.dispatch import candidates as dispatch


def step(client, headers, ticket, path, body=None):
    return client.post(f"/api/v1/tickets/{ticket['id']}/{path}", json=body or {}, headers=headers)


def test_the_whole_procedure_is_timestamped_and_announced(client, desk, place, opened, recorded) -> None:
    for path, body, stage in [
        ("acknowledge", {"note": "已致歉"}, "acknowledged"),
        ("dispatch", {"staff_id": place["technician"]}, "dispatched"),
        ("arrive", {}, "on_site"),
        ("resolve", {"resolution": "已与保安谈话"}, "resolved"),
        ("inform-owner", {"how": "phone"}, "owner_informed"),
        ("evaluate", {"score": 4, "comment": "满意"}, "evaluated"),
        ("archive", {}, "archived"),
    ]:
        answer = step(client, desk, opened, path, body)
        assert answer.status_code == 200, answer.json
        assert answer.json["stage"] == stage
    ticket = answer.json
    assert ticket["version"] == 8 and ticket["assignee_id"] == place["technician"]
    assert all(ticket[m] for m in ("acknowledged_at", "dispatched_at", "arrived_at", "resolved_at", "closed_at"))
    assert ticket["allowed_actions"] == ["reopen"]
    types = [e["type"].split(".")[2] for e in recorded()]
    assert types == ["opened", "acknowledged", "dispatched", "arrived", "resolved", "owner_informed", "evaluated",
                     "archived"]
    # Every complaint is reported to the supervisor at once (TKT-5): the escalation right after opening.
    reported = recorded(escalations=True)[1]["data"]
    assert reported["trigger"] == "complaint" and reported["staff"]["staff_id"] == place["supervisor"]
    dispatched = recorded()[2]["data"]
    assert dispatched["assignee_id"] == place["technician"] and dispatched["automatic"] is False
    assert [e["data"]["ticket"]["version"] for e in recorded()] == list(range(1, 9))
    timeline = client.get(f"/api/v1/tickets/{ticket['id']}/timeline", headers=desk).json
    # opened, the supervisor told (escalation), then the seven steps
    assert [s["action"] for s in timeline][:2] == ["opened", "escalation"]
    assert [s["stage_to"] for s in timeline][-1] == "archived" and timeline[2]["note"] == "已致歉"
    report = client.get(f"/api/v1/tickets/{ticket['id']}/report", headers=desk).json
    assert report["evaluation"] == {"score": 4, "comment": "满意", "channel": "desk"} and len(report["timeline"]) == 9
    assert report["ticket"]["contact_phone"] == "138****5678"


def test_an_illegal_step_is_a_409_naming_the_stage_and_changes_nothing(client, desk, opened, recorded) -> None:
    answer = step(client, desk, opened, "resolve")
    assert answer.status_code == 409
    assert answer.json["errors"]["stage"] == "received"
    assert answer.json["errors"]["allowed_actions"] == ["acknowledge", "merge", "cancel", "pause"]
    assert "received" in answer.json["detail"]
    again = client.get(f"/api/v1/tickets/{opened['id']}", headers=desk).json
    assert again["version"] == 1 and len(recorded()) == 1


def test_a_clerk_who_reads_chinese_is_refused_in_chinese(client, desk, opened) -> None:
    in_chinese = {**desk, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
    refused = step(client, in_chinese, opened, "resolve")
    assert refused.status_code == 409 and refused.headers["Content-Language"] == "zh-CN"
    assert refused.json["detail"] == "工单处于“已登记”阶段，不能执行此操作"
    assert refused.json["errors"]["stage"] == "received"  # the field errors stay codes, for programs
    missing = client.get(f"/api/v1/tickets/{uuid.uuid4()}", headers=in_chinese)
    assert (missing.status_code, missing.json["detail"]) == (404, "没有此工单")
    invalid = step(client, in_chinese, opened, "evaluate", {"score": 9})
    assert invalid.status_code == 422 and invalid.headers["Content-Language"] == "zh-CN"
    assert step(client, desk, opened, "resolve").headers["Content-Language"] == "en"


def test_explained_with_a_promise_then_escalated_and_back_to_work(client, desk, place, opened, recorded) -> None:
    step(client, desk, opened, "acknowledge")
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert step(client, desk, opened, "explain", {"explanation": "需更换水泵", "promised_by": past}).status_code == 422
    assert step(client, desk, opened, "explain", {"explanation": "x"}).status_code == 422
    promised = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    assert step(client, desk, opened, "explain", {"explanation": "需更换水泵", "promised_by": promised}).json[
        "stage"] == "explained"
    escalated = step(client, desk, opened, "escalate", {"reason": "需采购"}).json
    # Reported upwards: the escalation rules tell the supervisor, level 2 of the chain (tickets.sla.escalation).
    assert escalated["stage"] == "escalated" and escalated["escalation_level"] == 2
    told = recorded(escalations=True)[-1]["data"]
    assert (told["trigger"], told["level"], told["staff"]["role"]) == ("procedure", 2, "supervisor")
    resolved = step(client, desk, opened, "resolve").json
    assert resolved["promise_kept"] is True
    report = client.get(f"/api/v1/tickets/{opened['id']}/report", headers=desk).json
    assert report["promise"]["kept"] is True and report["promise"]["slipped"] is False
    assert recorded()[-1]["data"]["promise_kept"] is True


def test_automatic_dispatch_uses_the_dispatcher_and_says_so_when_nobody_covers(client, desk, place, opened,
                                                                              monkeypatch, recorded) -> None:
    step(client, desk, opened, "acknowledge")
    monkeypatch.setattr(dispatch, "choose_assignee", lambda conn, ticket, exclude=(): None)
    answer = step(client, desk, opened, "dispatch")
    assert answer.status_code == 409 and "staff_id" in answer.json["errors"]
    monkeypatch.setattr(dispatch, "choose_assignee", lambda conn, ticket, exclude=(): uuid.UUID(place["technician2"]))
    answer = step(client, desk, opened, "dispatch")
    assert answer.json["assignee_id"] == place["technician2"] and recorded()[-1]["data"]["automatic"] is True
    moved = step(client, desk, opened, "reassign", {"reason": "请假", "staff_id": place["technician"]}).json
    assert moved["assignee_id"] == place["technician"]
    data = recorded()[-1]["data"]
    assert (data["from_assignee_id"], data["to_assignee_id"], data["reason"]) == (
        place["technician2"], place["technician"], "请假")
    assert step(client, desk, opened, "reassign", {"reason": "x", "staff_id": place["technician"]}).status_code == 422
    assert step(client, desk, opened, "reassign", {"reason": "x", "staff_id": place["person"]}).status_code == 422


def test_a_technician_marks_only_their_own_tickets(client, auth, desk, place, opened) -> None:
    step(client, desk, opened, "acknowledge")
    step(client, desk, opened, "dispatch", {"staff_id": place["technician"]})
    other = auth("technician", [place["estate"]], subject=place["technician2"])
    assert step(client, other, opened, "arrive").status_code == 403
    own = auth("technician", [place["estate"]], subject=place["technician"])
    assert step(client, own, opened, "arrive").json["stage"] == "on_site"
    assert step(client, own, opened, "cancel", {"reason": "x"}).status_code == 403
    assert step(client, own, opened, "resolve").json["stage"] == "resolved"
    # An owner sees only their own and their units' tickets: another's is not there for them (issue 18).
    assert client.get(f"/api/v1/tickets/{opened['id']}", headers=auth("owner", [place["estate"]])).status_code == 404


def test_another_estates_ticket_is_404_in_every_read_and_step(client, auth, desk, other_place, opened,
                                                              recorded) -> None:
    outsider = auth("estate_manager", [other_place["estate"]])
    for path in ("", "/timeline", "/report"):
        assert client.get(f"/api/v1/tickets/{opened['id']}{path}", headers=outsider).status_code == 404
    for path, body in [("acknowledge", {}), ("cancel", {"reason": "x"}), ("pause", {"reason": "x"})]:
        assert step(client, outsider, opened, path, body).status_code == 404
    assert client.get("/api/v1/tickets", headers=outsider).json["items"] == []
    assert [t["id"] for t in client.get("/api/v1/tickets?status=open", headers=desk).json["items"]] == [opened["id"]]
    theirs = client.post("/api/v1/tickets", json={
        "estate_id": other_place["estate"], "unit_id": other_place["unit"], "kind": "inquiry", "title": "停车"},
        headers=outsider).json
    assert step(client, desk, opened, "merge", {"into_ticket_id": theirs["id"]}).status_code == 404
    assert client.get(f"/api/v1/tickets/{opened['id']}", headers=desk).json["version"] == 1


def test_reopen_merge_cancel_pause_and_resume(client, desk, place, complaint, opened, recorded) -> None:
    other = client.post("/api/v1/tickets", json=complaint(unit_id=place["unit2"]), headers=desk).json
    paused = step(client, desk, opened, "pause", {"reason": "业主不在家"}).json
    assert paused["waiting_on_owner"] is True and paused["allowed_actions"] == ["merge", "cancel", "resume"]
    assert step(client, desk, opened, "acknowledge").status_code == 409
    assert step(client, desk, opened, "resume").json["waiting_on_owner"] is False
    assert step(client, desk, opened, "merge", {"into_ticket_id": opened["id"]}).status_code == 422
    merged = step(client, desk, opened, "merge", {"into_ticket_id": other["id"]}).json
    assert merged["stage"] == "merged" and merged["merged_into_id"] == other["id"] and merged["closed_at"]
    assert step(client, desk, opened, "reopen", {"reason": "x"}).status_code == 409
    steps = client.get(f"/api/v1/tickets/{other['id']}/timeline", headers=desk).json
    assert steps[-1]["action"] == "duplicate_merged"
    assert step(client, desk, other, "cancel", {}).status_code == 422
    cancelled = step(client, desk, other, "cancel", {"reason": "业主撤回"}).json
    assert cancelled["stage"] == "cancelled" and cancelled["cancel_reason"] == "业主撤回"
    inquiry = client.post("/api/v1/tickets", json={
        "estate_id": place["estate"], "unit_id": place["unit"], "kind": "inquiry", "title": "物业费怎么交"},
        headers=desk).json
    assert step(client, desk, inquiry, "resolve").json["stage"] == "resolved"
    assert step(client, desk, inquiry, "reopen", {"reason": "x", "to": "dispatched"}).status_code == 422
    reopened = step(client, desk, inquiry, "reopen", {"reason": "没听懂"}).json
    assert reopened["stage"] == "acknowledged" and reopened["reopen_count"] == 1
    assert recorded()[-1]["data"]["reopen_count"] == 1


def test_deadlines_show_in_the_stage_report(client, db, desk, opened) -> None:
    # A complaint's default targets (tickets.sla.policies): acknowledge 1 min, on site 3 min, resolve 1 day.
    targets = client.get(f"/api/v1/tickets/{opened['id']}/report", headers=desk).json["targets"]
    left = {t["target"]: t["seconds_left"] for t in targets}
    assert set(left) == {"acknowledge", "arrive", "resolve"}
    assert 0 < left["acknowledge"] <= 60 and 60 < left["arrive"] <= 180 and 180 < left["resolve"] <= 86400
    assert not any(t["warned"] or t["breached"] for t in targets)


def test_the_list_filters_and_pages(client, desk, place, complaint, opened) -> None:
    repair = client.post("/api/v1/tickets", json={
        "estate_id": place["estate"], "unit_id": place["unit2"], "kind": "repair", "category": "plumbing",
        "priority": "high", "title": "漏水"}, headers=desk).json
    step(client, desk, repair, "acknowledge")
    step(client, desk, repair, "dispatch", {"staff_id": place["technician"]})

    def listed(query: str) -> list[str]:
        answer = client.get(f"/api/v1/tickets?{query}", headers=desk)
        assert answer.status_code == 200, answer.json
        return [t["id"] for t in answer.json["items"]]

    assert listed("kind=repair") == [repair["id"]]
    assert listed("complaint_class=management") == [opened["id"]]
    assert listed("priority=high") == [repair["id"]]
    assert listed("stage=received") == [opened["id"]]
    assert listed(f"assignee_id={place['technician']}") == [repair["id"]]
    assert listed(f"unit_id={place['unit']}") == [opened["id"]]
    assert listed(f"estate_id={place['estate']}&status=closed") == []
    assert listed("page_size=1") == [repair["id"]] and listed("page_size=1&page=2") == [opened["id"]]
    assert client.get("/api/v1/tickets?stage=lost", headers=desk).status_code == 422


def test_the_queue_filters_by_several_stages_and_a_building_with_each_deadline(client, desk, place, complaint,
                                                                             opened) -> None:
    repair = client.post("/api/v1/tickets", json={
        "estate_id": place["estate"], "unit_id": place["unit2"], "kind": "repair", "category": "plumbing",
        "title": "漏水"}, headers=desk).json
    step(client, desk, repair, "acknowledge")

    def listed(query: str) -> list[str]:
        answer = client.get(f"/api/v1/tickets?{query}", headers=desk)
        assert answer.status_code == 200, answer.json
        return [t["id"] for t in answer.json["items"]]

    assert listed("stage=received&stage=acknowledged") == [repair["id"], opened["id"]]
    assert listed("stage=acknowledged&stage=dispatched") == [repair["id"]]
    assert listed(f"building_id={place['building']}") == [repair["id"], opened["id"]]
    assert listed(f"building_id={uuid.uuid4()}") == []
    [item] = client.get(f"/api/v1/tickets?unit_id={place['unit']}", headers=desk).json["items"]
    assert item["unit_number"] == "1-101"
    targets = {t["target"]: t for t in item["sla"]["targets"]}
    assert set(targets) == {"acknowledge", "arrive", "resolve"}
    assert all(t["state"] == "running" and t["due_at"] and t["warn_at"] for t in targets.values())
    assert item["sla"]["next_target"] == "acknowledge"
    assert item["sla"]["next_due_at"] == targets["acknowledge"]["due_at"]


def test_the_queue_lists_the_most_urgent_first_across_pages(client, desk, place, opened) -> None:
    """order=due: the running target due first leads (the complaint, to be acknowledged within minutes,
    before a later repair already acknowledged), tickets with no running target last; on every page,
    not only within one."""
    repair = client.post("/api/v1/tickets", json={
        "estate_id": place["estate"], "unit_id": place["unit2"], "kind": "repair", "category": "plumbing",
        "title": "漏水"}, headers=desk).json
    step(client, desk, repair, "acknowledge")
    settled = client.post("/api/v1/tickets", json={
        "estate_id": place["estate"], "unit_id": place["unit2"], "kind": "inquiry", "title": "停车费标准"},
        headers=desk).json
    assert step(client, desk, settled, "cancel", {"reason": "业主已自行查询"}).status_code == 200

    def listed(query: str) -> list[str]:
        answer = client.get(f"/api/v1/tickets?{query}", headers=desk)
        assert answer.status_code == 200, answer.json
        return [t["id"] for t in answer.json["items"]]

    assert listed("") == [settled["id"], repair["id"], opened["id"]]  # latest first, as before
    assert listed("order=due") == [opened["id"], repair["id"], settled["id"]]
    assert [listed(f"order=due&page_size=1&page={n}") for n in (1, 2, 3)] == [[opened["id"]], [repair["id"]],
                                                                              [settled["id"]]]
    refused = client.get("/api/v1/tickets?order=soonest", headers=desk)
    assert refused.status_code == 422 and "order" in refused.json["errors"]["query"]


def test_a_technician_lists_only_the_tickets_assigned_to_them(client, auth, desk, place, opened) -> None:
    repair = client.post("/api/v1/tickets", json={
        "estate_id": place["estate"], "unit_id": place["unit2"], "kind": "repair", "category": "plumbing",
        "title": "漏水"}, headers=desk).json
    step(client, desk, repair, "acknowledge")
    step(client, desk, repair, "dispatch", {"staff_id": place["technician"]})
    technician = auth("technician", [place["estate"]], subject=place["technician"])
    mine = client.get("/api/v1/tickets", headers=technician)
    assert mine.status_code == 200 and [t["id"] for t in mine.json["items"]] == [repair["id"]]
    assert client.get(f"/api/v1/tickets?assignee_id={place['supervisor']}", headers=technician).json["items"] == []
    colleague = auth("technician", [place["estate"]], subject=str(uuid.uuid4()))
    assert client.get("/api/v1/tickets", headers=colleague).json["items"] == []
    nobody = auth("technician", [place["estate"]], subject="not-a-staff-member")
    assert client.get("/api/v1/tickets", headers=nobody).json["items"] == []
    assert {t["id"] for t in client.get("/api/v1/tickets", headers=desk).json["items"]} == {repair["id"], opened["id"]}
