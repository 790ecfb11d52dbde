"""Departments' rules (OWN-9), no I/O: codes, templates without people, members each once, staff who work here."""

from __future__ import annotations

import uuid

import pytest

from owners.domain import departments as rules
from owners.domain.errors import Invalid


@pytest.mark.parametrize("code", ["engineering", "customer_service", "f2"])
def test_a_code_is_lower_case_letters_digits_and_underscores(code):
    rules.check_code(code)


@pytest.mark.parametrize("code", ["E", "Engineering", "2nd", "工程", "a" * 41, "a-b"])
def test_other_codes_are_refused(code):
    with pytest.raises(Invalid):
        rules.check_code(code)


def test_a_template_has_no_supervisor_and_no_members():
    rules.check_template(None, None, [])
    rules.check_template(uuid.uuid4(), uuid.uuid4(), [uuid.uuid4()])
    for supervisor, members in ((uuid.uuid4(), []), (None, [uuid.uuid4()])):
        with pytest.raises(Invalid) as refused:
            rules.check_template(None, supervisor, members)
        assert refused.value.message.zh


def test_members_are_each_once_in_a_stable_order():
    a, b = uuid.uuid4(), uuid.uuid4()
    assert rules.members_of([b, a, b]) == rules.members_of([a, b]) == sorted([a, b], key=str)


def test_a_member_works_for_the_estate_and_is_active():
    estate, here, idle, away = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    found = {here: {"active": True, "works_here": True}, idle: {"active": False, "works_here": True}}
    rules.check_staff(estate, [here], found, "member_ids")
    with pytest.raises(Invalid) as refused:
        rules.check_staff(estate, [here, away], found, "member_ids")
    assert str(away) in refused.value.errors["member_ids"][0]
    with pytest.raises(Invalid):
        rules.check_staff(estate, [idle], found, "supervisor_id")
