"""A step of an application decided (TKT-15): the built-in rule tells the applicant, in their
language, which procedure, which step and what was decided; a refusal says why. An overdue step
reaches the holders of its role, and past the top of the estate's chain the operator's duty
contacts (an error in the log when there are none). A withdrawal tells the applicant by whom and why."""

from __future__ import annotations

import uuid

import pytest

from notify.domain.channels import EMAIL, SMS
from notify.rules.defaults import built_in_id
from servicekit.envelope import CloudEvent

from .conftest import example

ESTATE, APPLICANT = "e1c7a8f2-3b4d-4c5e-9f60-718293a4b5c6", "5f6e7d8c-9b0a-4f1e-8d2c-3b4a59687766"
DECIDED, OVERDUE = "tickets.application.decided.v1", "tickets.application.step_overdue.v1"
WITHDRAWN = "tickets.application.withdrawn.v1"
HOLDER = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"  # the service-desk agent the overdue example names
PAST_EVERY_LEVEL = {"wanted": "supervisor", "vacant": ["supervisor", "estate_manager", "first_responsible"],
                    "reached": "operator_admins"}


def cloud_event(event_type: str, data: dict) -> CloudEvent:
    return CloudEvent(type=event_type, source="/estatedesk/tickets", data=data,
                      subject=data["application"]["application_id"], id=str(uuid.uuid4()))


@pytest.mark.parametrize(("language", "words"), [
    ("zh-CN", "您的装修审批申请P261206042170：资料审核（图纸、施工单位资质）已通过。"),
    ("en", "your Renovation approval application P261206042170: Documents checked (drawings, contractor) approved."),
])
def test_the_applicant_is_told_of_each_decision(world, language, words) -> None:
    world.estate(ESTATE)
    world.person(APPLICANT, ESTATE, name="李伟", language=language, mobile="13912345678")
    [message] = world.apply(cloud_event(DECIDED, example(DECIDED)))
    assert message["rule_id"] == built_in_id("rule", "application_decided_to_applicant")
    assert (message["channel"], message["address"], message["language"]) == (SMS, "13912345678", language)
    assert words in message["body"] and message["params"]["decision"] in ("已通过", "approved")


def test_a_refusal_says_why(world) -> None:
    world.estate(ESTATE)
    world.person(APPLICANT, ESTATE, name="李伟", mobile="13912345678")
    refused = {**example(DECIDED), "decision": "refused", "reason": "不得拆改承重墙"}
    [message] = world.apply(cloud_event(DECIDED, refused))
    assert "未通过。不得拆改承重墙" in message["body"]


def test_an_application_without_an_applicant_tells_nobody(world) -> None:
    world.estate(ESTATE)
    data = example(DECIDED)
    data = {**data, "application": {**data["application"], "person_id": None}}
    assert world.apply(cloud_event(DECIDED, data)) == []


def test_an_overdue_step_reaches_the_holder_of_its_role(world) -> None:
    world.estate(ESTATE)
    world.staff(HOLDER, ESTATE, name="王小红", mobile="13700000001", role="service_desk_agent")
    [message] = world.apply(cloud_event(OVERDUE, example(OVERDUE)))
    assert message["rule_id"] == built_in_id("rule", "application_step_overdue_to_staff")
    assert (message["address"], str(message["staff_id"])) == ("13700000001", HOLDER)
    assert "王小红，装修审批申请P261206042170的“装修申请登记”已于2026-12-07 11:00到期" in message["body"]


def test_an_overdue_step_past_the_top_of_the_chain_reaches_the_operator_s_duty_contacts(world) -> None:
    """Nobody in the estate holds the step's role, nor is supervisor, estate manager or first
    responsible person: tickets names nobody (``staff`` null, ``fallback.reached`` the operator's
    admins), and the duty contacts (集团值班) are told, as they are of an escalation."""
    world.estate(ESTATE)
    world.duty_contact("集团值班 周敏", mobile="13700000009", email=None)
    world.duty_contact("集团客服总监", mobile=None, email="duty@operator.example")
    data = {**example(OVERDUE), "staff": None, "fallback": PAST_EVERY_LEVEL}
    made = world.apply(cloud_event(OVERDUE, data))
    names = {(SMS, "13700000009"): "集团值班 周敏", (EMAIL, "duty@operator.example"): "集团客服总监"}
    assert {(m["channel"], m["address"]) for m in made} == set(names)
    for message in made:
        assert message["rule_id"] == built_in_id("rule", "application_step_overdue_to_staff")
        assert message["staff_id"] is None and message["person_id"] is None
        assert f"{names[(message['channel'], message['address'])]}，装修审批申请P261206042170" in message["body"]


def test_an_overdue_step_past_the_top_of_the_chain_without_duty_contacts_is_an_error(world, db, caplog) -> None:
    from sqlalchemy.orm import Session

    from notify.duty_contacts.metrics import configuration_warnings

    world.estate(ESTATE)
    data = {**example(OVERDUE), "staff": None, "fallback": PAST_EVERY_LEVEL}
    with caplog.at_level("ERROR", logger="notify.rules.audiences"):
        assert world.apply(cloud_event(OVERDUE, data)) == []
    [error] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "reaches nobody" in error.getMessage()
    assert (error.application_id, error.estate_id) == (data["application"]["application_id"], ESTATE)
    with Session(db) as session:
        assert configuration_warnings(session)["no_duty_contacts"] == 1.0


@pytest.mark.parametrize(("language", "role", "words"), [
    ("zh-CN", "owner", "李伟您好，您的装修审批申请P261206042170已由您本人撤回，原因：业主决定暂缓装修。"),
    ("en", "owner", "Dear 李伟, your Renovation approval application P261206042170 was withdrawn by you. "
                    "Reason: 业主决定暂缓装修."),
    ("zh-CN", "service_desk_agent", "您的装修审批申请P261206042170已由物业服务中心撤回，原因：业主决定暂缓装修。"),
    ("en", "service_desk_agent", "application P261206042170 was withdrawn by the service centre. Reason:"),
])
def test_the_applicant_is_told_of_a_withdrawal_by_whom_and_why(world, language, role, words) -> None:
    world.estate(ESTATE)
    world.person(APPLICANT, ESTATE, name="李伟", language=language, mobile="13912345678")
    data = {**example(WITHDRAWN), "withdrawn_role": role}
    [message] = world.apply(cloud_event(WITHDRAWN, data))
    assert message["rule_id"] == built_in_id("rule", "application_withdrawn_to_applicant")
    assert (message["channel"], message["address"], message["language"]) == (SMS, "13912345678", language)
    assert message["sms_template_code"] == "SMS_ED_APPLICATION_WITHDRAWN"
    assert words in message["body"] and "${" not in message["body"] and message["subject"]
