"""Quiet hours (wrapping midnight, DST) and recurrence in the estate's time zone."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from notify.schedule.quiet_hours import is_quiet, next_allowed
from notify.schedule.recurrence import check, next_occurrence
from servicekit.errors import Invalid

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
NIGHT = (time(21, 0), time(8, 0))


def local(tz, *args):
    return datetime(*args, tzinfo=tz).astimezone(UTC)


def test_the_window_wraps_midnight():
    assert is_quiet(time(21, 0), *NIGHT) and is_quiet(time(2, 0), *NIGHT) and is_quiet(time(7, 59), *NIGHT)
    assert not is_quiet(time(8, 0), *NIGHT) and not is_quiet(time(20, 59), *NIGHT)
    assert is_quiet(time(13, 0), time(12, 0), time(14, 0)) and not is_quiet(time(14, 0), time(12, 0), time(14, 0))
    assert not is_quiet(time(3, 0), time(0, 0), time(0, 0))


def test_an_evening_message_waits_until_the_next_morning():
    assert next_allowed(local(SHANGHAI, 2026, 3, 1, 22, 30), SHANGHAI, *NIGHT) == local(SHANGHAI, 2026, 3, 2, 8, 0)


def test_an_early_message_waits_until_the_same_morning():
    assert next_allowed(local(SHANGHAI, 2026, 3, 2, 3, 0), SHANGHAI, *NIGHT) == local(SHANGHAI, 2026, 3, 2, 8, 0)


def test_a_daytime_message_goes_now():
    at = local(SHANGHAI, 2026, 3, 2, 12, 0)
    assert next_allowed(at, SHANGHAI, *NIGHT) == at


def test_quiet_hours_across_a_dst_change():
    # New York springs forward on 2026-03-08 (02:00 → 03:00): the night is an hour shorter in UTC.
    waits_until = next_allowed(local(NEW_YORK, 2026, 3, 7, 23, 0), NEW_YORK, *NIGHT)
    assert waits_until == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)  # 08:00 EDT (UTC-4)
    assert waits_until.astimezone(NEW_YORK).hour == 8
    # and falls back on 2026-11-01: 08:00 EST is UTC-5.
    assert next_allowed(local(NEW_YORK, 2026, 10, 31, 23, 0), NEW_YORK, *NIGHT) == datetime(
        2026, 11, 1, 13, 0, tzinfo=UTC)


def test_monthly_on_the_fifth_at_nine_local():
    repeat = check({"every": "month", "day": 5, "time": "09:00"})
    assert next_occurrence(local(SHANGHAI, 2026, 3, 1, 0, 0), repeat, SHANGHAI) == local(SHANGHAI, 2026, 3, 5, 9, 0)
    assert next_occurrence(local(SHANGHAI, 2026, 3, 5, 9, 0), repeat, SHANGHAI) == local(SHANGHAI, 2026, 4, 5, 9, 0)
    assert next_occurrence(local(SHANGHAI, 2026, 12, 6, 0, 0), repeat, SHANGHAI) == local(SHANGHAI, 2027, 1, 5, 9, 0)


def test_day_31_is_clamped_to_the_month_end():
    repeat = check({"every": "month", "day": 31, "time": "09:00"})
    assert next_occurrence(local(SHANGHAI, 2026, 2, 1, 0, 0), repeat, SHANGHAI) == local(SHANGHAI, 2026, 2, 28, 9, 0)
    assert next_occurrence(local(SHANGHAI, 2028, 2, 1, 0, 0), repeat, SHANGHAI) == local(SHANGHAI, 2028, 2, 29, 9, 0)
    assert next_occurrence(local(SHANGHAI, 2026, 4, 30, 10, 0), repeat, SHANGHAI) == local(SHANGHAI, 2026, 5, 31, 9, 0)


def test_weekly_and_daily():
    monday = check({"every": "week", "weekday": 1, "time": "09:00"})
    # 2026-03-04 is a Wednesday: the next Monday is the 9th.
    assert next_occurrence(local(SHANGHAI, 2026, 3, 4, 12, 0), monday, SHANGHAI) == local(SHANGHAI, 2026, 3, 9, 9, 0)
    assert next_occurrence(local(SHANGHAI, 2026, 3, 9, 8, 0), monday, SHANGHAI) == local(SHANGHAI, 2026, 3, 9, 9, 0)
    daily = check({"every": "day", "time": "18:30"})
    assert next_occurrence(local(SHANGHAI, 2026, 3, 4, 18, 30), daily, SHANGHAI) == local(SHANGHAI, 2026, 3, 5, 18, 30)


def test_recurrence_keeps_the_local_time_across_dst():
    daily = check({"every": "day", "time": "09:00"})
    after = next_occurrence(local(NEW_YORK, 2026, 3, 7, 10, 0), daily, NEW_YORK)
    assert after == datetime(2026, 3, 8, 13, 0, tzinfo=UTC) and after.astimezone(NEW_YORK).hour == 9


@pytest.mark.parametrize("repeat", [{"every": "year", "time": "09:00"}, {"every": "month", "day": 32, "time": "09:00"},
                                    {"every": "week", "weekday": 0, "time": "09:00"},
                                    {"every": "day", "time": "25:00"}, {"every": "day", "time": "9:00"},
                                    {"every": "day", "time": "09:00", "day": 3}, {"every": "month", "time": "09:00"}])
def test_bad_repeat_specs_are_refused(repeat):
    with pytest.raises(Invalid):
        check(repeat)
