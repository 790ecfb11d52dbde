"""The gateway's copies of owners' staff, territories, people and occupancies are declared through
servicekit.owners_copies like every consumer's, and a database copied before (migration 0006) gains
the shared columns: its rows step back one version, so replaying owners' current state fills them,
while an event older than what the copy held still loses."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway import tables
from gateway.service import SERVICE
from servicekit import owners_copies
from servicekit.db import make_engine
from servicekit.envelope import CloudEvent
from servicekit.migrate import alembic_config


def test_the_copies_are_the_shared_declaration_plus_the_mobile():
    from sqlalchemy import MetaData

    shared = MetaData()
    for name in ("staff", "territories", "people", "occupancies"):
        declared = getattr(owners_copies, name)(shared)
        ours = {c.name for c in tables.metadata.tables[name].columns}
        assert {c.name for c in declared.columns} <= ours, name
    assert {c.name for c in tables.people.columns} - {c.name for c in shared.tables["people"].columns} == {"mobile"}


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_copy_made_before_gains_the_columns_and_a_replay_fills_them(dialect, make_database, tmp_path):
    url = f"sqlite:///{tmp_path / 'gateway.sqlite3'}" if dialect == "sqlite" else make_database()
    config = alembic_config(SERVICE, url)
    command.upgrade(config, "0006")
    person, occupancy, territory = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    estate, unit, staff_id, building = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    engine = make_engine(url)
    try:
        with engine.begin() as conn:  # what 0006's copy held (its own columns only), at version 3
            conn.exec_driver_sql("INSERT INTO people (id, estate_id, mobile, version) VALUES (?, ?, ?, 3)"
                                 if dialect == "sqlite" else
                                 "INSERT INTO people (id, estate_id, mobile, version) VALUES (%s, %s, %s, 3)",
                                 (person.hex if dialect == "sqlite" else str(person),
                                  estate.hex if dialect == "sqlite" else str(estate), "13912345678"))
        command.upgrade(config, "head")
        with engine.connect() as conn:
            assert conn.execute(select(tables.people.c.version, tables.people.c.name)).one() == (2, "")
        handlers = SERVICE.event_handlers()
        replayed = [  # `owners replay --consumer gateway --state`: each entity at its current version
            ("owners.person.registered.v1", {"person_id": str(person), "estate_id": str(estate), "name": "王芳",
                                             "language": "en", "version": 3,
                                             "contact_points": [{"kind": "mobile", "value": "13912345678"}]}),
            ("owners.occupant.moved_in.v1", {"occupancy_id": str(occupancy), "estate_id": str(estate),
                                             "unit_id": str(unit), "person_id": str(person), "role": "tenant",
                                             "moved_in_on": "2024-03-01", "moved_out_on": None, "version": 1}),
            ("owners.territory.assigned.v1", {"territory_id": str(territory), "estate_id": str(estate),
                                              "staff_id": str(staff_id), "building_id": str(building), "version": 1}),
        ]
        older = ("owners.person.updated.v1", {"person_id": str(person), "estate_id": str(estate), "name": "旧名",
                                              "version": 1, "contact_points": []})
        with Session(engine) as session:
            for type_, data in [*replayed, older]:
                handlers[type_](session, CloudEvent(type=type_, source="/estatedesk/owners", data=data))
            session.commit()
        with engine.connect() as conn:
            assert conn.execute(select(tables.people.c.name, tables.people.c.language, tables.people.c.mobile,
                                       tables.people.c.version)).one() == ("王芳", "en", "13912345678", 3)
            occupant = conn.execute(select(tables.occupancies.c.role, tables.occupancies.c.moved_in_on)).one()
            assert occupant.role == "tenant" and occupant.moved_in_on.isoformat() == "2024-03-01"
            assert conn.execute(select(tables.territories.c.building_id)).scalar() == building
    finally:
        engine.dispose()
