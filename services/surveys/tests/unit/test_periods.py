"""A wave's period is a quarter written YYYY-Qn: its first and last day, the one before it."""

from __future__ import annotations

from datetime import date

import pytest

from surveys.domain.periods import bounds, previous, quarter_of


def test_a_quarter_has_its_first_and_last_day() -> None:
    assert bounds("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    assert bounds("2024-Q1") == (date(2024, 1, 1), date(2024, 3, 31))
    assert quarter_of(date(2026, 12, 6)) == "2026-Q4" and quarter_of(date(2026, 4, 1)) == "2026-Q2"


def test_the_quarter_before_crosses_the_year() -> None:
    assert previous("2026-Q1") == "2025-Q4" and previous("2026-Q4", 3) == "2026-Q1"


@pytest.mark.parametrize("period", ["2026-Q5", "2026-Q0", "2026Q4", "26-Q4", "2026-q4", ""])
def test_anything_else_is_not_a_period(period) -> None:
    with pytest.raises(ValueError, match="2026-Q4"):
        bounds(period)
