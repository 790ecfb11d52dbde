"""The suite's one rule for a mobile number (tenancy.phones), which owners and notify both apply."""

from __future__ import annotations

import pytest
from tenancy.phones import NotAMobile, normalize_mobile


@pytest.mark.parametrize("raw", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678",
                                 "008613812345678", "(138)12345678"])
def test_a_mainland_mobile_is_its_eleven_digits(raw):
    assert normalize_mobile(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["1' OR '1'='1", "<b>1</b>", "=HYPERLINK(\"http://x\")", "+1 415 555 0100",
                                 "12812345678", "1381234567", "138123456789", "１３８１２３４５６７８",
                                 "13812345678\x00", "", "1" * 1000, None, 13812345678])
def test_anything_else_is_refused(raw):
    with pytest.raises(NotAMobile) as refused:
        normalize_mobile(raw)
    assert "138" not in str(refused.value) and refused.value.zh


def test_a_masked_number_is_named_as_such():
    with pytest.raises(NotAMobile, match="masked"):
        normalize_mobile("138****5678")
