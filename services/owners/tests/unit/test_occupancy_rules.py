"""Moving out: once, and not before moving in."""

from __future__ import annotations

from datetime import date

import pytest

from owners.domain.errors import Conflict, Invalid
from owners.domain.occupancy import check_move_out

MOVED_IN = date(2024, 3, 1)


def test_moving_out_on_or_after_the_move_in_day_is_fine():
    check_move_out(MOVED_IN, None, MOVED_IN)
    check_move_out(MOVED_IN, None, date(2030, 1, 1))


def test_moving_out_before_moving_in_is_invalid():
    with pytest.raises(Invalid) as caught:
        check_move_out(MOVED_IN, None, date(2024, 2, 29))
    assert caught.value.errors == {"moved_out_on": ["must be on or after 2024-03-01"]}


def test_moving_out_twice_is_a_conflict_whatever_the_date():
    with pytest.raises(Conflict):
        check_move_out(MOVED_IN, date(2024, 6, 1), date(2024, 7, 1))
