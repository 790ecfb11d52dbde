"""Local wall-clock times of an estate and their instants, DST-safe through zoneinfo."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from servicekit.errors import Invalid

DEFAULT_TIMEZONE = "Asia/Shanghai"
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid(f"unknown time zone {name!r}", f"未知的时区 {name!r}",
                      errors={"timezone": ["unknown time zone"]}) from exc


def wall_time(text: str, field: str = "time") -> time:
    """``"HH:MM"`` as a time of day; anything else is :class:`Invalid` naming ``field``."""
    match = _HHMM.match(text or "") if isinstance(text, str) else None
    if match is None:
        raise Invalid(f"{field} must be HH:MM", f"{field} 的时间格式应为 HH:MM",
                      errors={field: ["must be HH:MM (00:00 to 23:59)"]})
    return time(int(match.group(1)), int(match.group(2)))


def instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall time ``at`` on ``day`` in ``tz``. A wall time skipped by a DST change
    is read with the offset before it (so it falls just after the gap); a repeated one is its first."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
