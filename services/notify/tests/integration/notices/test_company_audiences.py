"""A register audience that includes a unit a company occupies (OWN-11, an office tenant) reaches the
company's first reachable contact in its order (notify.audiences.companies): resolved and counted
alike, owners-only audiences leave companies out, a contact who lives there is not taken twice, and
a company with no contact is a warning."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from notify.audiences import spec
from notify.audiences.counting import counted
from notify.audiences.resolve import resolve
from notify.notices.composing import estimate
from notify.tables import opt_outs
from servicekit.rows import now

from .test_counting import TEMPLATE, TODAY


@pytest.fixture
def offices(world):
    """A home, and a tower of offices: one company in two units (no occupant), one without contacts."""
    world.home, world.owner = world.household("1-101", "王芳", mobile="13800000001")
    world.a1201, world.a1202 = world.unit("A-1201", building="A"), world.unit("A-1202", building="A")
    world.empty_office = world.unit("A-1501", building="A")
    world.boss = world.person("老板", mobile=None, email=None)
    world.manager = world.person("陈经理", mobile=None, email="chen@example.com")
    world.front = world.person("前台小周", mobile="13733334444")
    world.company("深圳示例科技有限公司", (world.a1201, world.a1202), (world.boss, world.manager, world.front))
    world.company("空壳公司", (world.empty_office,), ())
    return world


def _resolved(db, world, audience, channels=("sms",), purpose="fee"):  # noqa: ANN001, ANN202
    with Session(db) as session:
        return resolve(session, world.estate_id, spec.check(audience), purpose=purpose, channels=channels,
                       today=TODAY)


def test_each_office_unit_reaches_the_companys_first_contact_the_channels_can_take(db, offices) -> None:
    by_sms = _resolved(db, offices, {"estate": True})
    assert [(r["name"], r["unit_label"], r["excluded"]) for r in by_sms] == [
        ("王芳", "1栋 1-101", None), ("前台小周", "A栋 A-1201", None), ("前台小周", "A栋 A-1202", None)]
    assert by_sms[1]["variables"]["company"] == "深圳示例科技有限公司"
    by_email = _resolved(db, offices, {"units": [str(offices.a1201)]}, channels=("email", "sms"))
    assert [(r["name"], r["email"]) for r in by_email] == [("陈经理", "chen@example.com")]
    owners_only = _resolved(db, offices, {"estate": True, "role": "owners"})
    assert [r["name"] for r in owners_only] == ["王芳"]
    other_building = _resolved(db, offices, {"buildings": [str(offices.buildings["1"])]})
    assert [r["name"] for r in other_building] == ["王芳"]


def test_when_no_contact_can_be_reached_the_first_is_taken_and_marked(db, offices) -> None:
    with offices.engine.begin() as conn:
        conn.execute(insert(opt_outs).values(person_id=offices.front, purpose="activity",
                                             estate_id=offices.estate_id, created_at=now()))
    [found] = _resolved(db, offices, {"units": [str(offices.a1202)]}, purpose="activity")
    assert (found["name"], found["excluded"]) == ("老板", "no_contact")


def test_a_contact_living_in_the_unit_is_one_recipient_there(db, offices) -> None:
    offices.move_in(offices.a1201, offices.front, role="tenant")
    found = _resolved(db, offices, {"units": [str(offices.a1201)]})
    assert [(r["name"], r["variables"].get("company")) for r in found] == [("前台小周", None)]


def test_a_company_with_no_contact_is_a_warning(db, offices, caplog) -> None:
    with caplog.at_level("WARNING", logger="notify.audiences.companies"):
        assert _resolved(db, offices, {"units": [str(offices.empty_office)]}) == []
    assert "has no contact" in caplog.text


@pytest.mark.parametrize("channels", [("sms",), ("email", "sms")])
def test_the_counted_estimate_is_the_resolved_one_with_companies(db, offices, channels) -> None:
    checked = spec.check({"estate": True})
    with Session(db) as session:
        groups = counted(session, offices.estate_id, checked, purpose="fee", channels=channels, today=TODAY)
        everyone = resolve(session, offices.estate_id, checked, purpose="fee", channels=channels, today=TODAY)
    assert sum(count for _, count in groups) == len(everyone) == 3
    variables = {"due_date": "3月31日"}
    assert (estimate(TEMPLATE, variables, groups, channels, "阳光物业", 5)
            == estimate(TEMPLATE, variables, [(r, 1) for r in everyone], channels, "阳光物业", 5))
