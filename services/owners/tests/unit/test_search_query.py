"""What the desk types, read as search criteria (no I/O)."""

from __future__ import annotations

import pytest

from owners.domain.search import (
    AnyOf,
    InvalidQuery,
    LastFour,
    Mobile,
    NamePrefix,
    PhoneElseUnit,
    Unit,
    read_phone,
    read_query,
    read_unit,
    room_numbers,
)


@pytest.mark.parametrize(("q", "criteria"), [
    ("15400000001", [Mobile("15400000001")]),
    ("+86 154 0000 0001", [Mobile("15400000001")]),
    ("154-0000-0001", [Mobile("15400000001")]),
    ("0001", [PhoneElseUnit(LastFour("0001"), Unit("0001"))]),
    ("０００１", [PhoneElseUnit(LastFour("0001"), Unit("0001"))]),
    ("张", [NamePrefix("张")]),
    ("张伟", [NamePrefix("张伟")]),
    ("Emily", [NamePrefix("Emily")]),
    ("302", [Unit("302")]),
    ("2-1202", [AnyOf((Unit("2-1202"), Unit("1202", "2")))]),
    ("3栋1202", [Unit("1202", "3")]),
    ("3号楼2单元1202室", [Unit("2-1202", "3")]),
    ("张 1202", [NamePrefix("张"), PhoneElseUnit(LastFour("1202"), Unit("1202"))]),
    ("  李娜  ", [NamePrefix("李娜")]),
])
def test_free_text_is_read_as_the_desk_means_it(q, criteria):
    assert read_query(q) == criteria


@pytest.mark.parametrize("q", ["", "   ", "a b c d e", "12345678901", "张3"])
def test_queries_that_cannot_be_searched_are_refused(q):
    with pytest.raises(InvalidQuery) as caught:
        read_query(q)
    assert caught.value.field == "q"


def test_a_phone_is_a_whole_mobile_or_its_last_four_digits():
    assert read_phone("154 0000 0001") == Mobile("15400000001")
    assert read_phone("0001") == LastFour("0001")
    for wrong in ("123", "12345", "25001234567"):
        with pytest.raises(InvalidQuery) as caught:
            read_phone(wrong)
        assert caught.value.field == "phone"


def test_a_unit_can_name_its_building():
    assert read_unit("1202") == Unit("1202")
    assert read_unit("B1-03") == AnyOf((Unit("B1-03"), Unit("03", "B1")))
    assert read_unit("A座1202") == Unit("1202", "A")
    with pytest.raises(InvalidQuery):
        read_unit("12 02")


def test_a_bare_room_stands_for_that_room_behind_any_entrance():
    assert room_numbers("1202") == tuple(f"{e}-1202" for e in range(1, 10))
    assert room_numbers("2-1202") == ()
