"""Writing down contact points and the preferred channel: pure rules, no I/O."""

from __future__ import annotations

import pytest
from tenancy.privacy import mask_id_number, mask_phone

from owners.domain.contacts import Channel, ContactKind, InvalidContact, last4, normalize, normalize_mobile
from owners.domain.errors import Invalid
from owners.domain.people import MAX_CONTACT_POINTS, contact_points_of, preferred_channel


@pytest.mark.parametrize("raw", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678",
                                 "008613812345678", "(138)12345678"])
def test_mainland_mobiles_are_written_as_11_digits(raw):
    assert normalize_mobile(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["", "1381234567", "138123456789", "23812345678", "12812345678", "1381234567x",
                                 "+1 415 555 0100"])
def test_anything_else_is_not_a_mobile(raw):
    with pytest.raises(InvalidContact):
        normalize_mobile(raw)


def test_emails_are_lower_case_and_other_values_are_trimmed():
    assert normalize(ContactKind.EMAIL, " Li.Na@Example.COM ") == "li.na@example.com"
    assert normalize(ContactKind.OTHER, " 0755-8888 6666 ") == "0755-8888 6666"
    with pytest.raises(InvalidContact):
        normalize(ContactKind.EMAIL, "li.na@example")
    with pytest.raises(InvalidContact):
        normalize(ContactKind.OTHER, "   ")


def test_last4_is_kept_for_mobiles_only():
    assert last4(ContactKind.MOBILE, "13812345678") == "5678"
    assert last4(ContactKind.EMAIL, "a@b.cn") is None


def test_phone_and_id_masks():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("075588886666") == "075*****6666"
    assert mask_phone("88886666") == "******66"
    assert mask_phone(None) is None
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("E12345678") == "*****5678"


def test_the_first_point_is_preferred_when_none_is_marked():
    points = contact_points_of([{"kind": "email", "value": "a@b.cn"}, {"kind": "mobile", "value": "138 1234 5678"}])
    assert [(p["kind"], p["value"], p["last4"], p["preferred"]) for p in points] == [
        ("email", "a@b.cn", None, True), ("mobile", "13812345678", "5678", False)]


def test_a_marked_preferred_point_is_kept():
    points = contact_points_of([{"kind": "email", "value": "a@b.cn"},
                                {"kind": "mobile", "value": "13812345678", "preferred": True}])
    assert [p["preferred"] for p in points] == [False, True]


def test_two_preferred_points_are_refused():
    with pytest.raises(Invalid, match="only one"):
        contact_points_of([{"kind": "email", "value": "a@b.cn", "preferred": True},
                           {"kind": "mobile", "value": "13812345678", "preferred": True}])


def test_the_same_number_twice_is_refused_even_written_differently():
    with pytest.raises(Invalid) as caught:
        contact_points_of([{"kind": "mobile", "value": "13812345678"}, {"kind": "mobile", "value": "+8613812345678"}])
    assert caught.value.errors == {"contact_points": {"1": {"value": ["listed twice"]}}}


def test_invalid_values_are_reported_by_position():
    with pytest.raises(Invalid) as caught:
        contact_points_of([{"kind": "mobile", "value": "13812345678"}, {"kind": "mobile", "value": "555"}])
    assert list(caught.value.errors["contact_points"]) == ["1"]


def test_too_many_points_are_refused():
    points = [{"kind": "email", "value": f"p{i}@b.cn"} for i in range(MAX_CONTACT_POINTS + 1)]
    with pytest.raises(Invalid):
        contact_points_of(points)


def test_the_channel_defaults_to_the_preferred_points_kind_or_the_app():
    mobile = contact_points_of([{"kind": "mobile", "value": "13812345678"}])
    email = contact_points_of([{"kind": "email", "value": "a@b.cn"}])
    landline = contact_points_of([{"kind": "other", "value": "0755-88886666"}])
    assert preferred_channel(None, mobile) is Channel.SMS
    assert preferred_channel(None, email) is Channel.EMAIL
    assert preferred_channel(None, landline) is Channel.PHONE
    assert preferred_channel(None, []) is Channel.APP


def test_a_requested_channel_must_be_reachable():
    mobile = contact_points_of([{"kind": "mobile", "value": "13812345678"}])
    assert preferred_channel("phone", mobile) is Channel.PHONE
    assert preferred_channel("app", []) is Channel.APP
    for channel in ("email", "sms"):
        with pytest.raises(Invalid, match="needs"):
            preferred_channel(channel, [] if channel == "sms" else mobile)
