"""Business-hours arithmetic: how far a number of business seconds reaches, and how many lie between
two instants, over an estate's working week (TKT-4). Pure: no I/O, instants in, instants out.

A :class:`BusinessCalendar` is a week of open intervals per ISO weekday (1 Monday .. 7 Sunday) in
the estate's time zone, holidays (closed all day) and make-up working days (调休: a day off
normally, worked this time, with the hours of ``workday_hours``, by default those of the first
weekday that has any). ``None`` instead of a calendar means 24x7: every second counts.

Open intervals are wall-clock times of the local day; their length is the real elapsed time
between their instants, so a day whose clock jumps (a zone with daylight saving time) has an hour
more or less, as the people working it experience it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"
# A calendar with no open second in this many days cannot reach a deadline: refuse, don't loop.
SEARCH_DAYS = 3 * 366

Interval = tuple[time, time | None]  # an end of None is midnight at the end of the day ("24:00")


def parse_clock(text: str, *, end: bool = False) -> time | None:
    """``"08:30"`` as a time; ``"24:00"`` (as an end only) is the day's end, returned as None."""
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"{text!r} is not a time of day HH:MM")
    if end and (int(hours), int(minutes)) == (24, 0):
        return None
    return time(int(hours), int(minutes))  # ValueError beyond 23:59


def parse_intervals(pairs: Iterable[Sequence[str]]) -> tuple[Interval, ...]:
    """``[["08:30", "12:00"], ["13:30", "18:00"]]`` as ordered, non-overlapping intervals."""
    intervals: list[Interval] = []
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError(f"an open interval is [start, end], not {list(pair)!r}")
        start, end = parse_clock(pair[0]), parse_clock(pair[1], end=True)
        assert start is not None
        if end is not None and end <= start:
            raise ValueError(f"{pair[0]}-{pair[1]} ends before it starts")
        intervals.append((start, end))
    intervals.sort(key=lambda i: i[0])
    for (_, end), (start, _) in zip(intervals, intervals[1:], strict=False):
        if end is None or end > start:
            raise ValueError("open intervals of a day overlap")
    return tuple(intervals)


def parse_week(week: Mapping[str, Iterable[Sequence[str]]]) -> dict[int, tuple[Interval, ...]]:
    """The ``calendars.week`` JSON (ISO weekday as a string -> intervals) parsed and checked."""
    parsed: dict[int, tuple[Interval, ...]] = {}
    for key, pairs in week.items():
        if str(key) not in {"1", "2", "3", "4", "5", "6", "7"}:
            raise ValueError(f"{key!r} is not an ISO weekday 1-7")
        parsed[int(key)] = parse_intervals(pairs)
    return parsed


@dataclass(frozen=True)
class BusinessCalendar:
    """An estate's working week, holidays and make-up working days, in its time zone."""

    week: Mapping[int, tuple[Interval, ...]]
    timezone: str = DEFAULT_TIMEZONE
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    workday_hours: tuple[Interval, ...] | None = None
    zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "zone", ZoneInfo(self.timezone))
        if not any(self.week.get(d) for d in range(1, 8)) and not self.workdays:
            raise ValueError("a business calendar needs at least one open interval")

    @classmethod
    def from_rows(cls, week: Mapping[str, Iterable[Sequence[str]]], timezone: str = DEFAULT_TIMEZONE,
                  days: Iterable[tuple[date, str]] = ()) -> BusinessCalendar:
        """From a ``calendars`` row's week and zone and its ``calendar_days`` (day, kind) rows."""
        days = list(days)
        return cls(week=parse_week(week), timezone=timezone,
                   holidays=frozenset(d for d, kind in days if kind == "holiday"),
                   workdays=frozenset(d for d, kind in days if kind == "workday"))

    def hours_of(self, day: date) -> tuple[Interval, ...]:
        """The open intervals of a local day: none on a holiday, working hours on a make-up day."""
        if day in self.holidays:
            return ()
        if day in self.workdays:
            if self.workday_hours is not None:
                return self.workday_hours
            return next((self.week[d] for d in range(1, 8) if self.week.get(d)), ())
        return self.week.get(day.isoweekday(), ())

    def open_spans(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The day's open intervals as UTC instants, in order."""
        for start, end in self.hours_of(day):
            opens = datetime.combine(day, start, tzinfo=self.zone).astimezone(UTC)
            if end is None:
                closes = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone).astimezone(UTC)
            else:
                closes = datetime.combine(day, end, tzinfo=self.zone).astimezone(UTC)
            if closes > opens:  # an interval inside a skipped hour (DST) is empty
                yield opens, closes

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("business-time arithmetic needs time-zone aware instants")
    return moment.astimezone(UTC)


def add_business_time(start: datetime, seconds: float, calendar: BusinessCalendar | None) -> datetime:
    """The instant ``seconds`` of business time after ``start`` (24x7 when ``calendar`` is None).

    Starting outside business hours, the clock starts at the next opening; a deadline that ends
    exactly at a closing is that closing, not the next opening."""
    start = _aware(start)
    if seconds < 0:
        raise ValueError("business time to add cannot be negative")
    if calendar is None:
        return start + timedelta(seconds=seconds)
    if seconds == 0:
        return start
    left = timedelta(seconds=seconds)
    day = calendar.local_day(start) - timedelta(days=1)  # an interval of yesterday may end after midnight
    for _ in range(SEARCH_DAYS):
        for opens, closes in calendar.open_spans(day):
            begin = max(opens, start)
            if begin >= closes:
                continue
            if left <= closes - begin:
                return begin + left
            left -= closes - begin
        day += timedelta(days=1)
    raise ValueError(f"the calendar has no open hours within {SEARCH_DAYS} days")


def business_seconds_between(a: datetime, b: datetime, calendar: BusinessCalendar | None) -> float:
    """Business seconds from ``a`` to ``b`` (0 when ``b`` is not after ``a``)."""
    a, b = _aware(a), _aware(b)
    if b <= a:
        return 0.0
    if calendar is None:
        return (b - a).total_seconds()
    total = timedelta()
    day, last = calendar.local_day(a) - timedelta(days=1), calendar.local_day(b)
    while day <= last:
        for opens, closes in calendar.open_spans(day):
            begin, end = max(opens, a), min(closes, b)
            if end > begin:
                total += end - begin
        day += timedelta(days=1)
    return total.total_seconds()
