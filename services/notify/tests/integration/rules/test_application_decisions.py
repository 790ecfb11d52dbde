"""A step of an application decided (TKT-15): the built-in rule tells the applicant, in their
language, which procedure, which step and what was decided; a refusal says why."""

from __future__ import annotations

import uuid

import pytest

from notify.domain.channels import SMS
from notify.rules.defaults import built_in_id
from servicekit.envelope import CloudEvent

from .conftest import example

ESTATE, APPLICANT = "e1c7a8f2-3b4d-4c5e-9f60-718293a4b5c6", "5f6e7d8c-9b0a-4f1e-8d2c-3b4a59687766"
DECIDED = "tickets.application.decided.v1"


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
