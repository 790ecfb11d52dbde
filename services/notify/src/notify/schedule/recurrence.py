"""Recurring notices: ``{"every": "month", "day": 5, "time": "09:00"}``, ``{"every": "week",
"weekday": 1, "time": "09:00"}`` (ISO weekday, 1 is Monday) or ``{"every": "day", "time": "09:00"}``,
in the estate's time zone. A month shorter than ``day`` sends on its last day."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from notify.schedule.clock import instant, wall_time
from servicekit.errors import Invalid

EVERY = ("day", "week", "month")


def _refuse(reason: str, reason_zh: str) -> Invalid:
    return Invalid(f"repeat: {reason}", f"重复规则无效：{reason_zh}", errors={"repeat": [reason]})


def check(repeat: Mapping[str, Any]) -> dict[str, Any]:
    """The repeat spec, checked and normalised; a bad one is :class:`Invalid`."""
    every = repeat.get("every")
    if every not in EVERY:
        raise _refuse(f"every must be one of {', '.join(EVERY)}", f"every 应为 {'、'.join(EVERY)} 之一")
    allowed = {"every", "time"} | {"week": {"weekday"}, "month": {"day"}, "day": set()}[every]
    extra = sorted(set(repeat) - allowed)
    if extra:
        raise _refuse(f"unknown field(s) {', '.join(extra)} for every={every}",
                          f"every={every} 时不能有字段 {', '.join(extra)}")
    wall_time(repeat.get("time"), "repeat")
    spec = {"every": every, "time": repeat["time"]}
    if every == "week":
        weekday = repeat.get("weekday")
        if not isinstance(weekday, int) or isinstance(weekday, bool) or not 1 <= weekday <= 7:
            raise _refuse("weekday must be 1 (Monday) to 7 (Sunday)", "weekday 应为1（周一）到7（周日）")
        spec["weekday"] = weekday
    if every == "month":
        day = repeat.get("day")
        if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 31:
            raise _refuse("day must be 1 to 31 (a shorter month sends on its last day)",
                          "day 应为1到31（当月天数不足时在月末发送）")
        spec["day"] = day
    return spec


def _month_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def next_occurrence(after: datetime, repeat: Mapping[str, Any], tz: ZoneInfo) -> datetime:
    """The first occurrence strictly after ``after`` (UTC), as a UTC instant."""
    at = wall_time(repeat["time"], "repeat")
    local = after.astimezone(tz).date()
    every = repeat["every"]
    if every == "day":
        candidates = (local + timedelta(days=n) for n in range(0, 3))
    elif every == "week":
        start = local + timedelta(days=(repeat["weekday"] - local.isoweekday()) % 7)
        candidates = (start + timedelta(days=7 * n) for n in range(0, 3))
    else:
        months = ((local.year + (local.month - 1 + n) // 12, (local.month - 1 + n) % 12 + 1) for n in range(0, 3))
        candidates = (_month_day(year, month, repeat["day"]) for year, month in months)
    for day in candidates:
        when = instant(day, at, tz)
        if when > after:
            return when
    raise AssertionError("unreachable: three periods always hold a later occurrence")
