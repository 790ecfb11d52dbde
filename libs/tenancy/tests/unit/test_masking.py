"""How the suite masks phone and ID numbers."""

from __future__ import annotations

import pytest
from tenancy.privacy import mask_id_number, mask_phone


@pytest.mark.parametrize("raw, masked", [
    ("13812345678", "138****5678"), ("075512345", "*******45"), ("123", "***"), ("", ""), (None, None),
])
def test_phone_numbers_are_masked(raw, masked):
    assert mask_phone(raw) == masked


def test_an_id_number_keeps_only_its_region_and_last_four():
    assert mask_id_number("110101199003071234") == "110101********1234"
    assert mask_id_number("E1234567") == "****4567"
