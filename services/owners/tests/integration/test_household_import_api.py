"""Importing households from CSV through the HTTP API and the CLI, on the real PostgreSQL:
all or nothing, every bad row reported, events through the outbox, scope and size limits."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from tenancy.roles import ROLES

from owners.app import create_app
from owners.household_imports.command import import_households_cli
from owners.places.use_cases import add_building
from owners.service import SERVICE
from owners.tables import (
    buildings,
    contact_points,
    metadata,
    occupancies,
    outbox,
    people,
    unit_contacts,
    units,
)
from servicekit.auth import TokenVerifier

EXAMPLE = Path(__file__).parents[2] / "contracts" / "examples" / "households.csv"
HEADER = "building,unit,floor,role,name,mobile,email,preferred_channel,contact_order\n"


@pytest.fixture
def estate(client, auth) -> str:
    return client.post("/api/v1/estates", json={"code": "SUN", "name": "阳光花园"}, headers=auth()).json["id"]


def post_csv(client, headers, estate_id, body: bytes | str, **params):
    data = body.encode() if isinstance(body, str) else body
    return client.post(f"/api/v1/estates/{estate_id}/household-imports", data=data, content_type="text/csv",
                       query_string=params, headers=headers)


def event_types(db) -> Counter[str]:
    with db.connect() as conn:
        return Counter(conn.execute(select(outbox.table.c.event_type)).scalars())


def counts(db) -> dict[str, int]:
    with db.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in metadata.sorted_tables}


def test_the_example_file_imports_with_every_event_through_the_outbox(client, auth, estate, db):
    response = post_csv(client, auth("service_desk_agent", [estate]), estate, EXAMPLE.read_bytes())
    assert response.status_code == 201, response.json
    assert {k: v for k, v in response.json.items() if k not in ("estate_id", "bad_rows")} == {
        "rows": 9, "imported_rows": 9, "unchanged_rows": 0, "buildings_added": 2, "units_added": 5,
        "people_registered": 8, "moved_in": 9, "contact_lists_changed": 5, "companies_added": 0, "companies_changed": 0,
        "events": 29}
    assert event_types(db) == Counter({
        "owners.estate.registered.v1": 1, "owners.building.added.v1": 2, "owners.unit.added.v1": 5,
        "owners.person.registered.v1": 8, "owners.occupant.moved_in.v1": 9, "owners.unit.contacts_changed.v1": 5})
    table_counts = counts(db)
    assert (table_counts["buildings"], table_counts["units"], table_counts["people"], table_counts["occupancies"],
            table_counts["unit_contacts"]) == (2, 5, 8, 9, 7)


def test_the_events_carry_what_the_api_would_record(client, auth, estate, db):
    post_csv(client, auth(), estate, EXAMPLE.read_bytes())
    with db.connect() as conn:
        bodies = [json.loads(b) for b in conn.execute(
            select(outbox.table.c.body).order_by(outbox.table.c.seq)).scalars()]
        zhang = conn.execute(select(people).where(people.c.name == "张伟")).mappings().one()
        wang = conn.execute(select(people).where(people.c.name == "王芳")).mappings().one()
    registered = [e for e in bodies if e["type"] == "owners.person.registered.v1"]
    data = next(e["data"] for e in registered if e["subject"] == str(zhang["id"]))
    assert data == {"estate_id": estate, "person_id": str(zhang["id"]), "name": "张伟", "language": "zh-CN",
                    "preferred_channel": "sms",
                    "contact_points": [{"kind": "mobile", "value": "15400000001", "label": "", "preferred": True}],
                    "version": 1}
    assert wang["preferred_channel"] == "email"
    moves = [e["data"] for e in bodies if e["type"] == "owners.occupant.moved_in.v1"]
    assert sorted(m["moved_in_on"] for m in moves if m["person_id"] == str(zhang["id"])) == ["2019-06-01", "2022-07-01"]
    order = [e["type"].split(".")[1] for e in bodies[1:]]
    assert order.index("unit") > order.index("building") and order[-1] == "unit"  # parents before children


def test_one_bad_row_imports_nothing_and_every_bad_row_is_reported(client, auth, estate, db):
    before = counts(db)
    body = (HEADER + "1,101,1,owner,张伟,15400000001,,,1\n"
            "1,102,1,landlord,李娜,12345,,,\n"        # line 3: role and mobile
            "1,103,1,owner,王芳,15400000003,,,\n"
            "1,104,1,owner,,15400000004,,email,\n")   # line 5: name and channel
    response = post_csv(client, auth(), estate, body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "nothing was imported" in response.json["detail"]
    rows = response.json["errors"]["rows"]
    assert [(r["line"], sorted(r["errors"])) for r in rows] == [
        (3, ["mobile", "role"]), (5, ["name", "preferred_channel"])]
    assert counts(db) == before


def test_skipping_bad_rows_imports_the_good_ones_and_reports_the_rest(client, auth, estate, db):
    body = (HEADER + "1,101,1,owner,张伟,15400000001,,,1\n"
            "1,102,1,owner,李娜,12345,,,\n"
            "1,101,1,family,张伟,15400000001,,,2\n")   # line 4: the same person twice in 101
    response = post_csv(client, auth(), estate, body, skip_bad_rows="true")
    assert response.status_code == 201
    assert (response.json["rows"], response.json["imported_rows"], response.json["people_registered"]) == (3, 1, 1)
    assert [(b["line"], list(b["errors"])) for b in response.json["bad_rows"]] == [(3, ["mobile"]), (4, ["name"])]
    assert event_types(db)["owners.person.registered.v1"] == 1
    with db.connect() as conn:
        assert conn.execute(select(people.c.name)).scalars().all() == ["张伟"]


def test_importing_the_same_file_again_changes_nothing(client, auth, estate, db):
    post_csv(client, auth(), estate, EXAMPLE.read_bytes())
    before, events_before = counts(db), event_types(db)
    response = post_csv(client, auth(), estate, EXAMPLE.read_bytes())
    assert response.status_code == 201
    assert (response.json["unchanged_rows"], response.json["imported_rows"], response.json["events"]) == (9, 0, 0)
    assert counts(db) == before and event_types(db) == events_before


def test_a_later_file_adds_to_existing_buildings_units_and_people(client, auth, estate, db):
    post_csv(client, auth(), estate, EXAMPLE.read_bytes())
    body = HEADER + "1,1-0101,,family,张小伟,,,,3\n2,1-0401,4,owner,张伟,15400000001,,,\n"
    response = post_csv(client, auth(), estate, body)
    assert response.status_code == 201
    assert {k: response.json[k] for k in ("buildings_added", "units_added", "people_registered", "moved_in",
                                          "contact_lists_changed")} == {
        "buildings_added": 0, "units_added": 1, "people_registered": 1, "moved_in": 2, "contact_lists_changed": 1}
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(people).where(people.c.name == "张伟")).scalar_one() == 1
        order = conn.execute(select(people.c.name).join(unit_contacts, unit_contacts.c.person_id == people.c.id)
                             .join(units, units.c.id == unit_contacts.c.unit_id).where(units.c.number == "1-0101")
                             .order_by(unit_contacts.c.position)).scalars().all()
    assert order == ["张小伟"]  # the file's contact order replaces the unit's


def test_a_new_unit_above_a_known_buildings_top_floor_is_a_bad_row(client, auth, estate, db, engine):
    add_building(SERVICE.unit_of_work(sessionmaker(engine)), UUID(estate), "9", "9栋", floors=10)
    response = post_csv(client, auth(), estate, HEADER + "9,1101,11,owner,张伟,,,,\n9,901,9,owner,李娜,,,,\n")
    assert response.status_code == 422
    assert response.json["errors"]["rows"] == [{"line": 2, "errors": {"floor": ["building 9 has 10 floors"]}}]
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(units)).scalar_one() == 0
    skipped = post_csv(client, auth(), estate, HEADER + "9,1101,11,owner,张伟,,,,\n9,901,9,owner,李娜,,,,\n",
                       skip_bad_rows="true").json
    assert (skipped["rows"], skipped["imported_rows"], [b["line"] for b in skipped["bad_rows"]]) == (2, 1, [2])


def test_chinese_headers_with_a_byte_order_mark_import(client, auth, estate, db):
    body = "\ufeff楼栋,房号,身份,姓名,手机,入住日期\n1,101,业主,张伟,15400000001,2020-01-02\n".encode()
    response = post_csv(client, auth(), estate, body)
    assert response.status_code == 201
    with db.connect() as conn:
        assert conn.execute(select(occupancies.c.role, occupancies.c.moved_in_on)).one()[0] == "owner"
        assert conn.execute(select(contact_points.c.last4)).scalar_one() == "0001"


def test_a_file_that_is_not_utf8_is_refused_with_its_line(client, auth, estate, db):
    response = post_csv(client, auth(), estate, "building,unit,role,name\n1,101,业主,张伟\n".encode("gbk"))
    assert response.status_code == 422
    assert response.json["errors"]["rows"][0]["line"] == 2
    assert counts(db)["buildings"] == 0


def test_another_estate_is_not_found_and_changes_nothing(client, auth, estate, db):
    theirs = client.post("/api/v1/estates", json={"code": "MOON", "name": "月亮湾"}, headers=auth()).json["id"]
    before = counts(db)
    response = post_csv(client, auth("estate_manager", [estate]), theirs, EXAMPLE.read_bytes())
    assert response.status_code == 404
    assert counts(db) == before
    missing = "00000000-0000-4000-8000-000000000000"
    assert post_csv(client, auth(), missing, EXAMPLE.read_bytes()).status_code == 404


def test_technicians_cannot_import(client, auth, estate):
    assert post_csv(client, auth("technician", [estate]), estate, EXAMPLE.read_bytes()).status_code == 403


def test_the_body_must_be_csv(client, auth, estate):
    response = client.post(f"/api/v1/estates/{estate}/household-imports", json={"rows": []}, headers=auth())
    assert response.status_code == 415 and response.mimetype == "application/problem+json"


def test_only_the_import_route_takes_more_than_the_app_wide_limit_and_only_up_to_its_own(settings, keys, auth, db):
    small = dataclasses.replace(settings, max_body_bytes=1024, max_import_bytes=4096)
    verifier = TokenVerifier(keys[1], issuer="test-issuer", audience="estatedesk", roles=ROLES)
    client = create_app(small, verifier).test_client()
    estate = client.post("/api/v1/estates", json={"code": "SUN", "name": "阳光花园"}, headers=auth()).json["id"]
    rows = "".join(f"1,{100 + i},1,owner,住户{i},,,,\n" for i in range(60))
    assert 1024 < len((HEADER + rows).encode()) < 4096
    assert post_csv(client, auth(), estate, HEADER + rows).status_code == 201
    too_big = post_csv(client, auth(), estate, HEADER + rows * 3)
    assert too_big.status_code == 413 and too_big.mimetype == "application/problem+json"
    assert client.post("/api/v1/estates", data="x" * 2048, content_type="application/json",
                       headers=auth()).status_code == 413


def test_the_cli_imports_a_file_and_reports_bad_rows_by_line(settings, estate, db, tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(EXAMPLE.read_bytes())
    bad.write_text(HEADER + "1,101,1,owner,张伟,12345,,,\n", encoding="utf-8")
    assert import_households_cli(SERVICE, settings, "SUN", str(bad)) == 1
    assert "line 2: mobile:" in capsys.readouterr().err
    assert import_households_cli(SERVICE, settings, "SUN", str(good)) == 0
    assert "imported 9 of 9 rows into SUN" in capsys.readouterr().out
    assert import_households_cli(SERVICE, settings, "NOPE", str(good)) == 2
    assert import_households_cli(SERVICE, settings, "SUN", str(tmp_path / "missing.csv")) == 2
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(buildings)).scalar_one() == 2
