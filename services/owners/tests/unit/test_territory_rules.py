"""Territories: who covers what, and moving ground between staff."""

from __future__ import annotations

import uuid

import pytest

from owners.domain.errors import Conflict, Invalid
from owners.domain.territories import Patch, check_assignable, check_reassignment

ESTATE, OTHER_ESTATE, BUILDING, OTHER_BUILDING = (uuid.uuid4() for _ in range(4))
ALICE, BOB = uuid.uuid4(), uuid.uuid4()


def test_a_whole_estate_covers_each_of_its_buildings_but_not_another_estate():
    whole = Patch(ESTATE)
    assert whole.covers(Patch(ESTATE, BUILDING))
    assert whole.covers(Patch(ESTATE))
    assert not whole.covers(Patch(OTHER_ESTATE))


def test_a_building_covers_itself_only():
    building = Patch(ESTATE, BUILDING)
    assert building.covers(Patch(ESTATE, BUILDING))
    assert not building.covers(Patch(ESTATE, OTHER_BUILDING))
    assert not building.covers(Patch(ESTATE))


def test_ground_already_covered_cannot_be_assigned_again():
    with pytest.raises(Conflict):
        check_assignable([Patch(ESTATE)], Patch(ESTATE, BUILDING))
    with pytest.raises(Conflict):
        check_assignable([Patch(ESTATE, BUILDING)], Patch(ESTATE, BUILDING))


def test_new_ground_and_a_whole_estate_over_buildings_can_be_assigned():
    check_assignable([Patch(ESTATE, BUILDING)], Patch(ESTATE, OTHER_BUILDING))
    check_assignable([Patch(ESTATE, BUILDING)], Patch(ESTATE))
    check_assignable([], Patch(OTHER_ESTATE))


def test_reassignment_goes_to_another_active_member():
    check_reassignment(ALICE, BOB, to_active=True)
    with pytest.raises(Invalid, match="already belongs"):
        check_reassignment(ALICE, ALICE, to_active=True)
    with pytest.raises(Invalid, match="not active"):
        check_reassignment(ALICE, BOB, to_active=False)
