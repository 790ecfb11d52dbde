"""A ticket put in a department's queue (tickets' dispatched event with ``queued`` true and nobody
assigned, OWN-9): the reporter is told which department has it, not that staff have it; the
department's supervisor the event names is texted that a ticket waits in its queue. A ticket given
to a handler keeps the dispatched wording."""

from __future__ import annotations

import json

import pytest

from notify.domain.channels import SMS
from notify.rules.defaults import built_in_id

from .conftest import CONTRACTS, cloud_event
from .test_default_rules import ESTATE, REPORTER_A, SUPERVISOR, _populate

DISPATCHED = "tickets.ticket.dispatched.v1"


def _queued() -> dict:
    """tickets' own example of a ticket put in a department's queue."""
    schema = json.loads((CONTRACTS / f"{DISPATCHED}.json").read_text(encoding="utf-8"))
    [example] = [e for e in schema["examples"] if e.get("queued")]
    return example


@pytest.mark.parametrize(("language", "words"), [
    ("zh-CN", "张三您好，您的工单T261201042170（楼道灯不亮）已转交工程部处理"),
    ("en", "Dear Ann, your request T261201042170 (楼道灯不亮) has been passed to the 工程部 department"),
])
def test_the_reporter_is_told_which_department_has_it_and_its_supervisor_is_texted(world, language, words):
    _populate(world, language)
    made = world.apply(cloud_event(DISPATCHED, _queued()))
    by_rule = {m["rule_id"]: m for m in made}
    assert set(by_rule) == {built_in_id("rule", "queued_to_reporter"),
                            built_in_id("rule", "queued_to_department_supervisor")}
    to_reporter = by_rule[built_in_id("rule", "queued_to_reporter")]
    assert (str(to_reporter["person_id"]), to_reporter["channel"]) == (REPORTER_A, SMS)
    assert words in to_reporter["body"] and to_reporter["sms_template_code"] == "SMS_ED_TICKET_QUEUED"
    assert "已派给工作人员" not in to_reporter["body"] and "given to our staff" not in to_reporter["body"]
    to_head = by_rule[built_in_id("rule", "queued_to_department_supervisor")]
    assert (str(to_head["staff_id"]), to_head["channel"], to_head["language"]) == (SUPERVISOR, SMS, "zh-CN")
    assert "工单T261201042170（楼道灯不亮）已进入工程部队列，尚无人领取" in to_head["body"]


def test_a_queue_without_a_supervisor_tells_the_reporter_only(world):
    _populate(world, "zh-CN")
    made = world.apply(cloud_event(DISPATCHED, {**_queued(), "staff": None}))
    assert [m["rule_id"] for m in made] == [built_in_id("rule", "queued_to_reporter")]


def test_the_effective_rules_say_which_dispatched_events_each_answers(client, auth, world):
    _populate(world, "zh-CN")
    answer = client.get(f"/api/v1/rules/effective/{ESTATE}", headers=auth("estate_manager", [ESTATE]))
    assert answer.status_code == 200, answer.json
    when = {r["name"]: r["when"] for r in answer.json if r["event_type"] == DISPATCHED}
    assert when == {"dispatched_to_reporter": {"queued": False}, "dispatched_to_assignee": {"queued": False},
                    "queued_to_reporter": {"queued": True}, "queued_to_department_supervisor": {"queued": True}}
