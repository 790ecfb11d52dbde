"""The owners events contract (X-4): every event the service really writes to its outbox matches
the CloudEvents envelope and its type's JSON Schema, and the main flows write every type. That every
type has a schema and an AsyncAPI entry, and that their examples validate, is checked for every
service by test_event_contracts.py.

The main flows run through the HTTP API against a database of this module's own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import Engine, select
from tenancy.roles import ROLES

from owners import events
from owners.app import create_app
from owners.service import SERVICE
from owners.settings import Settings
from owners.tables import outbox
from servicekit.auth import TokenVerifier, issue_token
from servicekit.db import make_engine
from servicekit.envelope import parse
from servicekit.migrate import upgrade
from servicekit.tokens import generate_keypair

CONTRACTS = Path(__file__).resolve().parents[2] / "services" / "owners" / "contracts"
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_rfc3339(value: object) -> bool:
    # jsonschema checks date-time only with an optional package; RFC 3339 needs a zone.
    return not isinstance(value, str) or datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


def _validator(path: Path) -> Draft202012Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FORMATS)


def _schema_path(type_: str) -> Path:
    return CONTRACTS / "events" / f"{type_}.json"


@pytest.fixture(scope="module")
def owners(make_database: Callable[[], str]) -> Iterator[tuple[FlaskClient, Callable[..., dict[str, str]], Engine]]:
    """A real owners app on a fresh database, a token maker, and the database."""
    url = make_database()
    upgrade(SERVICE, url)
    private, public = generate_keypair()
    settings = Settings(database_url=url, amqp_url="amqp://unused", port=0, log_level="WARNING",
                        max_body_bytes=64 * 1024, max_import_bytes=1024 * 1024)
    app = create_app(settings, TokenVerifier(public, issuer="contracts", audience="estatedesk", roles=ROLES))

    def token(role: str = "operator_admin") -> dict[str, str]:
        signed = issue_token(private, subject="contract-test", role=role, estates=["*"], issuer="contracts",
                             audience="estatedesk")
        return {"Authorization": f"Bearer {signed}"}

    engine = make_engine(url)
    yield app.test_client(), token, engine
    engine.dispose()


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code < 300, response.get_json()
    return response.get_json() or {}


def _drive_main_flows(client: FlaskClient, token: Callable[..., dict[str, str]]) -> None:
    """Every kind of change the API makes, once."""
    h = token()
    estate = _ok(client.post("/api/v1/estates", json={"code": "CT", "name": "契约花园", "city": "深圳"},
                             headers=h))["id"]
    _ok(client.patch(f"/api/v1/estates/{estate}", json={"address": "科苑路 1 号"}, headers=h))
    building = _ok(client.post(f"/api/v1/estates/{estate}/buildings", json={"code": "2", "name": "2栋", "floors": 30},
                               headers=h))["id"]
    _ok(client.patch(f"/api/v1/buildings/{building}", json={"floors": 32}, headers=h))
    unit = _ok(client.post(f"/api/v1/buildings/{building}/units", json={"number": "2-1202", "area_m2": "89.5"},
                           headers=h))["id"]
    _ok(client.patch(f"/api/v1/units/{unit}", json={"floor": 12}, headers=h))
    owner = _ok(client.post("/api/v1/people", json={
        "estate_id": estate, "name": "张伟", "contact_points": [{"kind": "mobile", "value": "13812345678"}],
        "occupancy": {"unit_id": unit, "role": "owner", "moved_in_on": "2024-03-01"}}, headers=h))
    spouse = _ok(client.post("/api/v1/people", json={"estate_id": estate, "name": "李娜", "language": "en"}, headers=h))
    _ok(client.patch(f"/api/v1/people/{owner['id']}", json={"note": "VIP"}, headers=h))
    _ok(client.put(f"/api/v1/people/{spouse['id']}/contact-points", json={"contact_points": [
        {"kind": "email", "value": "li.na@example.com"}, {"kind": "other", "value": "0755-88886666"}]}, headers=h))
    _ok(client.post(f"/api/v1/units/{unit}/occupants", json={"person_id": spouse["id"], "role": "family"}, headers=h))
    _ok(client.put(f"/api/v1/units/{unit}/contacts", json={"person_ids": [owner["id"], spouse["id"]]}, headers=h))
    _ok(client.post(f"/api/v1/occupancies/{owner['occupancies'][0]['id']}/move-out",
                    json={"moved_out_on": "2025-06-30"}, headers=h))
    plumber = _ok(client.post("/api/v1/staff", json={"estate_id": estate, "name": "李师傅", "role": "technician",
                                                     "skills": ["plumbing"], "mobile": "13912345678"}, headers=h))["id"]
    lead = _ok(client.post("/api/v1/staff", json={"estate_id": estate, "name": "王经理", "role": "first_responsible"},
                           headers=h))["id"]
    _ok(client.patch(f"/api/v1/staff/{plumber}", json={"skills": ["plumbing", "locks"]}, headers=h))
    territory = _ok(client.post(f"/api/v1/staff/{plumber}/territories",
                                json={"estate_id": estate, "building_id": building}, headers=h))["id"]
    moved = _ok(client.post(f"/api/v1/territories/{territory}/reassign", json={"staff_id": lead}, headers=h))["id"]
    assert client.delete(f"/api/v1/territories/{moved}", headers=h).status_code == 204
    engineering = _ok(client.post("/api/v1/departments", json={
        "estate_id": estate, "code": "engineering", "name": "工程部", "supervisor_id": lead,
        "member_ids": [plumber]}, headers=h))["id"]
    _ok(client.put(f"/api/v1/departments/{engineering}/members", json={"member_ids": [plumber, lead]}, headers=h))
    _ok(client.patch(f"/api/v1/departments/{engineering}", json={"supervisor_id": None}, headers=h))
    lift = _ok(client.post("/api/v1/equipment", json={
        "estate_id": estate, "building_id": building, "kind": "lift", "identifier": "2栋-1号梯", "name": "2栋1号客梯",
        "maintenance_contractor": "某电梯维保公司", "installed_on": "2018-06-30"}, headers=h))["id"]
    _ok(client.patch(f"/api/v1/equipment/{lift}", json={"active": False}, headers=h))
    firm = _ok(client.post("/api/v1/companies", json={
        "estate_id": estate, "name": "深圳示例科技有限公司", "unit_ids": [unit],
        "contacts": [{"person_id": spouse["id"], "title": "行政经理"}]}, headers=h))["id"]
    _ok(client.patch(f"/api/v1/companies/{firm}", json={"contacts": [], "note": "已搬离"}, headers=h))


@pytest.fixture(scope="module")
def published(owners) -> list[dict[str, Any]]:
    client, token, engine = owners
    _drive_main_flows(client, token)
    with engine.connect() as conn:
        rows = conn.execute(select(outbox.table.c.event_type, outbox.table.c.body).order_by(outbox.table.c.seq)).all()
    return [{"event_type": r.event_type, **json.loads(r.body)} for r in rows]


def test_the_flows_publish_every_event_type(published):
    assert {e["type"] for e in published} == set(events.EVENT_TYPES)


def test_every_outbox_row_is_a_valid_envelope(published):
    envelope = _validator(CONTRACTS / "envelope.json")
    for event in published:
        body = {k: v for k, v in event.items() if k != "event_type"}
        envelope.validate(body)
        assert event["event_type"] == event["type"]
        parse(json.dumps(body))  # the consumers' own envelope rules


def test_every_outbox_rows_data_matches_its_types_schema(published):
    for event in published:
        errors = list(_validator(_schema_path(event["type"])).iter_errors(event["data"]))
        assert not errors, f"{event['type']}: {[e.message for e in errors]}"


def test_each_entitys_version_goes_up_by_one_with_each_of_its_events(published):
    # Newer wins: a consumer ignores an event whose version is not above its copy's, so a version
    # that stood still or went back would make it drop a real change.
    versions: dict[tuple[str, str], list[int]] = {}
    for event in published:
        # A unit's contact list is versioned apart from the unit itself.
        entity = "unit_contacts" if event["type"] == events.UNIT_CONTACTS_CHANGED else event["type"].split(".")[1]
        versions.setdefault((entity, event["subject"]), []).append(event["data"]["version"])
    assert any(len(seen) > 1 for seen in versions.values())
    for entity, seen in versions.items():
        assert seen == list(range(1, len(seen) + 1)), entity


def test_the_asyncapi_inbox_names_every_type_owners_consumes(contracts) -> None:
    inbox, named = contracts.inbox_types("owners")
    assert named == set(SERVICE.consumes) == set(SERVICE.event_handlers())
    assert inbox["address"] == SERVICE.topology.inbox_queue
