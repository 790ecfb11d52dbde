"""The handlers of a declared copy (servicekit.copies.copy_handlers) on PostgreSQL and SQLite:
each event writes the row its declaration reads, newer wins, a stale event changes nothing, and a
tombstone (a constant per event type) stays."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Boolean, Engine, MetaData, String, Uuid, select, text
from sqlalchemy.orm import Session

from servicekit.copies import copied, copy_handlers, entity_copy, preferred_contact
from servicekit.db import make_engine
from servicekit.envelope import CloudEvent

ASSIGNED, RELEASED = "owners.territory.assigned.v1", "owners.territory.released.v1"
metadata = MetaData()
people = entity_copy(
    "people", metadata,
    copied("name", String(100)),
    copied("mobile", String(32), nullable=True, field="contact_points", read=preferred_contact("mobile")),
    copied("language", String(10), default="zh-CN", server_default="zh-CN"),
    copied("estate_id", Uuid),
    key="person_id", events=("owners.person.registered.v1", "owners.person.updated.v1"),
)
territories = entity_copy(
    "territories", metadata,
    copied("staff_id", Uuid),
    copied("released", Boolean, server_default=text("false"), per_event={ASSIGNED: False, RELEASED: True}),
    key="territory_id", events=(ASSIGNED, RELEASED),
)
HANDLERS = copy_handlers(people, territories)
ESTATE, PERSON, TERRITORY, STAFF = (uuid.uuid4() for _ in range(4))


@pytest.fixture
def engine(scratch_database) -> Iterator[Engine]:
    value = make_engine(scratch_database(metadata))
    yield value
    value.dispose()


def _apply(engine: Engine, *events: tuple[str, dict[str, Any]]) -> None:
    """The events in one transaction, as the consumer applies a batch."""
    with Session(engine) as session, session.begin():
        for type_, data in events:
            HANDLERS[type_](session, CloudEvent(type=type_, source="/estatedesk/owners", subject="s", data=data))


def _rows(engine: Engine, table: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(select(table)).mappings()]


def _person(version: int, name: str, mobile: str | None = None, **more: Any) -> tuple[str, dict[str, Any]]:
    points = [{"kind": "mobile", "value": mobile, "preferred": True}] if mobile else []
    return ("owners.person.updated.v1" if version > 1 else "owners.person.registered.v1",
            {"person_id": str(PERSON), "estate_id": str(ESTATE), "name": name, "contact_points": points,
             "version": version, **more})


def test_each_event_writes_what_the_declaration_reads_and_newer_wins(engine) -> None:
    _apply(engine, _person(1, "张伟", "13900000001", language="en", city="深圳"))
    assert _rows(engine, people) == [{"id": PERSON, "name": "张伟", "mobile": "13900000001", "language": "en",
                                      "estate_id": ESTATE, "version": 1}]
    _apply(engine, _person(3, "张伟伟"), _person(2, "旧名", "13900000002"))  # a batch: the newest of it wins
    _apply(engine, _person(2, "更旧", "13900000003"))  # stale, arriving late
    assert _rows(engine, people) == [{"id": PERSON, "name": "张伟伟", "mobile": None, "language": "zh-CN",
                                      "estate_id": ESTATE, "version": 3}]


def test_a_released_territory_stays_released_when_an_older_assignment_comes_late(engine) -> None:
    data = {"territory_id": str(TERRITORY), "staff_id": str(STAFF)}
    _apply(engine, (RELEASED, {**data, "version": 2}))
    _apply(engine, (ASSIGNED, {**data, "version": 1}))
    assert _rows(engine, territories) == [{"id": TERRITORY, "staff_id": STAFF, "released": True, "version": 2}]
