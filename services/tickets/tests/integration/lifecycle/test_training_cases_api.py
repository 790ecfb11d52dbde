"""A resolved complaint made into a training case (TKT-10): its story, cause and lesson with no
name, mobile, ID number or unit of the original ticket (searched for in every field), listed by
class and aspect, once per complaint, and 404 across estates."""

from __future__ import annotations

import json

import pytest

URL = "/api/v1/training-cases"
SECRETS = ("李伟", "13812345678", "138 1234 5678", "11010519491231002X", "1-101", "technician 张", "李先生")


@pytest.fixture
def manager(auth, place):
    return auth("estate_manager", [place["estate"]])


@pytest.fixture
def resolved(client, desk, place, complaint):
    """A complaint full of who and where, taken through to resolved with notes, and its outcome."""
    ticket = client.post("/api/v1/tickets", headers=desk, json=complaint(
        title="1-101李伟投诉保安", contact_name="李伟",
        description="1-101室业主李伟（手机138 1234 5678，身份证11010519491231002X）投诉门岗保安态度恶劣，"
                    "李先生要求道歉。technician 张 也在场。")).json
    for path, body in (("acknowledge", {"note": "已致电13812345678安抚业主"}),
                       ("dispatch", {"staff_id": place["technician"]}), ("arrive", {}),
                       ("resolve", {"resolution": "保安队长向1-101李伟当面致歉"})):
        assert client.post(f"/api/v1/tickets/{ticket['id']}/{path}", headers=desk, json=body).status_code == 200
    client.patch(f"/api/v1/tickets/{ticket['id']}/outcome", headers=desk, json={
        "root_cause": "staff_attitude", "root_cause_note": "保安未经服务礼仪培训", "commitment": "一周内完成全员培训"})
    return ticket


def test_a_case_carries_no_name_number_or_unit(client, manager, resolved) -> None:
    made = client.post(URL, headers=manager, json={
        "ticket_id": resolved["id"], "lesson": "对李伟这样的业主，先道歉再解释；保安上岗前须经礼仪培训。"})
    assert made.status_code == 201, made.json
    case = made.json
    written = json.dumps(case, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in written, secret
    assert (case["complaint_class"], case["quality_aspect"], case["root_cause"], case["subtype"]) == (
        "management", "attitude", "staff_attitude", "attitude")
    assert "保安态度恶劣" in case["story"] and "员工服务态度" in case["story"] and "一周内完成全员培训" in case["story"]
    assert "先道歉再解释" in case["lesson"] and case["title"] == "某单元某业主投诉保安"
    again = client.get(f"{URL}/{case['id']}", headers=manager).json
    assert again == case
    assert client.post(URL, headers=manager, json={"ticket_id": resolved["id"], "lesson": "x"}).status_code == 409


def test_listed_by_class_and_aspect_only_of_resolved_complaints(client, desk, manager, resolved, opened,
                                                                place) -> None:
    assert client.post(URL, headers=manager, json={"ticket_id": opened["id"], "lesson": "x"}).status_code == 409
    assert client.post(URL, headers=desk, json={"ticket_id": resolved["id"], "lesson": "x"}).status_code == 403
    client.post(URL, headers=manager, json={"ticket_id": resolved["id"], "lesson": "先道歉"})
    by_aspect = client.get(URL, headers=desk, query_string={"complaint_class": "management",
                                                            "quality_aspect": "attitude"}).json
    assert [c["ticket_id"] for c in by_aspect] == [resolved["id"]]
    assert client.get(URL, headers=desk, query_string={"complaint_class": "fees"}).json == []
    assert client.get(URL, headers=desk, query_string={"quality_aspect": "timeliness"}).json == []


def test_another_estates_case_is_404(client, auth, manager, resolved, other_place) -> None:
    case = client.post(URL, headers=manager, json={"ticket_id": resolved["id"], "lesson": "先道歉"}).json
    outsider = auth("estate_manager", [other_place["estate"]])
    assert client.get(f"{URL}/{case['id']}", headers=outsider).status_code == 404
    assert client.get(URL, headers=outsider).json == []
    assert client.post(URL, headers=outsider, json={"ticket_id": resolved["id"], "lesson": "x"}).status_code == 404
