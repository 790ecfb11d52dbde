"""The ordered contact persons of a unit."""

from __future__ import annotations

import uuid

import pytest

from owners.domain.errors import Invalid
from owners.domain.unit_contacts import MAX_CONTACTS, check_contact_order, without

A, B, C = (uuid.uuid4() for _ in range(3))


def test_the_order_given_is_the_order_kept():
    assert check_contact_order([B, A], {A, B, C}) == [B, A]
    assert check_contact_order([], {A}) == []


def test_someone_who_does_not_occupy_the_unit_is_refused_by_position():
    with pytest.raises(Invalid) as caught:
        check_contact_order([A, C], {A, B})
    assert caught.value.errors == {"person_ids": {"1": ["not a current occupant or owner of this unit"]}}


def test_a_person_listed_twice_is_refused():
    with pytest.raises(Invalid) as caught:
        check_contact_order([A, B, A], {A, B})
    assert caught.value.errors == {"person_ids": {"2": ["listed twice"]}}


def test_the_list_is_bounded():
    people = [uuid.uuid4() for _ in range(MAX_CONTACTS + 1)]
    with pytest.raises(Invalid):
        check_contact_order(people, set(people))


def test_when_a_contact_leaves_the_others_move_up():
    assert without([A, B, C], A) == [B, C]
    assert without([A, B], C) == [A, B]
