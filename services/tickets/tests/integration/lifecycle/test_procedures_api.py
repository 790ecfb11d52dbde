"""Standard procedures as checklists through the API (TKT-15): the renovation approval from
application to completion, each step decided by its role (or a manager) with who and when, a
refusal with its reason ending it, every decision announced for the applicant, an estate's own
procedure replacing the built-in one, and 404 across estates."""

from __future__ import annotations

import pytest

from tickets.events import APPLICATION_DECIDED, APPLICATION_OPENED, APPLICATION_WITHDRAWN

URL = "/api/v1/procedures/applications"
RENOVATION = ["application", "documents", "deposit", "inspection", "approval", "completion"]


@pytest.fixture
def manager(auth, place):
    return auth("estate_manager", [place["estate"]], subject="manager-1")


@pytest.fixture
def technician(auth, place):
    return auth("technician", [place["estate"]], subject=place["technician"])


@pytest.fixture
def applied(client, desk, place):
    answer = client.post(URL, headers=desk, json={
        "estate_id": place["estate"], "procedure": "renovation_approval", "unit_id": place["unit"],
        "person_id": place["person"], "title": "1-101 厨房卫生间改造", "note": "施工单位：安居装饰"})
    assert answer.status_code == 201, answer.json
    return answer.json


def decide(client, headers, application, position, decision="approve", **body):
    return client.post(f"{URL}/{application['id']}/steps/{position}/decision", headers=headers,
                       json={"decision": decision, **body})


def test_a_renovation_approval_from_application_to_completion(client, desk, manager, technician, applied,
                                                              recorded) -> None:
    assert [s["key"] for s in applied["steps"]] == RENOVATION
    assert [s["state"] for s in applied["steps"]] == ["open"] + ["waiting"] * 5
    assert applied["steps"][0]["due_at"] and applied["number"].startswith("P")
    deciders = [desk, manager, desk, technician, manager, technician]
    plans = [{"name": "装修图纸", "url": "https://files.example.com/plans.pdf"},
             {"name": "施工单位资质", "url": "https://files.example.com/licence.pdf"}]
    collected = {2: {"documents": plans}, 3: {"deposit": "2000.00"}}
    for position, headers in enumerate(deciders, start=1):
        if position in collected:  # the documents step without its documents, the deposit step without
            for wrong in ({}, {"deposit": "2000.00"} if position == 2 else {"documents": plans}):
                refused = decide(client, headers, applied, position, **wrong)
                assert refused.status_code == 422 and refused.json["errors"], (position, wrong, refused.json)
        if position == 3:  # a deposit is exact: a third decimal is refused, not rounded
            assert decide(client, headers, applied, 3, deposit="2000.005").status_code == 422
        answer = decide(client, headers, applied, position, note=f"第{position}步", **collected.get(position, {}))
        assert answer.status_code == 200, answer.json
    done = answer.json
    assert (done["steps"][1]["documents"], done["steps"][2]["deposit"]) == (plans, "2000.00")
    assert done["steps"][0]["documents"] is None and done["steps"][0]["deposit"] is None
    assert (done["state"], done["current_step"], done["version"]) == ("completed", None, 7) and done["closed_at"]
    assert [(s["state"], s["decided_role"]) for s in done["steps"]] == [
        ("approved", "service_desk_agent"), ("approved", "estate_manager"), ("approved", "service_desk_agent"),
        ("approved", "technician"), ("approved", "estate_manager"), ("approved", "technician")]
    assert all(s["decided_at"] and s["decided_by"] for s in done["steps"])
    announced = [e for e in recorded() if e["type"] in (APPLICATION_OPENED, APPLICATION_DECIDED)]
    assert [e["type"] for e in announced] == [APPLICATION_OPENED] + [APPLICATION_DECIDED] * 6
    decided = [e["data"] for e in announced[1:]]
    assert [d["step"]["key"] for d in decided] == RENOVATION and {d["decision"] for d in decided} == {"approved"}
    assert decided[-1]["application"]["state"] == "completed"
    assert {d["application"]["person_id"] for d in decided} == {applied["person_id"]}


def test_each_step_by_its_role_in_its_turn_and_a_refusal_with_its_reason(client, desk, manager, technician,
                                                                        applied, recorded) -> None:
    assert decide(client, technician, applied, 1).status_code == 403  # the desk's step
    assert decide(client, desk, applied, 2).status_code == 409  # not open yet
    decide(client, desk, applied, 1)
    assert decide(client, desk, applied, 2).status_code == 403  # documents: a manager's
    assert decide(client, manager, applied, 2, "refuse").status_code == 422  # a refusal says why
    refused = decide(client, manager, applied, 2, "refuse", reason="缺少施工单位资质证明")
    assert refused.status_code == 200
    ended = refused.json
    assert (ended["state"], ended["current_step"]) == ("refused", None)
    assert (ended["steps"][1]["state"], ended["steps"][1]["reason"]) == ("refused", "缺少施工单位资质证明")
    assert [s["state"] for s in ended["steps"][2:]] == ["waiting"] * 4
    assert decide(client, manager, applied, 3).status_code == 409
    last = [e["data"] for e in recorded() if e["type"] == APPLICATION_DECIDED][-1]
    assert (last["decision"], last["reason"], last["step"]["name_zh"]) == (
        "refused", "缺少施工单位资质证明", "资料审核（图纸、施工单位资质）")
    listed = client.get(URL, headers=desk, query_string={"state": "refused"}).json
    assert [a["id"] for a in listed] == [applied["id"]]


