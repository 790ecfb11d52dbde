"""A ticket's timeline in the staff member's language: an escalation by rule is said from its
details (why, which level, who was told), not as tickets' English note."""

from __future__ import annotations

import pytest
from flask import Flask, g

from gateway.console.ticket_view import step_shown

BREACH = {"action": "escalation", "at": "2026-12-07T02:00:00+00:00", "actor": "timer", "actor_role": "system",
          "note": "the resolve target was missed", "stage_from": None, "stage_to": None,
          "details": {"trigger": "sla_breach", "level": 2, "action": "notify_supervisor", "target": "resolve",
                      "staff_id": None}}


@pytest.mark.parametrize(("language", "words"), [
    ("zh-CN", ["时效已超时", "第 2 级", "通知主管", "完成时限"]),
    ("en", ["the target was missed", "level 2", "the supervisor told"]),
])
def test_an_escalation_by_rule_is_said_in_the_staff_members_language(language: str, words: list[str]) -> None:
    with Flask(__name__).app_context():
        g.language = language
        shown = step_shown(BREACH, {})
    assert shown["note"] == ""
    assert all(word in shown["said"] for word in words), shown["said"]


def test_a_person_s_note_on_another_step_is_kept() -> None:
    step = {**BREACH, "action": "escalated", "note": "业主情绪激动，需主管出面", "details": {}}
    with Flask(__name__).app_context():
        g.language = "zh-CN"
        assert step_shown(step, {})["note"] == "业主情绪激动，需主管出面"
