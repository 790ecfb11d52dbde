"""Newer wins, on owners' side: every entity's version starts at 1 and goes up by one in the
transaction of each change, the import and the demo loader included, and its events carry it."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import insert, select

from owners.service import SERVICE
from owners.tables import outbox, people, units
from servicekit.db import make_engine
from servicekit.migrate import alembic_config, upgrade

HEADER = "building,unit,floor,role,name,mobile,email,preferred_channel,contact_order\n"


def _events(db, type_: str) -> list[dict]:
    with db.connect() as conn:
        bodies = conn.execute(select(outbox.table.c.body).where(outbox.table.c.event_type == type_)
                              .order_by(outbox.table.c.seq)).scalars()
        return [json.loads(b)["data"] for b in bodies]


def _version(db, table, id_) -> int:
    with db.connect() as conn:
        return conn.execute(select(table.c.version).where(table.c.id == uuid.UUID(str(id_)))).scalar_one()


def test_each_change_of_a_unit_raises_its_version_in_the_row_and_the_event(client, auth, make_place, db):
    unit = make_place(units=("1-101",))["units"][0]
    for floor in (1, 2, 3):
        assert client.patch(f"/api/v1/units/{unit}", json={"floor": floor}, headers=auth()).status_code == 200
    assert client.patch(f"/api/v1/units/{unit}", json={"floor": 3}, headers=auth()).status_code == 200  # no change
    assert [e["version"] for e in _events(db, "owners.unit.added.v1")] == [1]
    assert [e["version"] for e in _events(db, "owners.unit.updated.v1")] == [2, 3, 4]
    assert _version(db, units, unit) == 4


def test_new_contact_points_are_a_new_version_of_the_person(client, auth, make_place, make_person, db):
    place = make_place()
    person = make_person(place["estate"], unit=place["units"][0])
    body = {"contact_points": [{"kind": "mobile", "value": "13900001111"}]}
    assert client.put(f"/api/v1/people/{person['id']}/contact-points", json=body, headers=auth()).status_code == 200
    assert client.patch(f"/api/v1/people/{person['id']}", json={"note": "VIP"}, headers=auth()).status_code == 200
    changed = _events(db, "owners.person.contact_points_changed.v1")
    assert [(e["version"], e["name"]) for e in changed] == [(2, "张伟")]  # the whole person, at version 2
    assert [e["version"] for e in _events(db, "owners.person.updated.v1")] == [3]
    assert _version(db, people, person["id"]) == 3


def test_an_import_versions_what_it_creates_and_the_contact_lists_it_replaces(client, auth, make_place, db):
    place = make_place(units=("1-101",))
    body = HEADER + "1,1-101,1,owner,张伟,15400000001,,,1\n1,1-102,1,owner,李娜,15400000002,,,1\n"
    response = client.post(f"/api/v1/estates/{place['estate']}/household-imports", data=body.encode(),
                           content_type="text/csv", headers=auth())
    assert response.status_code == 201, response.json
    again = HEADER + "1,1-101,1,owner,王芳,15400000003,,,1\n"  # a new first contact of an existing unit
    response = client.post(f"/api/v1/estates/{place['estate']}/household-imports", data=again.encode(),
                           content_type="text/csv", headers=auth())
    assert response.status_code == 201, response.json
    assert {e["version"] for e in _events(db, "owners.person.registered.v1")} == {1}
    assert {e["version"] for e in _events(db, "owners.occupant.moved_in.v1")} == {1}
    lists = _events(db, "owners.unit.contacts_changed.v1")
    assert sorted((e["unit_id"] == place["units"][0], e["version"]) for e in lists) == [
        (False, 1), (True, 1), (True, 2)]
    with db.connect() as conn:
        held = dict(conn.execute(select(units.c.number, units.c.contacts_version)).all())
    assert held == {"1-101": 2, "1-102": 1}


def test_migrating_existing_data_starts_every_version_at_1(make_database):
    url = make_database()
    command.upgrade(alembic_config(SERVICE, url), "0001")
    engine = make_engine(url)
    now = datetime.now(UTC)
    estate, building, unit, lonely, person = (uuid.uuid4() for _ in range(5))
    with engine.begin() as conn:  # rows as 0001 knew them: no versions
        conn.exec_driver_sql("INSERT INTO estates (id, code, name, created_at, updated_at) "
                             "VALUES (%s, 'E', 'E', %s, %s)", (estate, now, now))
        conn.exec_driver_sql("INSERT INTO buildings (id, estate_id, code, name, created_at, updated_at) "
                             "VALUES (%s, %s, '1', '1', %s, %s)", (building, estate, now, now))
        for id_, number in ((unit, "101"), (lonely, "102")):
            conn.exec_driver_sql("INSERT INTO units (id, estate_id, building_id, number, created_at, updated_at) "
                                 "VALUES (%s, %s, %s, %s, %s, %s)", (id_, estate, building, number, now, now))
        conn.exec_driver_sql("INSERT INTO people (id, estate_id, name, created_at, updated_at) "
                             "VALUES (%s, %s, 'P', %s, %s)", (person, estate, now, now))
        conn.exec_driver_sql("INSERT INTO unit_contacts (unit_id, position, estate_id, person_id) "
                             "VALUES (%s, 1, %s, %s)", (unit, estate, person))
    upgrade(SERVICE, url)
    with engine.connect() as conn:
        held = {r.id: (r.version, r.contacts_version) for r in conn.execute(select(units))}
        assert conn.execute(select(people.c.version)).scalar_one() == 1
    assert held == {unit: (1, 1), lonely: (1, 0)}  # a list that exists starts at 1; none yet is 0
    with engine.begin() as conn:  # and new rows get 1 from the database when a writer leaves it out
        conn.execute(insert(people).values(id=uuid.uuid4(), estate_id=estate, name="Q", created_at=now,
                                           updated_at=now))
        assert sorted(conn.execute(select(people.c.version)).scalars()) == [1, 1]
    engine.dispose()
