"""Issue 16, "what is stored is what it claims to be": a list audience's mobiles are checked by the
suite's rule (tenancy.phones, as owners writes numbers down) and its e-mails as addresses, so text
posing as a number never reaches the provider."""

import pytest

from notify.audiences import spec
from servicekit.errors import Invalid


def _entry(**given):
    return {"list": [{"name": "王芳", **given}]}


@pytest.mark.parametrize("mobile", ["1' OR '1'='1", "<b>1</b>", "=HYPERLINK(\"http://evil\")", "+1 415 555 0100",
                                    "１３８００００００００", "138****0001", "call me"])
def test_what_is_not_a_mobile_number_is_refused(mobile):
    with pytest.raises(Invalid) as refused:
        spec.check(_entry(mobile=mobile))
    assert "audience.list.0" in refused.value.errors and mobile not in refused.value.args[0]


@pytest.mark.parametrize("email", ["<b>1</b>", "=1+1", "wang@", "not an address"])
def test_what_is_not_an_email_address_is_refused(email):
    with pytest.raises(Invalid):
        spec.check(_entry(email=email))


def test_a_number_is_stored_as_its_eleven_digits():
    checked = spec.check(_entry(mobile="+86 138-0000-0001", email="wang@example.com"))
    assert checked["list"][0]["mobile"] == "13800000001" and checked["list"][0]["email"] == "wang@example.com"
