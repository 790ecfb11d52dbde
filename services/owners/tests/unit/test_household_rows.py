"""Reading and checking the household CSV, row by row and rows against each other (no I/O)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from owners.domain.households import BadRow, HouseholdRow, InvalidFile, decode, read_households

HEADER = "building,unit,floor,area_m2,role,name,mobile,email,language,preferred_channel,moved_in_on,contact_order\n"


def read(body: str, header: str = HEADER) -> tuple[list[HouseholdRow], list[BadRow]]:
    return read_households(header + body)


def errors_by_line(bad: list[BadRow]) -> dict[int, dict[str, list[str]]]:
    return {b.line: b.errors for b in bad}


def test_a_good_row_is_read_with_normalised_values():
    good, bad = read("3,2-1202,12,89.5,业主,张伟,+86 154-0000-0001,ZW@Example.com,中文,短信,2020/5/1,1\n")
    assert bad == []
    assert good == [HouseholdRow(line=2, building="3", unit="2-1202", floor=12, area_m2=Decimal("89.50"),
                                 role="owner", name="张伟", mobile="15400000001", email="zw@example.com",
                                 language="zh-CN", preferred_channel="sms", moved_in_on=date(2020, 5, 1),
                                 contact_order=1)]


def test_blank_optional_fields_are_none():
    good, _ = read("3,1202,,,tenant,李娜,,,,,,\n")
    row = good[0]
    assert (row.floor, row.area_m2, row.mobile, row.email, row.language, row.preferred_channel,
            row.moved_in_on, row.contact_order) == (None,) * 8


def test_every_bad_field_of_every_bad_row_is_reported_with_its_line():
    _, bad = read(
        "3,1202,12,89.5,owner,张伟,15400000001,,,,,\n"        # line 2: good
        ",1202,abc,-3,landlord,,12345,not-mail,fr,fax,2020-13-01,9\n"  # line 3: everything wrong
        "3,12 02,400,89.555,owner,王芳,,,,sms,,\n"             # line 4
    )
    lines = errors_by_line(bad)
    assert set(lines) == {3, 4}
    assert set(lines[3]) == {"building", "name", "floor", "area_m2", "role", "mobile", "email", "language",
                             "preferred_channel", "moved_in_on", "contact_order"}
    assert set(lines[4]) == {"unit", "floor", "area_m2", "preferred_channel"}
    assert lines[4]["preferred_channel"] == ["sms needs a mobile on the same row"]


def test_chinese_headers_and_a_byte_order_mark_are_understood():
    text = decode("\ufeff楼栋,房号,身份,姓名,手机\n1,101,租户,赵磊,15400000007\n".encode())
    good, bad = read_households(text)
    assert bad == []
    assert (good[0].building, good[0].unit, good[0].role, good[0].mobile) == ("1", "101", "tenant", "15400000007")


def test_a_file_that_is_not_utf8_names_the_line():
    with pytest.raises(InvalidFile) as caught:
        decode("楼栋,房号,身份,姓名\n1,101,业主,张伟\n".encode("gbk"))
    assert caught.value.line == 1


@pytest.mark.parametrize(("header", "message"), [
    ("building,unit,name\n", "missing columns: role"),
    ("building,unit,role,name,colour\n", "unknown columns: colour"),
    ("building,unit,role,name,姓名\n", "columns given twice: name"),
])
def test_an_unusable_header_rejects_the_file(header, message):
    with pytest.raises(InvalidFile, match=message):
        read_households(header + "1,101,owner,张伟\n")


def test_an_empty_file_or_a_header_alone_is_rejected():
    with pytest.raises(InvalidFile, match="empty"):
        read_households("")
    with pytest.raises(InvalidFile, match="no households"):
        read_households(HEADER + "\n\n")


def test_line_numbers_count_blank_lines_and_quoted_line_breaks():
    _, bad = read('3,101,,,owner,"张\n伟",,,,,,\n\n3,102,,,owner,,,,,,,\n')
    assert errors_by_line(bad) == {2: {"name": ["contains a control character"]}, 5: {"name": ["is required"]}}


def test_a_row_with_more_fields_than_the_header_is_bad():
    _, bad = read("3,101,,,owner,张伟,,,,,,,extra\n")
    assert bad[0].line == 2 and "row" in bad[0].errors


def test_a_short_row_reads_the_missing_trailing_fields_as_blank():
    good, bad = read("3,101,,,owner,张伟\n")
    assert bad == [] and good[0].name == "张伟"


def test_the_same_person_twice_in_a_unit_is_reported_on_the_later_line():
    good, bad = read("3,101,,,owner,张伟,15400000001,,,,,\n"
                     "3,101,,,family,张伟,15400000001,,,,,\n")
    assert [r.line for r in good] == [2]
    assert errors_by_line(bad) == {3: {"name": ["this person is already listed for this unit on line 2"]}}


def test_a_unit_described_twice_differently_is_reported():
    _, bad = read("3,101,1,89.5,owner,张伟,,,,,,\n"
                  "3,101,2,89.5,family,李娜,,,,,,\n"
                  "3,101,,,family,王芳,,,,,,\n")
    assert set(errors_by_line(bad)) == {3}
    assert "floor" in bad[0].errors


def test_a_contact_position_taken_twice_in_a_unit_is_reported():
    _, bad = read("3,101,,,owner,张伟,,,,,,1\n"
                  "3,101,,,family,李娜,,,,,,1\n"
                  "3,102,,,owner,王芳,,,,,,1\n")
    assert errors_by_line(bad) == {3: {"contact_order": ["position 1 of this unit is taken on line 2"]}}


def test_one_person_in_two_units_must_not_contradict_themselves():
    good, bad = read("3,101,,,owner,张伟,15400000001,a@example.com,,,,\n"
                     "3,102,,,owner,张伟,15400000001,,,,,\n"
                     "3,103,,,owner,张伟,15400000001,b@example.com,,,,\n")
    assert [r.line for r in good] == [2, 3]
    assert list(errors_by_line(bad)) == [4] and "email" in bad[0].errors


def test_a_bad_row_is_not_held_against_later_rows():
    good, bad = read("3,101,1,,owner,,,,,,,\n"   # bad: no name
                     "3,101,2,,owner,张伟,,,,,,\n")
    assert [b.line for b in bad] == [2]
    assert [r.line for r in good] == [3]


def test_people_are_told_apart_by_name_and_mobile():
    good, _ = read("3,101,,,owner,张伟,15400000001,,,,,\n"
                   "3,102,,,owner,张伟,15400000002,,,,,\n"
                   "3,103,,,owner,张伟,15400000001,,,,,\n"
                   "3,104,,,owner,张伟,,,,,,\n")
    keys = [r.person_key for r in good]
    assert keys[0] == keys[2]
    assert len({keys[0], keys[1], keys[3]}) == 3
