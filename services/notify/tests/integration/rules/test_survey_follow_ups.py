"""surveys' follow-ups (SRV-4) reach staff by notify's built-in rules: the staff member assigned a
follow-up visit gets an SMS naming the unit, the person responsible for an overdue rectification
action an SMS naming it and its due date; a follow-up assigned to nobody messages no one."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

from notify.domain.channels import SMS
from notify.rules.defaults import built_in_id
from servicekit.envelope import CloudEvent

SURVEYS = Path(__file__).resolve().parents[4] / "surveys" / "contracts" / "events"

ESTATE = "e1c7a8f2-3b4d-4c5e-9f60-718293a4b5c6"
STAFF = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"


def example(event_type: str) -> dict[str, Any]:
    schema = json.loads((SURVEYS / f"{event_type}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(schema["examples"][0])


def cloud_event(event_type: str, data: dict[str, Any]) -> CloudEvent:
    return CloudEvent(type=event_type, source="/estatedesk/surveys", data=data, subject=str(uuid.uuid4()),
                      id=str(uuid.uuid4()))


def test_the_responsible_person_is_reminded_of_an_overdue_action_once(world) -> None:
    world.estate(ESTATE)
    world.staff(STAFF, ESTATE, name="赵主管", mobile="13900000009")
    event = cloud_event("surveys.action.overdue.v1", example("surveys.action.overdue.v1"))
    [message] = world.apply(event)
    assert message["rule_id"] == built_in_id("rule", "action_overdue_to_responsible")
    assert (message["channel"], message["address"]) == (SMS, "13900000009")
    assert "赵主管" in message["body"] and "修复车库顶棚渗水" in message["body"] and "2026-12-20" in message["body"]
    world.handle(event)  # delivered again: nothing new
    assert len(world.messages()) == 1


def test_the_staff_member_assigned_a_follow_up_is_told_and_nobody_when_no_one_is(world) -> None:
    world.estate(ESTATE)
    world.staff(STAFF, ESTATE, name="李管家", mobile="13900000008")
    data = example("surveys.follow_up.opened.v1")
    [message] = world.apply(cloud_event("surveys.follow_up.opened.v1", data))
    assert message["rule_id"] == built_in_id("rule", "follow_up_to_assignee")
    assert message["address"] == "13900000008" and "3-1202" in message["body"] and "李管家" in message["body"]
    assert world.apply(cloud_event("surveys.follow_up.opened.v1", {**data, "assignee_id": None})) == []
