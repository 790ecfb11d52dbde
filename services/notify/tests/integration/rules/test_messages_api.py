"""POST /api/v1/messages: one message now, to an address or a person of the copy; the
Idempotency-Key; bad input is 4xx and makes nothing; another estate's person or message is 404."""

from __future__ import annotations

import uuid

from .test_default_rules import ESTATE, REPORTER_A, _populate

LOGIN = {"purpose": "service", "urgent": True, "channels": ["sms"], "to": {"mobile": "13812345678"},
         "template": "login_code", "variables": {"code": "123456"}}


def test_the_gateway_s_login_code_to_a_number(client, auth, world):
    gateway = auth("integration_client")
    answer = client.post("/api/v1/messages", json=LOGIN, headers=gateway)
    assert answer.status_code == 202, answer.json
    [message] = answer.json["messages"]
    assert (message["channel"], message["address"], message["state"], message["urgent"]) == (
        "sms", "138****5678", "queued", True)  # masked: the caller may not see phone numbers
    assert message["body"] == "您的验证码为123456，请勿告诉他人。" and message["segments"] == 1
    [row] = world.messages()
    assert row["sms_template_code"] == "SMS_ED_LOGIN_CODE" and row["params"] == {"code": "123456"}
    assert row["next_attempt_at"] == row["queued_at"]  # urgent: no quiet hours
    shown = client.get(f"/api/v1/messages/{message['id']}", headers=gateway)
    assert shown.status_code == 200
    assert [h["state"] for h in shown.json["history"]] == ["queued"]
    assert shown.json["address"] == "138****5678"
    revealed = client.get(f"/api/v1/messages/{message['id']}", headers=auth("integration_client", perms=["pii:reveal"]))
    assert revealed.json["address"] == "13812345678"
    english = client.post("/api/v1/messages", json={**LOGIN, "language": "en"}, headers=gateway).json
    assert english["messages"][0]["body"].startswith("Your verification code is 123456")


def test_a_text_to_a_person_in_their_language_over_each_channel_named(client, auth, world):
    _populate(world, "en")
    world.person(str(uuid.uuid4()), ESTATE)  # someone else
    desk = auth("service_desk_agent", [ESTATE])
    body = {"to": {"person_id": REPORTER_A}, "text": "Hello ${who}, the lift works again.", "subject": "Lift",
            "variables": {"who": "Ann"}, "channels": ["sms", "in_app"]}
    answer = client.post("/api/v1/messages", json=body, headers=desk)
    assert answer.status_code == 202, answer.json
    made = answer.json["messages"]
    assert sorted(m["channel"] for m in made) == ["in_app", "sms"]
    assert {m["person_id"] for m in made} == {REPORTER_A} and {m["estate_id"] for m in made} == {ESTATE}
    assert {m["body"] for m in made} == {"Hello Ann, the lift works again."}
    unnamed = {k: v for k, v in body.items() if k != "channels"}
    default = client.post("/api/v1/messages", json=unnamed, headers=desk).json["messages"]
    assert [m["channel"] for m in default] == ["sms"]  # the person's preferred channel


def test_the_same_idempotency_key_answers_the_first_messages(client, auth, world):
    gateway = auth("integration_client")
    key = {"Idempotency-Key": "login-42"}
    first = client.post("/api/v1/messages", json=LOGIN, headers={**gateway, **key})
    again = client.post("/api/v1/messages", json=LOGIN, headers={**gateway, **key})
    assert (first.status_code, again.status_code) == (202, 200)
    assert [(m["id"], m["state"]) for m in again.json["messages"]] == [
        (m["id"], m["state"]) for m in first.json["messages"]]
    assert len(world.messages()) == 1
    other = client.post("/api/v1/messages", json=LOGIN, headers={**gateway, "Idempotency-Key": "login-43"})
    assert other.status_code == 202 and len(world.messages()) == 2


def test_the_same_key_with_another_body_is_refused_and_another_caller_s_key_is_its_own(client, auth, world):
    gateway, key = auth("integration_client"), {"Idempotency-Key": "login-44"}
    assert client.post("/api/v1/messages", json=LOGIN, headers={**gateway, **key}).status_code == 202
    changed = {**LOGIN, "variables": {"code": "654321"}}
    refused = client.post("/api/v1/messages", json=changed, headers={**gateway, **key})
    assert refused.status_code == 422 and "Idempotency-Key" in refused.json["errors"]
    assert len(world.messages()) == 1
    desk = auth("service_desk_agent", [ESTATE])
    theirs = client.post("/api/v1/messages", json={**LOGIN, "estate_id": ESTATE}, headers={**desk, **key})
    assert theirs.status_code == 202 and len(world.messages()) == 2


