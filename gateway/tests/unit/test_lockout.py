"""The lockout's backoff (gateway.domain.lockout) and what a new password must be."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain.lockout import Lockout, seconds_left
from gateway.domain.passwords import check_new_password
from servicekit.errors import Invalid

RULE = Lockout(free_failures=5, first_lock=timedelta(seconds=30), longest_lock=timedelta(hours=1))
T0 = datetime(2026, 12, 1, tzinfo=UTC)


def test_a_few_failures_are_free_then_each_doubles_the_lock_up_to_the_ceiling():
    assert [RULE.lock_for(n) for n in range(1, 5)] == [None] * 4
    assert [RULE.lock_for(n).total_seconds() for n in range(5, 13)] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert RULE.lock_for(10_000) == timedelta(hours=1)


@settings(deadline=None, database=None)  # no deadline on a busy machine; no example database file
@given(st.integers(min_value=1, max_value=10_000))
def test_the_lock_never_shrinks_as_failures_grow_and_never_passes_the_ceiling(failures):
    this, after = RULE.lock_for(failures), RULE.lock_for(failures + 1)
    assert (this or timedelta(0)) <= (after or timedelta(0)) <= RULE.longest_lock


def test_retry_after_is_the_whole_seconds_left_and_zero_once_over():
    assert seconds_left(T0 + timedelta(seconds=29.2), T0) == 30
    assert seconds_left(T0, T0) == 0 and seconds_left(None, T0) == 0


@pytest.mark.parametrize("password", ["short", "x" * 129, "Li.Wei.Login"])
def test_a_new_password_is_long_enough_and_not_the_login(password):
    with pytest.raises(Invalid):
        check_new_password(password, "li.wei.login")


def test_a_good_password_passes():
    check_new_password("correct horse battery", "li.wei")
