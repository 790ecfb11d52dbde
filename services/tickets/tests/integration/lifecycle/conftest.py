"""Helpers of the lifecycle tests: a copy of owners' data (as the consumer would have written it),
categories, and what the outbox and the tables hold."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select

from tickets.events import TICKET_ESCALATED
from tickets.tables import buildings, categories, estates, outbox, people, staff, tickets, units


def add_place(engine: Engine, code: str = "SUN") -> dict[str, Any]:
    """An estate of the copy with a building, two units, two people, staff and a repair category."""
    ids = {name: uuid.uuid4() for name in ("estate", "building", "unit", "unit2", "person", "person2",
                                           "technician", "technician2", "supervisor")}
    with engine.begin() as conn:
        conn.execute(insert(estates).values(id=ids["estate"], code=code, name=f"{code} 花园", version=1))
        conn.execute(insert(buildings).values(id=ids["building"], estate_id=ids["estate"], code="1", name="1栋",
                                              version=1))
        for key, number in (("unit", "1-101"), ("unit2", "1-102")):
            conn.execute(insert(units).values(id=ids[key], estate_id=ids["estate"], building_id=ids["building"],
                                              number=number, floor=1, version=1))
        for key, name, mobile in (("person", "李伟", "13812345678"), ("person2", "王芳", "13900001111")):
            conn.execute(insert(people).values(id=ids[key], estate_id=ids["estate"], name=name, mobile=mobile,
                                               version=1))
        for key, role in (("technician", "technician"), ("technician2", "technician"),
                          ("supervisor", "supervisor")):
            conn.execute(insert(staff).values(id=ids[key], estate_id=ids["estate"], name=f"{key} 张", role=role,
                                              skills=["plumbing"], active=True, version=1))
        conn.execute(insert(categories).values(id=uuid.uuid4(), estate_id=None, kind="repair", code="plumbing",
                                               name_zh="水管", name_en="Plumbing", skill="plumbing"))
    return {key: str(value) for key, value in ids.items()}


@pytest.fixture
def place(db: Engine) -> dict[str, Any]:
    return add_place(db)


@pytest.fixture
def make_place(db: Engine) -> Callable[[str], dict[str, Any]]:
    """``make_place("DEMO")``: another estate of the copy, by its code."""
    return lambda code: add_place(db, code)


@pytest.fixture
def other_place(db: Engine) -> dict[str, Any]:
    """A second estate of the copy, which the place's desk cannot see."""
    return add_place(db, "MOON")


@pytest.fixture
def complaint(place: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """The body of a new complaint about the place's unit; keyword arguments change it."""

    def body(**changes: Any) -> dict[str, Any]:
        return {"estate_id": place["estate"], "unit_id": place["unit"], "person_id": place["person"],
                "kind": "complaint", "channel": "phone", "complaint_class": "management",
                "quality_aspect": "attitude", "title": "保安态度差", "description": "门岗保安态度恶劣", **changes}

    return body


@pytest.fixture
def desk(auth: Callable[..., dict[str, str]], place: dict[str, Any]) -> dict[str, str]:
    """A service desk agent of the place's estate (a test module may define its own)."""
    return auth("service_desk_agent", [place["estate"]])


@pytest.fixture
def opened(client: Any, desk: dict[str, str], complaint: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """The place's complaint, opened through the API by the desk."""
    return client.post("/api/v1/tickets", json=complaint(), headers=desk).json


@pytest.fixture
def recorded(db: Engine) -> Callable[..., list[dict[str, Any]]]:
    """``recorded()``: the ticket's own events in the outbox, oldest first, as CloudEvents dicts;
    ``recorded(escalations=True)`` with the escalation rules' events too (every complaint is
    reported to the supervisor at opening: tests/integration/sla test those)."""

    def events(escalations: bool = False) -> list[dict[str, Any]]:
        with db.connect() as conn:
            rows = conn.execute(select(outbox.table.c.body).order_by(outbox.table.c.seq)).scalars().all()
        found = [json.loads(body) for body in rows]
        return [e for e in found if escalations or e["type"] != TICKET_ESCALATED]

    return events


@pytest.fixture
def ticket_count(db: Engine) -> Callable[[], int]:
    def count() -> int:
        with db.connect() as conn:
            return conn.execute(select(func.count()).select_from(tickets)).scalar_one()

    return count
