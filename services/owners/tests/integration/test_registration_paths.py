"""Registering a person writes the same rows on both databases the service runs on: one CTE
statement on PostgreSQL, three statements on SQLite (the embedded default of ``make run``)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from owners.domain.errors import NotFound
from owners.people.use_cases import register_person
from owners.places.use_cases import add_building, add_unit, register_estate
from owners.service import SERVICE
from owners.tables import contact_points, metadata, occupancies, outbox, people
from servicekit.db import make_engine
from servicekit.unit_of_work import UnitOfWork


@pytest.fixture(params=["postgresql", "sqlite"])
def engine(request, db, tmp_path) -> Engine:
    if request.param == "postgresql":
        return db
    engine = make_engine(f"sqlite:///{tmp_path / 'owners.sqlite3'}")
    metadata.create_all(engine)
    return engine


def _uow(engine: Engine) -> UnitOfWork:
    return SERVICE.unit_of_work(sessionmaker(engine, expire_on_commit=False))


def _unit(engine: Engine, code: str) -> tuple[uuid.UUID, uuid.UUID]:
    estate = register_estate(_uow(engine), code=code, name=code)["id"]
    building = add_building(_uow(engine), estate, "1", "1栋")["id"]
    return estate, add_unit(_uow(engine), building, "1-101")["id"]


def _count(engine: Engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_person_with_points_and_a_move_in_is_written_whole(engine):
    estate, unit = _unit(engine, "A")
    person = register_person(_uow(engine), estate, "张伟", contact_points=[
        {"kind": "mobile", "value": "13812345678", "label": "本人"}, {"kind": "email", "value": "z@example.com"}],
        occupancy={"unit_id": unit, "role": "owner", "moved_in_on": date(2024, 3, 1)})
    with engine.connect() as conn:
        stored = conn.execute(select(contact_points.c.kind, contact_points.c.value, contact_points.c.last4,
                                     contact_points.c.preferred, contact_points.c.person_id)
                              .order_by(contact_points.c.kind.desc())).all()
        occupancy = conn.execute(select(occupancies)).mappings().one()
    assert [tuple(r) for r in stored] == [("mobile", "13812345678", "5678", True, person["id"]),
                                          ("email", "z@example.com", None, False, person["id"])]
    assert (occupancy["person_id"], occupancy["unit_id"], occupancy["estate_id"]) == (person["id"], unit, estate)
    assert _count(engine, outbox.table) == 3 + 2  # estate, building, unit; then person and move-in


def test_a_unit_of_another_estate_writes_nothing(engine):
    estate, _ = _unit(engine, "A")
    _, foreign_unit = _unit(engine, "B")
    before = [_count(engine, t) for t in (people, contact_points, occupancies, outbox.table)]
    with pytest.raises(NotFound):
        register_person(_uow(engine), estate, "王芳", contact_points=[{"kind": "mobile", "value": "13900001111"}],
                        occupancy={"unit_id": foreign_unit, "role": "tenant", "moved_in_on": date(2024, 3, 1)})
    assert [_count(engine, t) for t in (people, contact_points, occupancies, outbox.table)] == before


def test_a_person_without_points_or_unit(engine):
    estate, _ = _unit(engine, "A")
    person = register_person(_uow(engine), estate, "Li Na")
    assert person["contact_points"] == [] and person["occupancies"] == []
    assert _count(engine, people) == 1 and _count(engine, contact_points) == 0
