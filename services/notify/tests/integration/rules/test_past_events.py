"""The demo does not message people about the past (issue 15): a replayed tickets event, a demo's
history, or one older than the rule's freshness window makes no message, and each skip is logged
with its reason and counted; a rule's own window (``fresh_for_minutes``) is configurable."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from notify.rules import answer
from servicekit.demo import DEMO_CORRELATION_PREFIX

from .conftest import cloud_event, example
from .test_default_rules import ESTATE, _populate
from .test_rules_api import _rule, _template

ACK = "tickets.ticket.acknowledged.v1"


def _acknowledged():  # noqa: ANN202
    data = example(ACK)
    return cloud_event(ACK, data), datetime.fromisoformat(data["ticket"]["updated_at"])


def test_a_replayed_event_makes_no_message_and_the_skip_is_counted(world, caplog) -> None:
    _populate(world, "zh-CN")
    event, at = _acknowledged()
    before = answer.SKIPPED["replayed"]
    with caplog.at_level(logging.INFO, logger="notify.rules.answer"):
        assert world.apply(replace(event, replay="history"), now=at) == []
    assert answer.SKIPPED["replayed"] == before + 1
    [record] = [r for r in caplog.records if r.getMessage() == "event describes the past: no message"]
    assert (record.reason, record.event_id, record.skipped) == ("replayed", event.id, before + 1)
    assert world.messages() == []
    assert len(world.apply(event, now=at)) == 1  # the same event live: news


def test_a_demo_s_history_makes_no_message(world) -> None:
    _populate(world, "zh-CN")
    event, at = _acknowledged()
    before = answer.SKIPPED["demo_history"]
    demo = replace(event, correlationid=f"{DEMO_CORRELATION_PREFIX}tickets:4b1e0c2d")
    assert world.apply(demo, now=at) == []
    assert answer.SKIPPED["demo_history"] == before + 1
    assert world.messages() == []


def test_an_event_older_than_the_window_makes_no_message(world) -> None:
    _populate(world, "zh-CN")
    event, at = _acknowledged()
    before = answer.SKIPPED["stale"]
    # Written and delivered now, but it tells of an acknowledgement a day and more ago.
    assert world.apply(event, now=at + timedelta(days=1, minutes=1)) == []
    assert answer.SKIPPED["stale"] == before + 1
    assert len(world.apply(event, now=at + timedelta(hours=23))) == 1  # within the default day: news


def test_a_rule_s_own_window(client, auth, world, db) -> None:
    _populate(world, "zh-CN")
    template_id = _template(db, ESTATE)
    manager = auth("estate_manager", [ESTATE])
    made = client.post("/api/v1/rules", json=_rule(template_id, fresh_for_minutes=10), headers=manager)
    assert made.status_code == 201, made.json
    assert made.json["fresh_for_minutes"] == 10
    event, at = _acknowledged()
    assert world.apply(event, now=at + timedelta(minutes=11)) == []
    changed = client.patch(f"/api/v1/rules/{made.json['id']}", json={"fresh_for_minutes": 3 * 24 * 60},
                           headers=manager)
    assert changed.status_code == 200, changed.json
    assert len(world.apply(event, now=at + timedelta(days=2))) == 1
    refused = client.post("/api/v1/rules", json=_rule(template_id, fresh_for_minutes=0), headers=manager)
    assert refused.status_code == 422