def test_bad_input_is_4xx_and_makes_nothing(client, auth, world):
    _populate(world, "zh-CN")
    desk = auth("service_desk_agent", [ESTATE])
    bad = [
        {**LOGIN, "to": {}},
        {**LOGIN, "to": {"mobile": "call me"}},
        {**LOGIN, "to": {"email": "not-an-address"}},
        {**LOGIN, "to": {"person_id": REPORTER_A, "mobile": "13812345678"}},
        {**LOGIN, "template": "no_such_template"},
        {**LOGIN, "variables": {}},  # ${code} missing
        {**LOGIN, "text": "hello"},  # a template and a text
        {k: v for k, v in LOGIN.items() if k != "template"},  # neither
        {**LOGIN, "channels": ["email"]},  # no e-mail address
        {**LOGIN, "channels": ["in_app"]},  # an address has no inbox
        {**LOGIN, "channels": ["fax"]},
        {**LOGIN, "purpose": "gossip"},
        {**LOGIN, "urgent": "yes"},
        {**LOGIN, "to": {"person_id": REPORTER_A}, "channels": ["email"]},  # the person has no e-mail
    ]
    for body in bad:
        answer = client.post("/api/v1/messages", json=body, headers=desk)
        assert 400 <= answer.status_code < 500 and answer.status_code != 404, (body, answer.json)
    assert client.post("/api/v1/messages", json=LOGIN, headers=auth("owner", [ESTATE])).status_code == 403
    assert world.messages() == []


def test_another_estate_s_person_and_message_are_404(client, auth, world):
    _populate(world, "zh-CN")
    other = str(uuid.uuid4())
    stranger = auth("service_desk_agent", [other])
    to_person = {**LOGIN, "to": {"person_id": REPORTER_A}}
    assert client.post("/api/v1/messages", json=to_person, headers=stranger).status_code == 404
    assert client.post("/api/v1/messages", json={**to_person, "to": {"person_id": str(uuid.uuid4())}},
                       headers=stranger).status_code == 404
    assert client.post("/api/v1/messages", json={**LOGIN, "estate_id": ESTATE}, headers=stranger).status_code == 404
    mine = client.post("/api/v1/messages", json=to_person, headers=auth("service_desk_agent", [ESTATE]))
    assert mine.status_code == 202
    message_id = mine.json["messages"][0]["id"]
    assert client.get(f"/api/v1/messages/{message_id}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/messages/{uuid.uuid4()}", headers=auth()).status_code == 404
    # A message to a bare address outside any estate: every-estate callers only.
    code = client.post("/api/v1/messages", json=LOGIN, headers=auth("integration_client")).json["messages"][0]
    assert client.get(f"/api/v1/messages/{code['id']}", headers=auth("service_desk_agent", [ESTATE])).status_code == 404


def test_a_text_longer_than_its_channel_carries_is_refused(client, auth, world):
    """Issue 16: an SMS carries at most 500 characters (notify.templates.bounds), whatever the text field takes."""
    gateway = auth("integration_client")
    text = {k: v for k, v in LOGIN.items() if k not in ("template", "variables")}
    long_one = client.post("/api/v1/messages", json={**text, "text": "验证码" * 200}, headers=gateway)
    assert long_one.status_code == 422 and "text" in long_one.json["errors"], long_one.json
    by_mail = {**text, "to": {"email": "wang@example.com"}, "channels": ["email"], "text": "验证码" * 200}
    assert client.post("/api/v1/messages", json=by_mail, headers=gateway).status_code == 202
    assert len(world.messages()) == 1


def test_one_subject_scoped_to_other_estates_never_gets_anothers_message_by_its_key(client, auth, world):
    """The audit's case: two integration clients with one ``sub``, scoped to other estates, and one key."""
    key = {"Idempotency-Key": "login-45"}
    everywhere = auth("integration_client", subject="billing")
    one_estate = auth("integration_client", [ESTATE], subject="billing")
    first = client.post("/api/v1/messages", json=LOGIN, headers={**everywhere, **key})
    theirs = client.post("/api/v1/messages", json=LOGIN, headers={**one_estate, **key})
    assert (first.status_code, theirs.status_code) == (202, 202) and len(world.messages()) == 2
    assert {m["id"] for m in first.json["messages"]}.isdisjoint(m["id"] for m in theirs.json["messages"])
