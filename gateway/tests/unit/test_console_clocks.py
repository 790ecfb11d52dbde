"""An SLA clock reads the same on the queue and on a ticket's page: days once a clock passes a day
(a ticket overdue for seven weeks read 1243:41:31 on its page and 51天 19:41:31 in the queue)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask, g

from gateway.console.ticket_view import clocks

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
OVERDUE = -(51 * 86400 + 19 * 3600 + 41 * 60 + 31)


def _target(seconds_left: int) -> dict:
    return {"target": "resolve", "state": "running", "breached": seconds_left < 0, "warned": True,
            "seconds_left": seconds_left, "due_at": (NOW + timedelta(seconds=seconds_left)).isoformat(),
            "warn_at": None, "met_at": None, "business_hours": False}


@pytest.mark.parametrize(("language", "shown"), [("zh-CN", "51天 19:41:31"), ("en", "51d 19:41:31")])
def test_a_clock_overdue_for_weeks_is_written_in_days_on_a_tickets_page(language: str, shown: str) -> None:
    with Flask(__name__).app_context():
        g.language = language
        [clock] = clocks([_target(OVERDUE)], NOW)
    assert clock["left_text"] == shown
    assert clock["tone"] == "bad"


def test_a_clock_under_a_day_is_hours_minutes_and_seconds() -> None:
    with Flask(__name__).app_context():
        g.language = "zh-CN"
        [clock] = clocks([_target(2 * 3600 + 3 * 60 + 4)], NOW)
    assert clock["left_text"] == "02:03:04"
