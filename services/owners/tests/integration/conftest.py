"""Helpers of the owners API tests: places to put people in, and what the database holds."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from owners.tables import metadata, outbox


@pytest.fixture
def make_place(client, auth) -> Callable[..., dict[str, Any]]:
    """``make_place("SUN", units=["1-101"])``: an estate with one building and its units (ids)."""

    def make(code: str = "SUN", units: tuple[str, ...] = ("1-101",), floors: int | None = 30) -> dict[str, Any]:
        admin = auth()
        estate = client.post("/api/v1/estates", json={"code": code, "name": f"{code} 花园"}, headers=admin).json["id"]
        building = client.post(f"/api/v1/estates/{estate}/buildings",
                               json={"code": "1", "name": "1栋", "floors": floors}, headers=admin).json["id"]
        unit_ids = [client.post(f"/api/v1/buildings/{building}/units", json={"number": n}, headers=admin).json["id"]
                    for n in units]
        return {"estate": estate, "building": building, "units": unit_ids}

    return make


@pytest.fixture
def make_person(client, auth) -> Callable[..., dict[str, Any]]:
    """``make_person(estate, unit=..., mobile=...)``: register a person through the API; their JSON."""

    def make(estate: str, name: str = "张伟", unit: str | None = None, role: str = "owner",
             mobile: str | None = "13812345678", **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"estate_id": estate, "name": name, **extra}
        if mobile:
            body.setdefault("contact_points", [{"kind": "mobile", "value": mobile}])
        if unit:
            body["occupancy"] = {"unit_id": unit, "role": role, "moved_in_on": "2024-03-01"}
        response = client.post("/api/v1/people", json=body, headers=auth())
        assert response.status_code == 201, response.json
        return response.json

    return make


@pytest.fixture
def outbox_events(db: Engine) -> Callable[[], list[dict[str, Any]]]:
    """The outbox's events so far, oldest first, as parsed CloudEvents."""

    def read() -> list[dict[str, Any]]:
        with db.connect() as conn:
            bodies = conn.execute(select(outbox.table.c.body).order_by(outbox.table.c.seq)).scalars()
            return [json.loads(b) for b in bodies]

    return read


@pytest.fixture
def row_counts(db: Engine) -> Callable[[], dict[str, int]]:
    """How many rows every table holds, the outbox included: equal before and after = nothing changed."""

    def count() -> dict[str, int]:
        with db.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in metadata.sorted_tables}

    return count
