"""The moment a tickets event describes, and whether it is still news for a rule (issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from notify.domain.freshness import DEFAULT_FRESH_FOR_MINUTES, described_at, not_news

WRITTEN = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
TICKET = {"ticket": {"updated_at": "2026-09-01T02:00:30+00:00"}}


def test_the_moment_is_what_the_event_says_happened_not_when_it_was_written() -> None:
    assert described_at(TICKET, WRITTEN) == datetime(2026, 9, 1, 2, 0, 30, tzinfo=UTC)
    assert described_at({**TICKET, "breached_at": "2026-09-01T03:00:00+00:00"}, WRITTEN).hour == 3
    assert described_at({**TICKET, "warned_at": "2026-09-01T04:00:00+00:00"}, WRITTEN).hour == 4
    assert described_at({**TICKET, "at": "2026-09-01T05:00:00+00:00"}, WRITTEN).hour == 5  # an escalation
    late_breach = {**TICKET, "due_at": "2026-09-01T02:03:00+00:00", "breached_at": "2026-12-06T07:59:00+00:00"}
    assert described_at(late_breach, WRITTEN) == datetime(2026, 9, 1, 2, 3, tzinfo=UTC)  # the deadline it tells of
    warning = {**TICKET, "due_at": "2026-09-01T02:03:00+00:00", "warn_at": "2026-09-01T02:02:00+00:00"}
    assert described_at(warning, WRITTEN).minute == 2
    late_escalation = {**TICKET, "trigger_at": "2026-09-01T02:03:00+00:00", "at": "2026-12-06T07:59:00+00:00"}
    assert described_at(late_escalation, WRITTEN).month == 9  # an escalation by a timer catching up: the deadline's
    assert described_at({**TICKET, "trigger_at": None, "at": "2026-09-01T05:00:00+00:00"}, WRITTEN).hour == 5
    assert described_at({"ticket": {"updated_at": "not a time"}}, WRITTEN) == WRITTEN
    assert described_at({"ticket": {"updated_at": "2026-09-01T02:00:00"}}, WRITTEN) == WRITTEN  # no zone: unread


def test_an_event_is_news_within_the_rule_s_window() -> None:
    moment = WRITTEN - timedelta(minutes=DEFAULT_FRESH_FOR_MINUTES)
    assert not_news(moment, WRITTEN, None) is None
    assert not_news(moment - timedelta(seconds=1), WRITTEN, None) == "stale"
    assert not_news(WRITTEN - timedelta(minutes=11), WRITTEN, 10) == "stale"
    assert not_news(WRITTEN - timedelta(days=3), WRITTEN, 4 * 24 * 60) is None
