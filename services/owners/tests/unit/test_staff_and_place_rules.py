"""Staff skills and roster, and where units sit in their building."""

from __future__ import annotations

import pytest

from owners.domain.errors import Conflict, Invalid
from owners.domain.places import UNIT_NUMBER, check_floor, check_floors_cover_units
from owners.domain.staff import check_can_deactivate, skills_of


def test_skills_are_known_unique_and_sorted():
    assert skills_of(["plumbing", "locks", "plumbing"]) == ["locks", "plumbing"]
    assert skills_of([]) == []


def test_an_unknown_skill_is_named_in_the_error():
    with pytest.raises(Invalid, match="plumbnig"):
        skills_of(["plumbnig", "locks"])


def test_only_a_member_without_territories_leaves_the_roster():
    check_can_deactivate(0)
    with pytest.raises(Conflict, match="2 territories"):
        check_can_deactivate(2)


@pytest.mark.parametrize("number", ["1202", "2-1202", "B1-03", "A-2-1202"])
def test_unit_numbers_residents_use(number):
    assert UNIT_NUMBER.match(number)


@pytest.mark.parametrize("number", ["", "-1202", "2-", "2--1202", "2 1202", "二-1202", "1-2-3-4-5"])
def test_unit_numbers_that_are_typing_errors(number):
    assert not UNIT_NUMBER.match(number)


def test_a_unit_is_not_above_its_buildings_top_floor():
    check_floor(18, 18)
    check_floor(-2, 18)
    check_floor(40, None)
    check_floor(None, 18)
    with pytest.raises(Invalid):
        check_floor(19, 18)


def test_a_building_cannot_shrink_below_its_units():
    check_floors_cover_units(20, 20)
    check_floors_cover_units(20, None)
    with pytest.raises(Conflict):
        check_floors_cover_units(10, 12)
