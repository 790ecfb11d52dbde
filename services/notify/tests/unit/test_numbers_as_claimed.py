"""Phone numbers notify is given are ASCII digits (issue 15): a full-width number is written as ASCII,
text that is no number is refused, in a message's address and in a notice's list alike."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from notify.audiences.spec import check
from notify.messages.schemas import ToSchema
from servicekit.errors import Invalid


def test_a_list_entrys_mobile_is_written_as_ascii_digits():
    audience = check({"list": [{"name": "王芳", "mobile": "１３８ １２３４ ５６７８"}]})
    assert audience["list"][0]["mobile"] == "13812345678"


@pytest.mark.parametrize("mobile", ["call me", "138-1234-567x", "+"])
def test_a_list_entrys_mobile_that_is_no_number_is_refused(mobile):
    with pytest.raises(Invalid) as refused:
        check({"list": [{"name": "王芳", "mobile": mobile}]})
    assert list(refused.value.errors) == ["audience.list.0"]


def test_a_messages_address_is_written_as_ascii_digits():
    assert ToSchema().load({"mobile": "＋８６１３８１２３４５６７８"}) == {"mobile": "+8613812345678"}
    with pytest.raises(ValidationError):
        ToSchema().load({"mobile": "１２３"})  # too short for a phone number
