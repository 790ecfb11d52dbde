"""The few SQL expressions reports need that PostgreSQL and SQLite spell differently."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Float, case, cast, func
from sqlalchemy.sql.elements import ColumnElement

PERIODS = ("day", "week", "month")


def seconds_between(dialect: str, later: Any, earlier: Any) -> ColumnElement[Any]:
    """``later - earlier`` in seconds (null when either is null)."""
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def local_period(dialect: str, instant: Any, unit: str, timezone: str, at: datetime) -> ColumnElement[Any]:
    """The day (``2026-11-10``), week (its Monday, ``2026-11-09``) or month (``2026-11``) an instant
    falls in, in ``timezone``. SQLite has no time zones: there the zone's UTC offset at ``at`` (the
    report's start) is used, which is exact for zones without daylight saving such as China's."""
    if unit not in PERIODS:
        raise ValueError(f"unknown period {unit!r}")
    if dialect == "postgresql":
        local = func.timezone(timezone, instant)
        pattern = "YYYY-MM" if unit == "month" else "YYYY-MM-DD"
        return func.to_char(func.date_trunc(unit, local), pattern)
    offset = ZoneInfo(timezone).utcoffset(at.replace(tzinfo=None))
    minutes = int(offset.total_seconds() // 60) if offset else 0
    local = func.datetime(instant, f"{minutes:+d} minutes")
    if unit == "day":
        return func.strftime("%Y-%m-%d", local)
    if unit == "month":
        return func.strftime("%Y-%m", local)
    return func.date(local, "weekday 0", "-6 days")


def count_where(condition: Any) -> ColumnElement[Any]:
    """How many rows of the group meet ``condition`` (0, not null, when none do)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def average(value: Any) -> ColumnElement[Any]:
    return func.avg(cast(value, Float))

