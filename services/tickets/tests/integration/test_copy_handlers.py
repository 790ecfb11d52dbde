"""Each handler applies owners' events to tickets' copy: newer wins, a stale event changes nothing,
unknown fields are ignored (on PostgreSQL and SQLite)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, Table, select
from sqlalchemy.orm import Session

from servicekit.copies import preferred_contact
from servicekit.envelope import CloudEvent
from tickets.handlers import HANDLERS
from tickets.service import OWNERS_EVENTS, SURVEYS_EVENTS
from tickets.tables import buildings, estates, occupancies, people, staff, territories, units

ESTATE, BUILDING, UNIT, PERSON = (uuid.uuid4() for _ in range(4))
preferred_mobile = preferred_contact("mobile")


def apply(engine: Engine, type_: str, data: dict[str, Any]) -> None:
    """Apply one event through its handler, in a transaction of its own (as the consumer does)."""
    event = CloudEvent(type=type_, source="/estatedesk/owners", subject=str(uuid.uuid4()), data=data)
    with Session(engine) as session, session.begin():
        HANDLERS[type_](session, event)


def row(engine: Engine, table: Table, id_: uuid.UUID) -> dict[str, Any] | None:
    with engine.connect() as conn:
        found = conn.execute(select(table).where(table.c.id == id_)).mappings().first()
    return None if found is None else dict(found)


def test_every_consumed_type_has_a_handler_and_no_other() -> None:
    assert set(HANDLERS) == set(OWNERS_EVENTS) | set(SURVEYS_EVENTS)


def test_estate_registered_then_updated_then_a_stale_one(db) -> None:
    base = {"estate_id": str(ESTATE), "code": "SUN", "city": "深圳", "address": "科苑路 1 号"}
    apply(db, "owners.estate.registered.v1", {**base, "name": "阳光花园", "version": 1})
    apply(db, "owners.estate.updated.v1", {**base, "name": "阳光花园二期", "version": 2, "brand_new_field": 1})
    apply(db, "owners.estate.registered.v1", {**base, "name": "阳光花园", "version": 1})  # stale, comes again
    assert row(db, estates, ESTATE) == {"id": ESTATE, "code": "SUN", "name": "阳光花园二期", "version": 2}


def test_building_added_updated_and_a_stale_update(db) -> None:
    base = {"estate_id": str(ESTATE), "building_id": str(BUILDING), "code": "2"}
    apply(db, "owners.building.added.v1", {**base, "name": "2栋", "floors": 32, "version": 1})
    apply(db, "owners.building.updated.v1", {**base, "name": "2号楼", "floors": 33, "version": 3})
    apply(db, "owners.building.updated.v1", {**base, "name": "旧名", "floors": 30, "version": 2})
    assert row(db, buildings, BUILDING) == {"id": BUILDING, "estate_id": ESTATE, "code": "2", "name": "2号楼",
                                            "version": 3}


def test_unit_added_updated_and_a_stale_update(db) -> None:
    base = {"estate_id": str(ESTATE), "building_id": str(BUILDING), "unit_id": str(UNIT), "area_m2": "89.50"}
    apply(db, "owners.unit.added.v1", {**base, "number": "2-1202", "floor": 12, "version": 1})
    apply(db, "owners.unit.updated.v1", {**base, "number": "2-1203", "floor": None, "version": 2})
    apply(db, "owners.unit.updated.v1", {**base, "number": "STALE", "floor": 1, "version": 2})  # equal: stale
    assert row(db, units, UNIT) == {"id": UNIT, "estate_id": ESTATE, "building_id": BUILDING, "number": "2-1203",
                                    "floor": None, "version": 2}


def _person(version: int, points: list[dict[str, Any]], name: str = "张伟") -> dict[str, Any]:
    return {"estate_id": str(ESTATE), "person_id": str(PERSON), "name": name, "language": "zh-CN",
            "preferred_channel": "sms", "contact_points": points, "version": version}


def _point(kind: str, value: str, preferred: bool = False) -> dict[str, Any]:
    return {"kind": kind, "value": value, "label": "", "preferred": preferred}


def test_a_person_keeps_the_preferred_mobile_else_the_first(db) -> None:
    apply(db, "owners.person.registered.v1",
          _person(1, [_point("email", "z@example.com", True), _point("mobile", "13800000001"),
                      _point("mobile", "13800000002")]))
    assert row(db, people, PERSON)["mobile"] == "13800000001"  # no preferred mobile: the first
    apply(db, "owners.person.contact_points_changed.v1",
          _person(2, [_point("mobile", "13800000001"), _point("mobile", "13800000002", True)]))
    assert row(db, people, PERSON)["mobile"] == "13800000002"  # the preferred one
    apply(db, "owners.person.updated.v1", _person(3, [_point("email", "z@example.com")], name="张伟伟"))
    assert row(db, people, PERSON) == {"id": PERSON, "estate_id": ESTATE, "name": "张伟伟", "language": "zh-CN",
                                       "mobile": None, "version": 3}  # no mobile left


def test_a_stale_person_event_changes_nothing(db) -> None:
    apply(db, "owners.person.updated.v1", _person(5, [_point("mobile", "13900000005")], name="新名"))
    apply(db, "owners.person.contact_points_changed.v1", _person(4, [_point("mobile", "13900000004")], name="旧名"))
    assert (row(db, people, PERSON)["name"], row(db, people, PERSON)["mobile"]) == ("新名", "13900000005")


def test_preferred_mobile_tolerates_odd_contact_points() -> None:
    assert preferred_mobile(None) is None
    assert preferred_mobile([{"kind": "mobile", "value": ""}, "junk", {"kind": "mobile", "value": "139"}]) == "139"


def test_an_occupant_moves_in_then_out_and_a_late_move_in_changes_nothing(db) -> None:
    occupancy = uuid.uuid4()
    base = {"estate_id": str(ESTATE), "occupancy_id": str(occupancy), "unit_id": str(UNIT),
            "person_id": str(PERSON), "role": "owner", "moved_in_on": "2024-03-01"}
    apply(db, "owners.occupant.moved_in.v1", {**base, "moved_out_on": None, "version": 1})
    assert row(db, occupancies, occupancy)["moved_out_on"] is None
    apply(db, "owners.occupant.moved_out.v1", {**base, "moved_out_on": "2025-06-30", "version": 2})
    apply(db, "owners.occupant.moved_in.v1", {**base, "moved_out_on": None, "version": 1})  # redelivered late
    assert row(db, occupancies, occupancy) == {
        "id": occupancy, "estate_id": ESTATE, "unit_id": UNIT, "person_id": PERSON, "role": "owner",
        "moved_in_on": date(2024, 3, 1), "moved_out_on": date(2025, 6, 30), "version": 2}


def test_staff_joined_updated_and_a_stale_update(db) -> None:
    member = uuid.uuid4()
    base = {"estate_id": str(ESTATE), "staff_id": str(member), "name": "李师傅", "role": "technician",
            "mobile": "13912345678", "email": None}
    apply(db, "owners.staff.joined.v1", {**base, "skills": ["plumbing", "locks"], "active": True, "version": 1})
    apply(db, "owners.staff.updated.v1", {**base, "skills": ["electrical"], "active": False, "version": 2})
    apply(db, "owners.staff.joined.v1", {**base, "skills": ["plumbing", "locks"], "active": True, "version": 1})
    assert row(db, staff, member) == {"id": member, "estate_id": ESTATE, "name": "李师傅", "role": "technician",
                                      "skills": ["electrical"], "active": False, "version": 2}


def test_skills_are_kept_sorted_once_each(db) -> None:
    member = uuid.uuid4()
    apply(db, "owners.staff.joined.v1", {"estate_id": str(ESTATE), "staff_id": str(member), "name": "王",
                                         "role": "technician", "skills": ["plumbing", "locks", "plumbing"],
                                         "active": True, "version": 1})
    assert row(db, staff, member)["skills"] == ["locks", "plumbing"]


@pytest.mark.parametrize("building", [BUILDING, None])
def test_a_released_territory_stays_released_when_its_assignment_comes_late(db, building) -> None:
    territory, member = uuid.uuid4(), uuid.uuid4()
    data = {"estate_id": str(ESTATE), "territory_id": str(territory), "staff_id": str(member),
            "building_id": None if building is None else str(building)}
    apply(db, "owners.territory.assigned.v1", {**data, "version": 1})
    assert row(db, territories, territory)["released"] is False
    apply(db, "owners.territory.released.v1", {**data, "version": 2})
    apply(db, "owners.territory.assigned.v1", {**data, "version": 1})  # stale: the release wins
    assert row(db, territories, territory) == {"id": territory, "estate_id": ESTATE, "staff_id": member,
                                               "building_id": building, "released": True, "version": 2}


def test_a_release_that_comes_before_its_assignment_is_kept(db) -> None:
    territory, member = uuid.uuid4(), uuid.uuid4()
    data = {"estate_id": str(ESTATE), "territory_id": str(territory), "staff_id": str(member), "building_id": None}
    apply(db, "owners.territory.released.v1", {**data, "version": 2})
    apply(db, "owners.territory.assigned.v1", {**data, "version": 1})
    assert row(db, territories, territory)["released"] is True
