"""Searching people through the HTTP API on the real PostgreSQL: by name, phone, last four and
unit, always within the caller's estates, paginated, numbers masked."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from owners.tables import occupancies, people

SUN = """building,unit,floor,role,name,mobile,contact_order
1,2-1202,12,owner,张伟,15400001234,1
1,2-1202,12,family,张敏,15400005678,2
1,1202,12,owner,李娜,15400002222,
2,1-302,3,tenant,王芳,15400003333,1
2,1-302,3,owner,张伟,15400001234,2
"""
# Another estate: a namesake of 张伟, and somebody with the very same mobile number.
MOON = """building,unit,floor,role,name,mobile
1,2-1202,12,owner,张伟,15400009999
1,101,1,owner,赵磊,15400001234
"""


@pytest.fixture
def estates(client, auth) -> dict[str, str]:
    ids = {}
    for code, households in (("SUN", SUN), ("MOON", MOON)):
        ids[code] = client.post("/api/v1/estates", json={"code": code, "name": code}, headers=auth()).json["id"]
        response = client.post(f"/api/v1/estates/{ids[code]}/household-imports", data=households.encode(),
                               content_type="text/csv", headers=auth())
        assert response.status_code == 201, response.json
    return ids


def search(client, headers, **params):
    response = client.get("/api/v1/people", query_string=params, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def names(page) -> list[str]:
    return [hit["name"] for hit in page["items"]]


def test_a_name_prefix_finds_the_people_of_the_callers_estate_only(client, auth, estates):
    desk = auth("service_desk_agent", [estates["SUN"]])
    assert sorted(names(search(client, desk, q="张"))) == ["张伟", "张敏"]
    assert names(search(client, desk, name="张伟")) == ["张伟"]
    assert names(search(client, desk, q="赵")) == []  # 赵磊 lives in MOON
    everywhere = search(client, auth(), q="张伟")
    assert sorted(hit["estate"]["code"] for hit in everywhere["items"]) == ["MOON", "SUN"]


def test_a_full_mobile_finds_its_owner_within_scope(client, auth, estates):
    desk = auth("service_desk_agent", [estates["SUN"]])
    for q in ("15400001234", "+86 154 0000 1234"):
        page = search(client, desk, q=q)
        assert names(page) == ["张伟"] and page["items"][0]["estate"]["code"] == "SUN"
    assert sorted(names(search(client, auth(), phone="154-0000-1234"))) == ["张伟", "赵磊"]


def test_four_digits_find_the_last_four_of_a_mobile_or_a_unit(client, auth, estates):
    desk = auth("service_desk_agent", [estates["SUN"]])
    assert names(search(client, desk, q="5678")) == ["张敏"]
    assert names(search(client, desk, phone="2222")) == ["李娜"]
    # 1202 is unit "1202" of building 1, and room 1202 behind entrance 2 ("2-1202")
    assert sorted(names(search(client, desk, q="1202"))) == ["张伟", "张敏", "李娜"]
    assert names(search(client, desk, q="9999")) == []  # MOON's number


def test_a_unit_number_finds_its_current_occupants_with_their_units(client, auth, estates):
    desk = auth("technician", [estates["SUN"]])
    assert sorted(names(search(client, desk, q="2-1202"))) == ["张伟", "张敏"]
    page = search(client, desk, q="2栋1-302")
    assert sorted(names(page)) == ["张伟", "王芳"]
    zhang = next(hit for hit in page["items"] if hit["name"] == "张伟")
    assert [(u["building_code"], u["unit_number"], u["role"]) for u in zhang["units"]] == [
        ("1", "2-1202", "owner"), ("2", "1-302", "owner")]
    assert names(search(client, desk, unit="1-302", name="王")) == ["王芳"]
    # building 1, room 1202: unit "1202" and "2-1202" (room 1202 behind entrance 2)
    assert sorted(names(search(client, desk, q="1栋1202"))) == ["张伟", "张敏", "李娜"]
    assert names(search(client, desk, q="2栋1202")) == []


def test_mobiles_are_masked_and_no_full_number_is_in_the_answer(client, auth, estates):
    response = client.get("/api/v1/people", query_string={"q": "15400001234"}, headers=auth())
    assert response.status_code == 200
    assert "15400001234" not in response.get_data(as_text=True)
    assert [hit["mobiles"] for hit in response.json["items"]] == [["154****1234"], ["154****1234"]]


def test_an_estate_filter_must_be_within_scope(client, auth, estates):
    desk = auth("service_desk_agent", [estates["SUN"]])
    assert names(search(client, desk, q="张伟", estate_id=estates["SUN"])) == ["张伟"]
    response = client.get("/api/v1/people", query_string={"q": "张伟", "estate_id": estates["MOON"]}, headers=desk)
    assert response.status_code == 404
    assert names(search(client, auth(), q="张伟", estate_id=estates["MOON"])) == ["张伟"]


def test_pages_are_bounded_and_say_whether_more_follow(client, auth, estates):
    desk = auth("service_desk_agent", [estates["SUN"]])
    first = search(client, desk, q="张", page_size=1)
    second = search(client, desk, q="张", page_size=1, page=2)
    third = search(client, desk, q="张", page_size=1, page=3)
    assert (first["has_more"], second["has_more"], third["has_more"]) == (True, False, False)
    assert len(first["items"]) == len(second["items"]) == 1 and third["items"] == []
    assert first["items"][0]["id"] != second["items"][0]["id"]
    for bad in ({"page_size": 101}, {"page_size": 0}, {"page": 0}):
        response = client.get("/api/v1/people", query_string={"q": "张", **bad}, headers=desk)
        assert response.status_code == 422 and response.mimetype == "application/problem+json"


def test_a_person_who_moved_out_is_no_longer_found_by_that_unit(client, auth, estates, db):
    with db.begin() as conn:
        wang = conn.execute(select(people.c.id).where(people.c.name == "王芳")).scalar_one()
        conn.execute(update(occupancies).where(occupancies.c.person_id == wang).values(moved_out_on=date.today()))
    desk = auth("service_desk_agent", [estates["SUN"]])
    assert names(search(client, desk, q="2栋1-302")) == ["张伟"]
    assert search(client, desk, q="王芳")["items"][0]["units"] == []


@pytest.mark.parametrize(("params", "field"), [
    ({}, "q"), ({"phone": "123"}, "phone"), ({"unit": "12 02"}, "unit"), ({"q": "a b c d e"}, "q")])
def test_a_search_without_a_usable_criterion_is_a_problem(client, auth, params, field):
    response = client.get("/api/v1/people", query_string=params, headers=auth())
    assert response.status_code == 422
    assert field in response.json["errors"]["query"]


def test_owners_cannot_search_people(client, auth, estates):
    response = client.get("/api/v1/people", query_string={"q": "张"}, headers=auth("owner", [estates["SUN"]]))
    assert response.status_code == 403


# Units 2001 behind three entrances, and one person, living elsewhere, whose mobile ends in 2001.
STAR = """building,unit,floor,role,name,mobile
1,2001,20,owner,周一,15400007001
1,1-2001,20,owner,周二,15400007002
1,2-2001,20,owner,周三,15400007003
2,3-2001,20,owner,孙四,15400007004
2,1-101,1,owner,吴五,15400002001
"""


def test_four_digits_find_the_phone_first_and_units_only_when_asked_or_no_phone_matches(client, auth):
    """Issue 15: ``q=2001`` answered 20 people, one of them with that mobile."""
    star = client.post("/api/v1/estates", json={"code": "STAR", "name": "STAR"}, headers=auth()).json["id"]
    imported = client.post(f"/api/v1/estates/{star}/household-imports", data=STAR.encode(), content_type="text/csv",
                           headers=auth())
    assert imported.status_code == 201, imported.json
    desk = auth("service_desk_agent", [star])
    assert names(search(client, desk, q="2001")) == ["吴五"]  # the mobile, not the four units
    assert names(search(client, desk, q="２００１")) == ["吴五"]
    assert sorted(names(search(client, desk, unit="2001"))) == ["周一", "周三", "周二", "孙四"]
    # No 周 has a mobile ending in 2001: the four digits are read as the unit.
    assert sorted(names(search(client, desk, q="周 2001"))) == ["周一", "周三", "周二"]
    assert names(search(client, desk, q="7003")) == ["周三"]
    assert names(search(client, desk, q="0101")) == []  # neither a mobile nor a unit
