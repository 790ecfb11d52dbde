"""Business-hours arithmetic: opening hours, weekends, holidays and make-up days, midnight, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickets.sla.calendar import BusinessCalendar, add_business_time, business_seconds_between

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = {str(d): [["08:30", "12:00"], ["13:30", "18:00"]] for d in range(1, 6)}
HOUR = 3600


def office(timezone: str = "Asia/Shanghai", days=()) -> BusinessCalendar:
    return BusinessCalendar.from_rows(OFFICE, timezone, days)


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_within_one_interval() -> None:
    assert add_business_time(sh(2026, 12, 1, 9, 0), HOUR, office()) == sh(2026, 12, 1, 10, 0)


def test_the_lunch_break_does_not_count() -> None:
    assert add_business_time(sh(2026, 12, 1, 11, 0), 2 * HOUR, office()) == sh(2026, 12, 1, 14, 30)
    assert business_seconds_between(sh(2026, 12, 1, 11, 0), sh(2026, 12, 1, 14, 30), office()) == 2 * HOUR


def test_starting_before_opening_starts_at_opening() -> None:
    assert add_business_time(sh(2026, 12, 1, 6, 0), 60, office()) == sh(2026, 12, 1, 8, 31)


def test_ending_exactly_at_closing_is_the_closing() -> None:
    assert add_business_time(sh(2026, 12, 1, 17, 0), HOUR, office()) == sh(2026, 12, 1, 18, 0)


def test_crossing_the_night_and_the_weekend() -> None:
    # Friday 17:00 + 2h: one hour on Friday, one on Monday morning.
    friday = sh(2026, 12, 4, 17, 0)
    assert add_business_time(friday, 2 * HOUR, office()) == sh(2026, 12, 7, 9, 30)
    assert business_seconds_between(friday, sh(2026, 12, 7, 9, 30), office()) == 2 * HOUR


def test_an_interval_across_midnight() -> None:
    night = BusinessCalendar.from_rows({str(d): [["22:00", "24:00"], ["00:00", "06:00"]] for d in range(1, 8)})
    assert add_business_time(sh(2026, 12, 1, 23, 0), 2 * HOUR, night) == sh(2026, 12, 2, 1, 0)


def test_a_holiday_adds_no_time_and_a_make_up_day_does() -> None:
    start = sh(2026, 9, 30, 17, 0)  # Wednesday before the National Day holiday
    plain = add_business_time(start, 2 * HOUR, office())
    assert plain == sh(2026, 10, 1, 9, 30)
    golden_week = [(date(2026, 10, d), "holiday") for d in range(1, 8)]
    assert add_business_time(start, 2 * HOUR, office(days=golden_week)) == sh(2026, 10, 8, 9, 30)
    assert business_seconds_between(sh(2026, 10, 1), sh(2026, 10, 8), office(days=golden_week)) == 0
    # 调休: Saturday 10 October worked instead, with a weekday's hours.
    swapped = [*golden_week, (date(2026, 10, 10), "workday")]
    assert add_business_time(sh(2026, 10, 9, 17, 0), 2 * HOUR, office(days=swapped)) == sh(2026, 10, 10, 9, 30)


def test_without_a_calendar_every_second_counts() -> None:
    start = sh(2026, 12, 5, 23, 0)  # a Saturday night
    assert add_business_time(start, 3 * 60, None) == start + timedelta(minutes=3)
    assert business_seconds_between(start, start + timedelta(hours=5), None) == 5 * HOUR


def test_a_zone_with_daylight_saving_time() -> None:
    # Europe/Berlin springs forward on 29 March 2026 at 02:00: a day open 00:00-24:00 has 23 hours.
    berlin = ZoneInfo("Europe/Berlin")
    always = BusinessCalendar.from_rows({str(d): [["00:00", "24:00"]] for d in range(1, 8)}, "Europe/Berlin")
    day = datetime(2026, 3, 29, tzinfo=berlin)
    assert business_seconds_between(day, datetime(2026, 3, 30, tzinfo=berlin), always) == 23 * HOUR
    # An office day across the autumn change (25 October) is as long as any other.
    berlin_office = office("Europe/Berlin")
    monday = datetime(2026, 10, 26, 8, 30, tzinfo=berlin)
    assert add_business_time(monday, 8 * HOUR, berlin_office) == datetime(2026, 10, 26, 18, 0, tzinfo=berlin)
    friday = datetime(2026, 10, 23, 17, 0, tzinfo=berlin)
    assert add_business_time(friday, 2 * HOUR, berlin_office) == datetime(2026, 10, 26, 9, 30, tzinfo=berlin)


def test_bad_calendars_are_refused() -> None:
    with pytest.raises(ValueError):
        BusinessCalendar.from_rows({"1": [["18:00", "08:00"]]})
    with pytest.raises(ValueError):
        BusinessCalendar.from_rows({"8": [["08:00", "18:00"]]})
    with pytest.raises(ValueError):
        BusinessCalendar.from_rows({"1": [["08:00", "12:00"], ["11:00", "13:00"]]})
    with pytest.raises(ValueError):
        BusinessCalendar.from_rows({"1": []})
    with pytest.raises(ValueError):
        add_business_time(datetime(2026, 12, 1), 60, office())  # naive


# --- properties -------------------------------------------------------------------------------

ZONES = st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC"])
INSTANTS = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC))
SECONDS = st.integers(min_value=0, max_value=40 * 24 * HOUR)
HOLIDAYS = st.lists(st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 3, 1)), max_size=30)


def calendars() -> st.SearchStrategy[BusinessCalendar | None]:
    def build(zone: str, holidays: list[date], weekend_open: bool) -> BusinessCalendar:
        week = dict(OFFICE)
        if weekend_open:
            week["6"] = [["09:00", "12:00"]]
        return BusinessCalendar.from_rows(week, zone, [(d, "holiday") for d in holidays])

    return st.one_of(st.none(), st.builds(build, ZONES, HOLIDAYS, st.booleans()))


@settings(max_examples=200, deadline=None, database=None)  # no example database: a unit test writes no file
@given(calendars(), INSTANTS, SECONDS)
def test_adding_then_measuring_gives_back_the_seconds(calendar, start, seconds) -> None:
    due = add_business_time(start, seconds, calendar)
    assert due >= start
    assert business_seconds_between(start, due, calendar) == seconds


@settings(max_examples=200, deadline=None, database=None)  # no example database: a unit test writes no file
@given(calendars(), INSTANTS, SECONDS, SECONDS)
def test_more_time_never_ends_sooner(calendar, start, a, b) -> None:
    small, large = sorted((a, b))
    assert add_business_time(start, small, calendar) <= add_business_time(start, large, calendar)


@settings(max_examples=200, deadline=None, database=None)  # no example database: a unit test writes no file
@given(calendars(), INSTANTS, INSTANTS, INSTANTS)
def test_measuring_adds_up_over_a_split(calendar, a, b, c) -> None:
    a, b, c = sorted((a, b, c))
    whole = business_seconds_between(a, c, calendar)
    assert whole == business_seconds_between(a, b, calendar) + business_seconds_between(b, c, calendar)


@settings(max_examples=100, deadline=None, database=None)  # no example database: a unit test writes no file
@given(ZONES, INSTANTS, st.integers(min_value=1, max_value=10 * 24 * HOUR),
       st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)))
def test_a_holiday_adds_no_business_time(zone, start, seconds, holiday) -> None:
    plain, closed = office(zone), office(zone, [(holiday, "holiday")])
    zone_info = ZoneInfo(zone)
    day_start = datetime.combine(holiday, datetime.min.time(), tzinfo=zone_info)
    day_end = datetime.combine(holiday + timedelta(days=1), datetime.min.time(), tzinfo=zone_info)
    assert business_seconds_between(day_start, day_end, closed) == 0
    assert add_business_time(start, seconds, closed) >= add_business_time(start, seconds, plain)


@settings(max_examples=100, deadline=None, database=None)  # no example database: a unit test writes no file
@given(calendars(), INSTANTS, SECONDS, st.integers(min_value=0, max_value=30 * 24 * HOUR),
       st.integers(min_value=0, max_value=30 * 24 * HOUR))
def test_a_pause_keeps_what_was_left(calendar, start, seconds, run_for, paused_for) -> None:
    """Paused after ``run_for`` and resumed ``paused_for`` later, the clock still owes what it had left."""
    due = add_business_time(start, seconds, calendar)
    paused_at = start + timedelta(seconds=run_for)
    left = business_seconds_between(paused_at, due, calendar)
    resumed_at = paused_at + timedelta(seconds=paused_for)
    new_due = add_business_time(resumed_at, left, calendar)
    assert new_due >= due
    used = business_seconds_between(start, min(paused_at, due), calendar)
    assert used + business_seconds_between(resumed_at, new_due, calendar) == seconds
