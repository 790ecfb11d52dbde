"""The diary's rules with no I/O: clashes, off shift, and iCalendar lines as RFC 5545 wants them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tickets.domain.diary import ics, off_shift, overlaps

AT = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
H = timedelta(hours=1)


def test_windows_that_only_touch_do_not_clash() -> None:
    assert not overlaps(AT, AT + H, AT + H, AT + 2 * H)
    assert overlaps(AT, AT + 2 * H, AT + H, AT + 3 * H) and overlaps(AT + H, AT + 3 * H, AT, AT + 2 * H)


def test_on_shift_only_inside_one_open_span() -> None:
    spans = [(AT - 5 * H, AT - H), (AT, AT + 4 * H)]
    assert not off_shift(AT, AT + 4 * H, spans)
    assert off_shift(AT - 2 * H, AT + H, spans)  # across the lunch break
    assert off_shift(AT, AT + H, [])


@given(st.text(min_size=1, max_size=300))
def test_every_line_is_folded_within_75_octets_and_unfolds_to_the_text(title: str) -> None:
    calendar = ics("日程", [{"id": "x", "kind": "task", "title": title, "starts_at": AT, "ends_at": None}], AT)
    assert calendar.endswith("\r\n")
    lines = calendar.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    summary = next(line for line in calendar.replace("\r\n ", "").split("\r\n") if line.startswith("SUMMARY:"))
    unescaped = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), summary.removeprefix("SUMMARY:"))
    assert unescaped == title.replace("\r\n", "\n").replace("\r", "\n")
