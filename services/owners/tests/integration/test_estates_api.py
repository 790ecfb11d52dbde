"""Estates through the HTTP API on the real PostgreSQL: scope, validation, outbox."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from owners.tables import estates, outbox


def _outbox_types(db) -> list[str]:
    with db.connect() as conn:
        return [r.event_type for r in conn.execute(select(outbox.table.c.event_type).order_by(outbox.table.c.seq))]


def test_registering_an_estate_writes_it_and_its_event(client, auth, db):
    response = client.post("/api/v1/estates", json={"code": "SUN", "name": "阳光花园", "city": "深圳"},
                           headers=auth())
    assert response.status_code == 201
    assert response.json["name"] == "阳光花园"
    assert _outbox_types(db) == ["owners.estate.registered.v1"]
    with db.connect() as conn:
        body = json.loads(conn.execute(select(outbox.table.c.body)).scalar_one())
    assert body["data"] == {"estate_id": response.json["id"], "code": "SUN", "name": "阳光花园",
                            "city": "深圳", "address": "", "version": 1}
    assert body["subject"] == response.json["id"]


def test_a_duplicate_code_is_a_conflict_and_changes_nothing(client, auth, db):
    client.post("/api/v1/estates", json={"code": "SUN", "name": "阳光花园"}, headers=auth())
    response = client.post("/api/v1/estates", json={"code": "SUN", "name": "另一个"}, headers=auth())
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(estates)).scalar_one() == 1
    assert _outbox_types(db) == ["owners.estate.registered.v1"]


def test_another_estates_id_answers_404(client, auth):
    mine = client.post("/api/v1/estates", json={"code": "A", "name": "A"}, headers=auth()).json["id"]
    theirs = client.post("/api/v1/estates", json={"code": "B", "name": "B"}, headers=auth()).json["id"]
    manager = auth("estate_manager", [mine])
    assert client.get(f"/api/v1/estates/{mine}", headers=manager).status_code == 200
    response = client.get(f"/api/v1/estates/{theirs}", headers=manager)
    assert response.status_code == 404
    assert client.patch(f"/api/v1/estates/{theirs}", json={"name": "x"}, headers=manager).status_code == 404
    listed = client.get("/api/v1/estates", headers=manager).json["items"]
    assert [e["id"] for e in listed] == [mine]


def test_only_an_operator_admin_registers_estates(client, auth):
    response = client.post("/api/v1/estates", json={"code": "A", "name": "A"}, headers=auth("estate_manager", ["x"]))
    assert response.status_code == 403


def test_the_requests_correlation_id_travels_into_the_event(client, auth, db):
    client.post("/api/v1/estates", json={"code": "SUN", "name": "阳光花园"},
                headers={**auth(), "X-Correlation-ID": "call-centre-42"})
    with db.connect() as conn:
        row = conn.execute(select(outbox.table.c.correlation_id, outbox.table.c.body)).one()
    assert row.correlation_id == "call-centre-42"
    assert json.loads(row.body)["correlationid"] == "call-centre-42"