def test_an_estates_own_procedure_replaces_the_built_in_one(client, auth, desk, manager, place) -> None:
    templates = client.get("/api/v1/procedures/templates", headers=desk).json
    assert {"renovation_approval", "phone_answering", "equipment_operation"} <= {t["code"] for t in templates}
    own = client.post("/api/v1/procedures/templates", headers=manager, json={
        "estate_id": place["estate"], "code": "renovation_approval", "name_zh": "简易装修审批",
        "name_en": "Simple renovation approval", "steps": [
            {"key": "application", "name_zh": "申请", "name_en": "Application", "approver_role": "service_desk_agent",
             "due_hours": 24},
            {"key": "approval", "name_zh": "审批", "name_en": "Approval", "approver_role": "estate_manager",
             "due_hours": 48}]})
    assert own.status_code == 201, own.json
    in_force = client.get("/api/v1/procedures/templates", headers=desk, query_string={"estate_id": place["estate"]})
    renovation = next(t for t in in_force.json if t["code"] == "renovation_approval")
    assert (renovation["name_zh"], renovation["built_in"]) == ("简易装修审批", False)
    opened = client.post(URL, headers=desk, json={"estate_id": place["estate"], "procedure": "renovation_approval",
                                                  "title": "刷墙"}).json
    assert [s["key"] for s in opened["steps"]] == ["application", "approval"]
    bad = client.post("/api/v1/procedures/templates", headers=manager, json={
        "estate_id": place["estate"], "code": "x", "name_zh": "x", "name_en": "x", "steps": [
            {"key": "a", "name_zh": "a", "name_en": "a", "approver_role": "service_desk_agent", "due_hours": 1},
            {"key": "a", "name_zh": "b", "name_en": "b", "approver_role": "service_desk_agent", "due_hours": 1}]})
    assert bad.status_code == 422
    unknown = client.post(URL, headers=desk, json={"estate_id": place["estate"], "procedure": "nothing", "title": "x"})
    assert unknown.status_code == 404


def test_another_estates_application_is_404(client, auth, applied, other_place, place) -> None:
    outsider = auth("estate_manager", [other_place["estate"]])
    assert client.get(f"{URL}/{applied['id']}", headers=outsider).status_code == 404
    assert decide(client, outsider, applied, 1).status_code == 404
    assert client.post(f"{URL}/{applied['id']}/withdraw", headers=outsider, json={"reason": "x"}).status_code == 404
    assert client.get(URL, headers=outsider).json == []
    assert client.post(URL, headers=outsider, json={"estate_id": place["estate"], "procedure": "renovation_approval",
                                                    "title": "x"}).status_code == 404
    theirs = client.post(URL, headers=outsider, json={"estate_id": other_place["estate"],
                                                      "procedure": "renovation_approval", "title": "x",
                                                      "person_id": place["person"]})
    assert theirs.status_code == 422 and "person_id" in theirs.json["errors"]


def test_withdrawn_by_the_applicant_or_the_desk_with_a_reason(client, auth, desk, manager, place, applied,
                                                              recorded) -> None:
    withdraw = f"{URL}/{applied['id']}/withdraw"
    applicant = auth("owner", [place["estate"]], subject=place["person"])
    neighbour = auth("owner", [place["estate"]], subject=place["person2"])
    assert client.post(withdraw, headers=neighbour, json={"reason": "不装了"}).status_code == 404
    assert client.post(withdraw, headers=applicant, json={}).status_code == 422  # a withdrawal says why
    assert client.post(withdraw, headers=auth("technician", [place["estate"]]),
                       json={"reason": "x"}).status_code == 403
    answer = client.post(withdraw, headers=applicant, json={"reason": "业主决定暂缓装修"})
    assert answer.status_code == 200, answer.json
    ended = answer.json
    assert (ended["state"], ended["current_step"], ended["withdrawn_by"], ended["withdrawn_reason"]) == (
        "withdrawn", None, place["person"], "业主决定暂缓装修") and ended["closed_at"]
    assert [s["state"] for s in ended["steps"]] == ["skipped"] + ["waiting"] * 5
    assert client.post(withdraw, headers=desk, json={"reason": "again"}).status_code == 409
    assert decide(client, desk, applied, 1).status_code == 409
    event = [e["data"] for e in recorded() if e["type"] == APPLICATION_WITHDRAWN][-1]
    assert (event["reason"], event["withdrawn_role"], event["application"]["state"]) == (
        "业主决定暂缓装修", "owner", "withdrawn")
    by_desk = client.post(URL, headers=desk, json={"estate_id": place["estate"], "procedure": "renovation_approval",
                                                   "title": "重复登记"}).json
    gone = client.post(f"{URL}/{by_desk['id']}/withdraw", headers=desk, json={"reason": "重复登记"})
    assert (gone.status_code, gone.json["state"]) == (200, "withdrawn")
