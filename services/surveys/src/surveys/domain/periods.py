"""A wave's period: a quarter, written ``2026-Q4`` (SRV-1: a survey every quarter)."""

from __future__ import annotations

import re
from datetime import date, timedelta

PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")


def quarter_of(day: date) -> str:
    """The period ``day`` lies in: ``2026-Q4`` for any day of October to December 2026."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def bounds(period: str) -> tuple[date, date]:
    """The first and the last day of a period, or ValueError for one not written ``YYYY-Qn``."""
    found = PATTERN.match(period)
    if found is None:
        raise ValueError(f"{period!r} is not a quarter written like 2026-Q4")
    year, quarter = int(found[1]), int(found[2])
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, following - timedelta(days=1)


def previous(period: str, count: int = 1) -> str:
    """The period ``count`` quarters before ``period``."""
    first, _ = bounds(period)
    index = first.year * 4 + (first.month - 1) // 3 - count
    return f"{index // 4}-Q{index % 4 + 1}"
