"""A complaint's outcome through the API (TKT-14): recorded by the desk, checked against the class,
reviewed by a manager once resolved, the media flag escalating to the first responsible person and
keeping the reply to managers, its events and timeline steps, and 404 across estates."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import insert, select

from tickets.events import COMPLAINT_OUTCOME_RECORDED, COMPLAINT_REVIEWED, TICKET_ESCALATED
from tickets.tables import complaint_outcomes, departments, staff


@pytest.fixture
def manager(auth, place):
    return auth("estate_manager", [place["estate"]])


def outcome_url(ticket):
    return f"/api/v1/tickets/{ticket['id']}/outcome"


def resolve(client, headers, ticket, staff_id):
    for path, body in (("acknowledge", {}), ("dispatch", {"staff_id": staff_id}), ("arrive", {}), ("resolve", {})):
        answer = client.post(f"/api/v1/tickets/{ticket['id']}/{path}", json=body, headers=headers)
        assert answer.status_code == 200, answer.json


def test_recorded_field_by_field_with_its_event_and_timeline(client, desk, opened, recorded) -> None:
    before = client.get(outcome_url(opened), headers=desk).json
    assert (before["recorded"], before["version"], before["subtype"]) == (False, 0, "attitude")
    answer = client.patch(outcome_url(opened), headers=desk, json={
        "root_cause": "staff_attitude", "root_cause_note": "保安未经培训", "responsible_department": "安保部",
        "commitment": "三日内对保安进行服务培训并上门致歉"})
    assert answer.status_code == 200, answer.json
    outcome = answer.json
    assert (outcome["recorded"], outcome["version"], outcome["subtype"]) == (True, 1, "attitude")
    assert outcome["root_cause_name"] == {"zh-CN": "员工服务态度", "en": "Staff attitude"}
    assert outcome["justified"] is None and outcome["media_involved"] is False
    again = client.patch(outcome_url(opened), headers=desk, json={"legal_referral": True}).json
    assert again["version"] == 2 and again["responsible_department"] == "安保部" and again["legal_referral"] is True
    events = [e for e in recorded() if e["type"] == COMPLAINT_OUTCOME_RECORDED]
    assert [e["data"]["outcome"]["version"] for e in events] == [1, 2]
    assert events[1]["data"]["changed"] == ["legal_referral"] and events[1]["subject"] == opened["id"]
    steps = client.get(f"/api/v1/tickets/{opened['id']}/timeline", headers=desk).json
    assert [s["action"] for s in steps].count("outcome_recorded") == 2


def add_department(db, place, name, *, active=True):
    department = uuid.uuid4()
    with db.begin() as conn:
        conn.execute(insert(departments).values(id=department, estate_id=uuid.UUID(place["estate"]), code=name,
                                                name=name, supervisor_id=None, members=[], active=active, version=1))
    return str(department)


def test_the_responsible_department_is_one_of_the_estate_s_registered_or_else_text(
        client, db, desk, place, other_place, opened, recorded) -> None:
    security = add_department(db, place, "安保部")
    answer = client.patch(outcome_url(opened), headers=desk, json={"responsible_department_id": security})
    assert answer.status_code == 200, answer.json
    outcome = answer.json
    assert (outcome["responsible_department_id"], outcome["responsible_department"],
            outcome["responsible_department_name"]) == (security, None, "安保部")
    event = [e for e in recorded() if e["type"] == COMPLAINT_OUTCOME_RECORDED][-1]["data"]["outcome"]
    assert event["responsible_department_id"] == security
    # another estate's, a closed one, an unknown id, or both an id and text: 422 in both languages, nothing changes
    elsewhere, closed = add_department(db, other_place, "工程部"), add_department(db, place, "旧部门", active=False)
    for body in ({"responsible_department_id": elsewhere}, {"responsible_department_id": closed},
                 {"responsible_department_id": str(uuid.uuid4())},
                 {"responsible_department_id": security, "responsible_department": "安保部"}):
        for language, detail in (("zh-CN", "责任部门"), ("en", "responsible department")):
            refused = client.patch(outcome_url(opened), headers={**desk, "Accept-Language": language}, json=body)
            assert refused.status_code == 422 and detail in refused.json["detail"], (body, refused.json)
    assert client.get(outcome_url(opened), headers=desk).json["version"] == 1
    # a department the register lacks: free text, which clears the id
    text = client.patch(outcome_url(opened), headers=desk, json={"responsible_department": "外包保洁公司"}).json
    assert (text["responsible_department_id"], text["responsible_department"], text["responsible_department_name"]
            ) == (None, "外包保洁公司", "外包保洁公司")
    again = client.patch(outcome_url(opened), headers=desk, json={"responsible_department_id": security}).json
    assert (again["responsible_department"], again["responsible_department_name"], again["version"]) == (
        None, "安保部", 3)


def test_a_sub_type_of_another_class_is_422_and_nothing_is_stored(client, desk, opened, complaint, db,
                                                                   recorded) -> None:
    refused = client.patch(outcome_url(opened), headers={**desk, "Accept-Language": "zh-CN"},
                           json={"subtype": "lift_entrapment", "root_cause": "staff_attitude"})
    assert refused.status_code == 422 and refused.json["detail"] == "投诉结果与投诉分类不符"
    assert "subtype" in refused.json["errors"]
    with db.connect() as conn:
        assert conn.execute(select(complaint_outcomes)).first() is None
    assert not [e for e in recorded() if e["type"] == COMPLAINT_OUTCOME_RECORDED]
    lift = client.post("/api/v1/tickets", headers=desk, json=complaint(
        complaint_class="emergency", quality_aspect=None, title="电梯困人")).json
    assert lift["priority"] == "urgent"  # emergencies are urgent by default (above the textbook's high)
    assert client.patch(outcome_url(lift), headers=desk, json={"subtype": "lift_entrapment"}).json[
        "subtype_name"] == {"zh-CN": "电梯困人", "en": "People trapped in a lift"}


def test_only_a_complaint_has_an_outcome(client, desk, place) -> None:
    inquiry = client.post("/api/v1/tickets", headers=desk, json={
        "estate_id": place["estate"], "unit_id": place["unit"], "kind": "inquiry", "title": "停车"}).json
    assert client.get(outcome_url(inquiry), headers=desk).status_code == 404
    assert client.patch(outcome_url(inquiry), headers=desk, json={"commitment": "x"}).status_code == 409


def test_reviewed_by_a_manager_once_resolved(client, desk, manager, place, opened, recorded) -> None:
    review = f"{outcome_url(opened)}/review"
    assert client.post(review, headers=desk, json={"justified": True}).status_code == 403
    early = client.post(review, headers=manager, json={"justified": True})
    assert early.status_code == 409 and early.json["errors"]["stage"] == "received"
    resolve(client, desk, opened, place["technician"])
    answer = client.post(review, headers=manager, json={"justified": False, "note": "业主误解门禁规定"})
    assert answer.status_code == 200, answer.json
    assert (answer.json["justified"], answer.json["review_note"], answer.json["version"]) == (
        False, "业主误解门禁规定", 1)
    assert answer.json["reviewed_by"] and answer.json["reviewed_at"]
    assert client.post(review, headers=manager, json={"justified": "yes"}).status_code == 422
    reviewed = [e for e in recorded() if e["type"] == COMPLAINT_REVIEWED]
    assert len(reviewed) == 1 and reviewed[0]["data"]["outcome"]["justified"] is False


def test_the_media_escalate_to_the_first_responsible_and_only_managers_reply(client, db, desk, manager, place,
                                                                             opened, recorded) -> None:
    first = uuid.uuid4()
    with db.begin() as conn:
        conn.execute(insert(staff).values(id=first, estate_id=uuid.UUID(place["estate"]), name="赵总",
                                          role="first_responsible", skills=[], active=True, version=1))
    assert client.patch(outcome_url(opened), headers=desk, json={"media_involved": True}).status_code == 200
    told = [e["data"] for e in recorded(escalations=True) if e["type"] == TICKET_ESCALATED]
    assert told[-1]["trigger"] == "major" and told[-1]["staff"]["staff_id"] == str(first)
    assert "媒体介入" in told[-1]["reason"]
    client.patch(outcome_url(opened), headers=desk, json={"commitment": "总经理亲自回复"})
    assert len([e for e in recorded(escalations=True) if e["type"] == TICKET_ESCALATED]) == len(told)
    resolve(client, desk, opened, place["technician"])
    inform = f"/api/v1/tickets/{opened['id']}/inform-owner"
    refused = client.post(inform, headers={**desk, "Accept-Language": "zh-CN"}, json={"how": "phone"})
    assert refused.status_code == 403 and refused.json["detail"] == "媒体介入的投诉只能由负责人答复业主"
    assert client.post(inform, headers=manager, json={"how": "visit"}).json["stage"] == "owner_informed"


def test_another_estates_outcome_is_404_everywhere(client, auth, opened, other_place) -> None:
    outsider = auth("estate_manager", [other_place["estate"]])
    assert client.get(outcome_url(opened), headers=outsider).status_code == 404
    assert client.patch(outcome_url(opened), headers=outsider, json={"commitment": "x"}).status_code == 404
    assert client.post(f"{outcome_url(opened)}/review", headers=outsider, json={"justified": True}).status_code == 404
