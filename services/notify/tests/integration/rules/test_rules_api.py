"""The rules API: a rule is usable or refused whole (422); an estate's own rule replaces the
built-in default for its event type; the effective rules include the defaults; scoping."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import insert

from notify.rules.defaults import BUILT_IN_TEMPLATES, built_in_id
from notify.tables import templates

from .conftest import cloud_event, example
from .test_default_rules import ESTATE, _populate

ACK = "tickets.ticket.acknowledged.v1"
OTHER_ESTATE = str(uuid.uuid4())


def _template(db, estate_id=None, body="${name}：工单${ticket_number}已受理（本小区）", code="our_ack"):  # noqa: ANN001
    template_id = uuid.uuid4()
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with db.begin() as conn:
        conn.execute(insert(templates).values(
            id=template_id, estate_id=None if estate_id is None else uuid.UUID(estate_id), code=code,
            purpose="service", texts={"zh-CN": {"subject": "受理", "body": body},
                                      "en": {"subject": "Ack", "body": "Ours: ${ticket_number}"}},
            variables=["name", "ticket_number"], created_at=now, updated_at=now))
    return str(template_id)


def _rule(template_id, **extra):  # noqa: ANN001, ANN003
    return {"estate_id": ESTATE, "event_type": ACK, "audience": "reporter", "template_id": template_id,
            "channels": ["sms", "in_app"], **extra}


def test_an_estate_s_own_rule_replaces_the_default(client, auth, world, db):
    _populate(world, "zh-CN")
    template_id = _template(db, ESTATE)
    answer = client.post("/api/v1/rules", json=_rule(template_id), headers=auth("estate_manager", [ESTATE]))
    assert answer.status_code == 201, answer.json
    [message] = world.apply(cloud_event(ACK, example(ACK)))
    assert str(message["rule_id"]) == answer.json["id"]
    assert message["body"] == "张三：工单T261201042170已受理（本小区）"
    effective = client.get(f"/api/v1/rules/effective/{ESTATE}", headers=auth("estate_manager", [ESTATE])).json
    ack = [r for r in effective if r["event_type"] == ACK]
    assert [(r["id"], r["built_in"]) for r in ack] == [(answer.json["id"], False)]
    resolved = [r for r in effective if r["event_type"] == "tickets.ticket.resolved.v1"]
    assert [(r["id"], r["built_in"]) for r in resolved] == [(str(built_in_id("rule", "resolved_to_reporter")), True)]
    # Deactivated: the default again.
    assert client.patch(f"/api/v1/rules/{answer.json['id']}", json={"active": False},
                        headers=auth("estate_manager", [ESTATE])).status_code == 200
    [again] = world.apply(cloud_event(ACK, example(ACK)))
    assert again["rule_id"] == built_in_id("rule", "acknowledged_to_reporter")


def test_an_operator_wide_rule_stands_for_every_estate_without_its_own(client, auth, world, db):
    _populate(world, "zh-CN")
    template_id = _template(db)
    answer = client.post("/api/v1/rules", json=_rule(template_id, estate_id=None), headers=auth())
    assert answer.status_code == 201, answer.json
    [message] = world.apply(cloud_event(ACK, example(ACK)))
    assert str(message["rule_id"]) == answer.json["id"]
    assert client.post("/api/v1/rules", json=_rule(template_id, estate_id=None),
                       headers=auth("estate_manager", [ESTATE])).status_code == 422  # servicekit.access


def test_a_rule_may_name_a_built_in_template(client, auth, world):
    _populate(world, "zh-CN")
    body = _rule(str(BUILT_IN_TEMPLATES["ticket_acknowledged"].id), urgent=True)
    assert client.post("/api/v1/rules", json=body, headers=auth("estate_manager", [ESTATE])).status_code == 201
    [message] = world.apply(cloud_event(ACK, example(ACK)))
    assert message["urgent"] is True and "已受理" in message["body"]


def test_bad_rules_are_422_and_nothing_is_written(client, auth, world, db):
    _populate(world, "zh-CN")
    good = _template(db, ESTATE)
    unknown_variable = _template(db, ESTATE, body="${name} 欠费${amount}", code="fees")
    others = _template(db, OTHER_ESTATE, code="theirs")
    manager = auth("estate_manager", [ESTATE])
    bad = [
        _rule(good, event_type="tickets.ticket.evaluated.v1"),  # not a type notify answers
        _rule(good, event_type="nonsense"),
        _rule(good, audience="everybody"),
        _rule(good, audience="escalated_staff"),  # only escalations name staff
        _rule(good, channels=[]),
        _rule(good, channels=["fax"]),
        _rule(good, channels=["webhook"]),
        _rule(good, channels=["sms", "sms"]),
        _rule(str(uuid.uuid4())),  # no such template
        _rule(others),  # another estate's template
        _rule(unknown_variable),  # ${amount} is not given by the event
        _rule(good, urgent="yes"),
        {**_rule(good), "template_id": None},
    ]
    for body in bad:
        answer = client.post("/api/v1/rules", json=body, headers=manager)
        assert answer.status_code == 422, (body, answer.status_code, answer.json)
    assert client.get("/api/v1/rules", headers=manager).json == []


def test_rules_of_another_estate_are_404(client, auth, world, db):
    _populate(world, "zh-CN")
    world.estate(OTHER_ESTATE)
    template_id = _template(db, ESTATE)
    created = client.post("/api/v1/rules", json=_rule(template_id), headers=auth("estate_manager", [ESTATE])).json
    stranger = auth("estate_manager", [OTHER_ESTATE])
    assert client.get(f"/api/v1/rules/{created['id']}", headers=stranger).status_code == 404
    assert client.patch(f"/api/v1/rules/{created['id']}", json={"urgent": True}, headers=stranger).status_code == 404
    assert client.delete(f"/api/v1/rules/{created['id']}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/rules/effective/{ESTATE}", headers=stranger).status_code == 404
    assert client.post("/api/v1/rules", json=_rule(template_id), headers=stranger).status_code == 404
    assert client.get("/api/v1/rules", headers=stranger).json == []
    assert client.delete(f"/api/v1/rules/{created['id']}", headers=auth("estate_manager", [ESTATE])).status_code == 204
    assert client.get(f"/api/v1/rules/{created['id']}", headers=auth()).status_code == 404
