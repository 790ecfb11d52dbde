"""What the surveys integration tests share: an estate in surveys' copy of owners, written as the
consumer would write it from owners' events (the consumer itself is tested in test_copy.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import insert

from surveys import tables


@dataclass(frozen=True)
class Estate:
    id: uuid.UUID
    buildings: list[uuid.UUID]
    units: list[uuid.UUID]  # building by building
    people: list[uuid.UUID]  # one per unit, its owner
    staff: uuid.UUID


def seed_estate(engine, *, code: str = "SUN", buildings: int = 2, units_each: int = 5,  # noqa: ANN001
                moved_out: int = 0) -> Estate:
    """An estate of ``buildings`` buildings of ``units_each`` occupied units (one owner each; the last
    ``moved_out`` units of each building empty again: its owner moved out), and a supervisor."""
    estate = uuid.uuid4()
    building_ids = [uuid.uuid4() for _ in range(buildings)]
    units, people, occupancies = [], [], []
    for b, building in enumerate(building_ids, 1):
        for n in range(units_each):
            unit, person = uuid.uuid4(), uuid.uuid4()
            units.append({"id": unit, "estate_id": estate, "building_id": building, "number": f"{b}-{101 + n}",
                          "version": 1})
            people.append({"id": person, "estate_id": estate, "name": f"业主{b}{n}", "version": 1})
            gone = n >= units_each - moved_out
            occupancies.append({"id": uuid.uuid4(), "estate_id": estate, "unit_id": unit, "person_id": person,
                                "role": "owner", "moved_in_on": date(2020, 1, 1),
                                "moved_out_on": date(2025, 6, 30) if gone else None, "version": 1})
    staff = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(insert(tables.estates), [{"id": estate, "code": code, "name": "阳光花园", "version": 1}])
        conn.execute(insert(tables.buildings), [{"id": b, "estate_id": estate, "code": str(i), "name": f"{i}栋",
                                                 "version": 1} for i, b in enumerate(building_ids, 1)])
        conn.execute(insert(tables.units), units)
        conn.execute(insert(tables.people), people)
        conn.execute(insert(tables.occupancies), occupancies)
        conn.execute(insert(tables.staff), [{"id": staff, "estate_id": estate, "name": "赵主管", "role": "supervisor",
                                             "active": True, "version": 1}])
    return Estate(estate, building_ids, [u["id"] for u in units], [p["id"] for p in people], staff)


@pytest.fixture
def seeded(db) -> Callable[..., Estate]:  # noqa: ANN001
    """seed_estate on the test's database, with its options."""
    return lambda **options: seed_estate(db, **options)


@pytest.fixture
def estate(db) -> Estate:  # noqa: ANN001
    return seed_estate(db)


@pytest.fixture
def other_estate(db) -> Estate:  # noqa: ANN001
    return seed_estate(db, code="MOON", buildings=1, units_each=2)


@pytest.fixture
def manager(auth, estate) -> Callable[..., dict[str, str]]:  # noqa: ANN001
    return auth("estate_manager", [str(estate.id)])
