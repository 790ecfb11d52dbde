"""The call's rules with no I/O: rings counted from the ring time (three rings exactly at the
boundary), numbers as the desk and the call-centre write them, outcomes and times that fit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.errors import Invalid
from tickets.domain.calls import check_call, digits, is_last_digits, rings, within_three_rings

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(("seconds", "ring"), [(0, 1), (5.999, 1), (6, 2), (11.999, 2), (12, 3), (17.999, 3),
                                               (18, 4), (60, 11)])
def test_the_ring_a_call_was_answered_on(seconds: float, ring: int) -> None:
    assert rings(seconds) == ring


def test_three_rings_end_exactly_at_three_ring_lengths() -> None:
    assert within_three_rings(17.999) and not within_three_rings(18.0)
    assert within_three_rings(29.999, ring_seconds=10) and not within_three_rings(30, ring_seconds=10)


@given(st.floats(min_value=0, max_value=3600, allow_nan=False), st.floats(min_value=0.5, max_value=30))
def test_within_three_rings_is_less_than_three_ring_lengths(seconds: float, ring: float) -> None:
    assert within_three_rings(seconds, ring) == (seconds // ring < 3)


def test_numbers_keep_their_digits_without_the_country_code() -> None:
    assert digits("+86 138-1234-5678") == digits("0086 13812345678") == digits("13812345678") == "13812345678"
    assert digits("0755-8888 0001") == "075588880001"
    assert is_last_digits("5678") and not is_last_digits("13812345678")


def call(**changes) -> dict:
    return {"number": "13812345678", "ring_started_at": T0, "answered_at": T0 + timedelta(seconds=9),
            "ended_at": T0 + timedelta(minutes=3), "outcome": "answered", **changes}


@pytest.mark.parametrize(("changes", "field"), [
    ({"outcome": "missed"}, "answered_at"),
    ({"answered_at": None}, "answered_at"),
    ({"answered_at": T0 - timedelta(seconds=1)}, "answered_at"),
    ({"ended_at": T0 + timedelta(seconds=5)}, "ended_at"),
    ({"number": "5678"}, "number"),
])
def test_outcomes_and_times_that_do_not_fit_are_refused(changes: dict, field: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_call(call(**changes))
    assert field in refused.value.errors


def test_calls_that_fit_pass() -> None:
    check_call(call())
    check_call(call(outcome="missed", answered_at=None, ended_at=T0 + timedelta(seconds=30)))
    check_call(call(outcome="abandoned", answered_at=None, ended_at=None))
