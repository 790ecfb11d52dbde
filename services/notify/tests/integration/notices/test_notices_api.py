"""The notices API: a notice created, estimated and scheduled from one call; every bad input a 4xx
with nothing stored; other estates' notices 404; roles; Idempotency-Key; preview; cancel/pause/resume."""

import pytest

from notify.events import NOTICE_CANCELLED, NOTICE_SCHEDULED
from notify.tables import notices


def body(world, template_id, **extra):
    return {"estate_id": str(world.estate_id), "template_id": str(template_id), "title": "三月物业费",
            "audience": {"estate": True}, "variables": {"amount": "320.00", "due_date": "3月31日"},
            "channels": ["sms", "email"], **extra}


@pytest.fixture
def ready(world):
    world.household("2-1202", "王芳", mobile="13800000001")
    world.household("2-1203", "Tom", mobile="13800000002", language="en")
    world.household("2-1204", "李伟", mobile=None, email=None)
    return world.template()


def test_a_notice_is_estimated_and_scheduled(client, auth, db, world, ready, events_of):
    answer = client.post("/api/v1/notices", json=body(world, ready), headers=auth("service_desk_agent",
                                                                                   [world.estate_id]))
    assert answer.status_code == 201, answer.json
    notice = answer.json
    assert notice["status"] == "scheduled" and notice["recipients_count"] == 2
    assert notice["estimated_segments"] == 2 and notice["estimated_cost_fen"] == 10
    assert notice["actions"] == ["cancel"]
    [event] = events_of(NOTICE_SCHEDULED)
    assert event["notice"]["id"] == notice["id"] and event["notice"]["estimated_cost_fen"] == 10
    got = client.get(f"/api/v1/notices/{notice['id']}", headers=auth("estate_manager", [world.estate_id]))
    assert got.status_code == 200 and got.json["estimated_segments"] == 2
    listed = client.get(f"/api/v1/notices?estate_id={world.estate_id}&status=scheduled", headers=auth())
    assert [n["id"] for n in listed.json["items"]] == [notice["id"]] and listed.json["has_more"] is False


@pytest.mark.parametrize(("change", "field"), [
    ({"audience": {"units": []}}, "audience"),
    ({"audience": {"estate": True, "role": "tenants"}}, "audience"),
    ({"variables": {"amount": "1"}}, "body"),  # ${due_date} unknown
    ({"variables": {"amount": "1", "due_date": "x", "colour": "red"}}, "variables"),
    ({"channels": ["fax"]}, "channels"),
    ({"repeat": {"every": "month", "day": 40, "time": "09:00"}}, "repeat"),
    ({"template_id": "00000000-0000-0000-0000-000000000001"}, "template_id"),
])
def test_bad_input_is_a_422_and_nothing_is_stored(client, auth, db, world, ready, change, field, count, events_of):
    answer = client.post("/api/v1/notices", json={**body(world, ready), **change}, headers=auth())
    assert answer.status_code == 422, answer.json
    assert field in str(answer.json.get("errors"))
    assert count(notices) == 0 and events_of(NOTICE_SCHEDULED) == []


def test_an_empty_audience_is_a_422(client, auth, db, world, ready, count):
    answer = client.post("/api/v1/notices", json=body(world, ready, audience={"buildings": [str(world.building("9"))]}),
                         headers=auth())
    assert answer.status_code == 422 and "no one to send to" in answer.json["detail"]
    assert count(notices) == 0


def test_a_long_sms_needs_consent_to_split(client, auth, db, world, ready, count):
    drill = "本小区将于周六进行消防演练，请各位业主配合。" * 5
    long_one = world.template("${name}您好：" + drill, en=None, variables=())
    data = body(world, long_one, variables={})
    answer = client.post("/api/v1/notices", json=data, headers=auth())
    assert answer.status_code == 422 and "consent_to_split" in answer.json["errors"]
    assert "parts" in answer.json["detail"] and count(notices) == 0
    answer = client.post("/api/v1/notices", json={**data, "consent_to_split": True}, headers=auth())
    # 【物业服务中心】 + about 115 characters: 2 parts for each of the 2 reachable households
    assert answer.status_code == 201 and answer.json["estimated_segments"] == 2 * 2


def test_an_unknown_estate_is_a_422_and_another_estates_a_404(client, auth, db, world, ready, make_world, count):
    unknown = body(world, ready, estate_id="00000000-0000-0000-0000-000000000002")
    assert client.post("/api/v1/notices", json=unknown, headers=auth()).status_code == 422
    other = make_world()
    answer = client.post("/api/v1/notices", json=body(world, ready),
                         headers=auth("estate_manager", [other.estate_id]))
    assert answer.status_code == 404
    made = client.post("/api/v1/notices", json=body(world, ready), headers=auth()).json
    for path in ("", "/cancel", "/pause"):
        method = client.get if not path else client.post
        assert method(f"/api/v1/notices/{made['id']}{path}",
                      headers=auth("estate_manager", [other.estate_id])).status_code == 404
    assert count(notices) == 1


