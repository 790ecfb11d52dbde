"""Audiences resolved against the copy, on PostgreSQL and SQLite: estate, buildings, units, owners
or all current occupants, a list with its own variables; opt-outs and no-contact rows kept, marked."""

from datetime import date

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from notify.audiences import spec
from notify.audiences.resolve import NO_CONTACT, OPTED_OUT, resolve
from notify.tables import opt_outs
from servicekit.errors import Invalid
from servicekit.rows import now

TODAY = date(2026, 3, 2)


def run(engine, world, audience, purpose="fee", channels=("sms", "email", "in_app")):
    with Session(engine) as session:
        return resolve(session, world.estate_id, spec.check(audience), purpose=purpose, channels=channels,
                       today=TODAY)


@pytest.fixture
def estate(world):
    u1, owner = world.household("2-1202", "王芳", mobile="13800000001")
    tenant = world.person("李伟", mobile="13800000002")
    world.move_in(u1, tenant, "tenant")
    world.move_in(u1, owner, "family")  # a second role in the same unit: still one recipient
    u2, owner2 = world.household("1-101", "张强", building="2", mobile=None, email="zq@example.com")
    gone = world.person("赵六", mobile="13800000009")
    world.move_in(u2, gone, "tenant", moved_out_on=date(2026, 1, 1))
    return {"u1": u1, "u2": u2, "owner": owner, "tenant": tenant, "owner2": owner2, "gone": gone}


def test_the_estates_occupants_one_per_person_and_unit_moved_out_excluded(db, world, estate):
    found = run(db, world, {"estate": True})
    assert sorted((r["name"], r["unit_label"]) for r in found) == [("张强", "2栋 1-101"), ("李伟", "1栋 2-1202"),
                                                                   ("王芳", "1栋 2-1202")]
    wang = next(r for r in found if r["name"] == "王芳")
    assert wang["variables"] == {"name": "王芳", "unit": "1栋 2-1202", "estate": "阳光花园"}
    assert all(r["excluded"] is None for r in found)


def test_owners_only(db, world, estate):
    assert sorted(r["name"] for r in run(db, world, {"estate": True, "role": "owners"})) == ["张强", "王芳"]


def test_buildings_and_units(db, world, estate):
    assert [r["name"] for r in run(db, world, {"buildings": [str(world.buildings["2"])]})] == ["张强"]
    assert sorted(r["name"] for r in run(db, world, {"units": [str(estate["u1"])], "role": "occupants"})) == [
        "李伟", "王芳"]


def test_another_estates_unit_is_refused(db, world, estate, make_world):
    other = make_world()
    with pytest.raises(Invalid) as raised:
        run(db, world, {"units": [str(estate["u1"]), str(other.unit("9-9"))]})
    assert list(raised.value.errors) == ["audience.units"]


def test_opted_out_and_no_contact_are_kept_marked(db, world, estate):
    with db.begin() as conn:
        conn.execute(insert(opt_outs).values(person_id=estate["tenant"], purpose="activity",
                                             estate_id=world.estate_id, created_at=now()))
    found = {r["name"]: r["excluded"] for r in run(db, world, {"estate": True}, purpose="activity",
                                                   channels=("sms",))}
    assert found == {"王芳": None, "李伟": OPTED_OUT, "张强": NO_CONTACT}
    # an essential notice ignores the opt-out; e-mail reaches 张强
    found = {r["name"]: r["excluded"] for r in run(db, world, {"estate": True}, purpose="fee",
                                                   channels=("sms", "email"))}
    assert found == {"王芳": None, "李伟": None, "张强": None}


def test_a_list_with_its_own_variables(db, world, estate):
    found = run(db, world, {"list": [
        {"person_id": str(estate["owner"]), "unit_id": str(estate["u1"]), "variables": {"amount": "320.00"}},
        {"person_id": str(estate["owner"]), "unit_id": str(estate["u1"]), "variables": {"amount": "1"}},
        {"name": "陈先生", "mobile": "13900000000", "language": "en", "variables": {"amount": "88.50"}}]})
    assert [(r["name"], r["unit_label"], r["mobile"], r["variables"]["amount"]) for r in found] == [
        ("王芳", "1栋 2-1202", "13800000001", "320.00"), ("陈先生", None, "13900000000", "88.50")]
    assert found[1]["language"] == "en" and found[1]["variables"]["unit"] == ""


def test_a_list_naming_a_stranger_is_refused(db, world, estate):
    with pytest.raises(Invalid) as raised:
        run(db, world, {"list": [{"person_id": "00000000-0000-0000-0000-000000000001"}]})
    assert "audience.list.0" in raised.value.errors
