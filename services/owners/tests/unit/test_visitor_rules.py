"""Visitors: ID numbers, time in and out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from owners.domain.errors import Conflict, Invalid
from owners.domain.visitors import (
    check_host_confirmation,
    check_out,
    check_time_in,
    local_day,
    normalize_id_number,
    resident_id_check_char,
)

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def test_the_resident_id_check_character():
    assert resident_id_check_char("11010519491231002") == "X"
    assert resident_id_check_char("44030419900101001") == "1"  # weighted sum 176, 176 % 11 = 0 -> "1"


def test_resident_ids_are_checked_and_written_in_upper_case():
    assert normalize_id_number("resident_id", "110105 19491231 002x") == "11010519491231002X"
    for wrong in ("110105194912310021", "11010519491231002", "1101051949123100XX"):
        with pytest.raises(Invalid):
            normalize_id_number("resident_id", wrong)


def test_passports_and_other_documents():
    assert normalize_id_number("passport", "e1234 5678") == "E12345678"
    with pytest.raises(Invalid):
        normalize_id_number("passport", "E1-234")
    assert normalize_id_number("other", "港澳-H123") == "港澳-H123"
    with pytest.raises(Invalid):
        normalize_id_number("other", "123")


def test_a_visitor_does_not_arrive_in_the_future_beyond_clock_skew():
    check_time_in(NOW + timedelta(minutes=4), NOW)
    with pytest.raises(Invalid):
        check_time_in(NOW + timedelta(hours=1), NOW)


def test_checking_out_once_and_not_before_arriving():
    check_out(NOW, None, NOW)
    with pytest.raises(Invalid):
        check_out(NOW, None, NOW - timedelta(seconds=1))
    with pytest.raises(Conflict):
        check_out(NOW, NOW + timedelta(hours=1), NOW + timedelta(hours=2))


def test_host_confirmation_only_while_the_visitor_is_inside():
    check_host_confirmation(None)
    with pytest.raises(Conflict):
        check_host_confirmation(NOW)


def test_a_desk_day_runs_midnight_to_midnight_in_china():
    start, end = local_day(date(2025, 3, 1))
    assert start.astimezone(UTC) == datetime(2025, 2, 28, 16, 0, tzinfo=UTC)
    assert end - start == timedelta(days=1)
