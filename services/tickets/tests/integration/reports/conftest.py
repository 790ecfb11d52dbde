"""Fixtures of the reports work's tests (attachments, reports, the monthly report): rows written
straight into the tables (the lifecycle's API is built apart), and an app whose attachments go to
a folder of this run's own."""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, insert
from tenancy.roles import ROLES

from servicekit.auth import TokenVerifier
from servicekit.testing import TEST_AUDIENCE, TEST_ISSUER
from tickets.app import create_app
from tickets.tables import buildings, deadlines, estates, people, staff, tickets, units

MAX_ATTACHMENT_BYTES = 100 * 1024  # above the app-wide 64 KiB body limit of the tests' settings
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def app(settings, keys: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Flask:  # noqa: ANN001
    settings = dataclasses.replace(settings, attachments_dir=str(tmp_path_factory.mktemp("attachments")),
                                   max_attachment_bytes=MAX_ATTACHMENT_BYTES)
    return create_app(settings, TokenVerifier(keys[1], issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=ROLES))


@pytest.fixture
def make_estate(db: Engine) -> Callable[..., uuid.UUID]:
    """An estate of the copy; its id."""

    def make(name: str = "阳光花园", code: str | None = None) -> uuid.UUID:
        estate_id = uuid.uuid4()
        with db.begin() as conn:
            conn.execute(insert(estates).values(id=estate_id, code=code or f"E{next(_numbers)}", name=name,
                                                version=1))
        return estate_id

    return make


@pytest.fixture
def make_row(db: Engine) -> Callable[..., uuid.UUID]:
    """A copy row of buildings, units, people or staff: ``make_row(units, estate_id=..., ...)``."""
    defaults: dict[Any, dict[str, Any]] = {
        buildings: {"code": "1", "name": "1栋"},
        units: {"number": "1-101", "floor": 1},
        people: {"name": "王小明"},
        staff: {"name": "李师傅", "role": "technician", "skills": [], "active": True},
    }

    def make(table: Any, **values: Any) -> uuid.UUID:
        row = {"id": uuid.uuid4(), "version": 1, **defaults[table], **values}
        if table is units and "building_id" not in row:
            row["building_id"] = uuid.uuid4()
        with db.begin() as conn:
            conn.execute(insert(table).values(row))
        return row["id"]

    return make


@pytest.fixture
def make_ticket(db: Engine) -> Callable[..., uuid.UUID]:
    """A ticket row of an estate (a received complaint unless told otherwise)."""

    def make(estate_id: uuid.UUID, *, created_at: datetime | None = None, **values: Any) -> uuid.UUID:
        created = created_at or datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
        row = {"id": uuid.uuid4(), "number": f"T{next(_numbers):010d}", "estate_id": estate_id, "kind": "complaint",
               "channel": "desk", "priority": "normal", "title": "电梯异响", "stage": "received",
               "created_by": "test", "created_at": created, "updated_at": created, **values}
        with db.begin() as conn:
            conn.execute(insert(tickets).values(row))
        return row["id"]

    return make


@pytest.fixture
def make_deadline(db: Engine) -> Callable[..., None]:
    """A deadline row of a ticket: ``make_deadline(ticket_id, estate_id, "arrive", "met")``."""

    def make(ticket_id: uuid.UUID, estate_id: uuid.UUID, target: str, state: str, *,
             breached: bool | None = None) -> None:
        at = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
        breached = state == "missed" if breached is None else breached
        with db.begin() as conn:
            conn.execute(insert(deadlines).values(
                id=uuid.uuid4(), ticket_id=ticket_id, estate_id=estate_id, target=target, state=state,
                started_at=at, due_at=at, business_hours=False, breached_at=at if breached else None,
                met_at=at if state == "met" else None))

    return make