@pytest.mark.parametrize("role", ["technician", "owner"])
def test_technicians_and_owners_may_not(client, auth, world, ready, role):
    assert client.post("/api/v1/notices", json=body(world, ready),
                       headers=auth(role, [world.estate_id])).status_code == 403


def test_integration_clients_send_list_audiences_only(client, auth, world, ready):
    headers = auth("integration_client", [world.estate_id])
    assert client.post("/api/v1/notices", json=body(world, ready), headers=headers).status_code == 403
    arrears = {"list": [{"name": "王芳", "mobile": "13800000001", "variables": {"amount": "320.00"}},
                        {"name": "Tom", "mobile": "13800000002", "language": "en",
                         "variables": {"amount": "99.00"}}]}
    answer = client.post("/api/v1/notices", json=body(world, ready, audience=arrears,
                                                      variables={"due_date": "3月31日"}), headers=headers)
    assert answer.status_code == 201 and answer.json["recipients_count"] == 2


def test_a_retried_call_answers_the_first_notice(client, auth, db, world, ready, count):
    headers = {**auth(), "Idempotency-Key": "fee-2026-03"}
    first = client.post("/api/v1/notices", json=body(world, ready), headers=headers)
    again = client.post("/api/v1/notices", json=body(world, ready), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200) and again.json["id"] == first.json["id"]
    other = client.post("/api/v1/notices", json=body(world, ready, title="四月物业费"), headers=headers)
    assert other.status_code == 422 and count(notices) == 1


def test_the_preview_renders_a_sample_and_estimates_without_saving(client, auth, db, world, ready, count):
    answer = client.post("/api/v1/notices/preview", json=body(world, ready), headers=auth())
    assert answer.status_code == 200, answer.json
    sms, email = answer.json["messages"]
    assert sms["channel"] == "sms" and sms["encoding"] == "UCS-2" and sms["segments"] == 1
    assert answer.json["sample"]["name"] == "王芳" and answer.json["sample"]["unit"] == "1栋 2-1202"
    assert sms["body"] == "王芳您好：1栋 2-1202本月物业费320.00元，请于3月31日前缴纳。"
    assert email["channel"] == "email" and email["subject"] == "缴费通知" and email["segments"] == 0
    assert answer.json["estimate"] == {"recipients": 2, "excluded": {"no_contact": 1}, "sms_recipients": 2,
                                       "sms_parts": 2, "cost_fen": 10, "max_sms_parts": 1,
                                       "needs_consent_to_split": False}
    assert count(notices) == 0


def test_cancel_then_illegal_transitions_are_409s(client, auth, db, world, ready, events_of):
    made = client.post("/api/v1/notices", json=body(world, ready), headers=auth()).json
    paused = client.post(f"/api/v1/notices/{made['id']}/pause", headers=auth())
    assert paused.status_code == 409 and "sending" in paused.json["detail"]
    cancelled = client.post(f"/api/v1/notices/{made['id']}/cancel", headers=auth())
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    again = client.post(f"/api/v1/notices/{made['id']}/cancel", headers=auth())
    assert again.status_code == 409 and "scheduled, sending, paused" in again.json["detail"]
    assert len(events_of(NOTICE_CANCELLED)) == 1


def test_a_caller_asking_in_chinese_is_answered_in_chinese(client, auth, world, ready):
    made = client.post("/api/v1/notices", json=body(world, ready), headers=auth()).json
    chinese = {**auth(), "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
    paused = client.post(f"/api/v1/notices/{made['id']}/pause", headers=chinese)
    assert paused.status_code == 409 and paused.headers["Content-Language"] == "zh-CN"
    assert paused.json["detail"] == "待发送的通知不能暂停，只有发送中的通知可以"
    assert paused.json["title"] == "与现有记录冲突"
    bad = client.post("/api/v1/notices", json=body(world, ready, audience={"estate": True, "role": "tenants"}),
                      headers=chinese)
    assert bad.status_code == 422 and bad.json["detail"] == "接收范围无效：role 应为 owners、occupants 之一"
    integration = {**auth("integration_client", [world.estate_id]), "Accept-Language": "zh-CN"}
    refused = client.post("/api/v1/notices", json=body(world, ready), headers=integration)
    assert refused.status_code == 403 and refused.json["detail"] == "集成客户端只能按名单发送"
    english = client.post(f"/api/v1/notices/{made['id']}/pause", headers=auth())
    assert english.json["detail"] == "a scheduled notice cannot pause; only a notice that is sending can"
