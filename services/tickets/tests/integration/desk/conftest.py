"""A small world for the desk's tests (the phone, callbacks, the diary): two estates of the copy of
owners (as the consumer would have written it), each with a unit, residents with mobiles, a desk
agent, a supervisor and a technician; a ticket waiting for dispatch; what the outbox holds; and the
timer swept at a time the test sets; and requests sent at once over real HTTP."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import sessionmaker

from servicekit.testing import served_app
from tickets.service import SERVICE
from tickets.sla.timer import Sweep, sweep
from tickets.tables import buildings, estates, occupancies, outbox, people, staff, tickets, units

CONTRACTS = Path(__file__).parents[3] / "contracts" / "events"


def add_estate(engine: Engine, code: str, mobiles: tuple[str, ...]) -> dict[str, Any]:
    """An estate with a building, a unit, one resident per mobile (the first owns the unit, the
    others live elsewhere), an agent, a supervisor and a technician."""
    ids: dict[str, Any] = {name: uuid.uuid4() for name in ("estate", "building", "unit", "agent", "supervisor",
                                                            "technician")}
    ids["people"] = [uuid.uuid4() for _ in mobiles]
    with engine.begin() as conn:
        conn.execute(insert(estates).values(id=ids["estate"], code=code, name=f"{code} 花园", version=1))
        conn.execute(insert(buildings).values(id=ids["building"], estate_id=ids["estate"], code="1", name="1栋",
                                              version=1))
        conn.execute(insert(units).values(id=ids["unit"], estate_id=ids["estate"], building_id=ids["building"],
                                          number="1-1201", floor=12, version=1))
        for n, (person_id, mobile) in enumerate(zip(ids["people"], mobiles, strict=True)):
            conn.execute(insert(people).values(id=person_id, estate_id=ids["estate"], name=f"业主{n}", mobile=mobile,
                                               version=1))
        conn.execute(insert(occupancies).values(id=uuid.uuid4(), estate_id=ids["estate"], unit_id=ids["unit"],
                                                person_id=ids["people"][0], role="owner", version=1))
        for role in ("agent", "supervisor", "technician"):
            conn.execute(insert(staff).values(id=ids[role], estate_id=ids["estate"], name=f"{role} 王",
                                              role={"agent": "service_desk_agent"}.get(role, role), skills=[],
                                              active=True, version=1))
    return ids


@pytest.fixture
def place(db: Engine) -> dict[str, Any]:
    """阳光花园: 李伟 (13812345678, the owner of 1-1201), 王芳 (13900005678: the same last four) and
    a resident without a mobile."""
    return add_estate(db, "SUN", ("13812345678", "13900005678", None))


@pytest.fixture
def other_place(db: Engine) -> dict[str, Any]:
    """Another estate, whose resident's mobile also ends 5678."""
    return add_estate(db, "MOON", ("13711115678",))


@pytest.fixture
def waiting_ticket(db: Engine, place: dict[str, Any]) -> dict[str, Any]:
    """A repair of the place's unit, reported by its owner, acknowledged and not yet dispatched."""
    at = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    row = {"id": uuid.uuid4(), "number": "T261201000001", "estate_id": place["estate"], "unit_id": place["unit"],
           "person_id": place["people"][0], "kind": "repair", "channel": "phone", "category": "plumbing",
           "priority": "normal", "title": "厨房水管漏水", "stage": "acknowledged", "created_by": "test",
           "created_at": at, "updated_at": at}
    with db.begin() as conn:
        conn.execute(insert(tickets).values(row))
    return row


@pytest.fixture
def recorded(db: Engine) -> Callable[[str], list[dict[str, Any]]]:
    """``recorded(type)``: the events of a type in the outbox, oldest first, as CloudEvent dicts."""

    def found(event_type: str) -> list[dict[str, Any]]:
        with db.connect() as conn:
            bodies = conn.execute(select(outbox.table.c.body).where(outbox.table.c.event_type == event_type)
                                  .order_by(outbox.table.c.seq)).scalars().all()
        return [json.loads(body) for body in bodies]

    return found


@pytest.fixture
def check_published(recorded: Callable[[str], list[dict[str, Any]]]) -> Callable[..., None]:
    """``check_published(type, ...)``: each type was published, every event of it matches its JSON
    Schema under contracts/events, and so do the schema's own examples."""

    def check(*event_types: str) -> None:
        for event_type in event_types:
            schema = json.loads((CONTRACTS / f"{event_type}.json").read_text(encoding="utf-8"))
            Draft202012Validator.check_schema(schema)
            validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
            published = recorded(event_type)
            assert published, event_type
            for event in published:
                errors = list(validator.iter_errors(event["data"]))
                assert not errors, (event_type, [e.message for e in errors])
            for example in schema["examples"]:
                validator.validate(example)

    return check


@pytest.fixture
def sweep_at(db: Engine) -> Callable[..., Sweep]:
    """``sweep_at(moment)``: one sweep of tickets' timer at ``moment``."""
    sessions = sessionmaker(db)

    def run(moment: datetime, batch: int = 500) -> Sweep:
        return sweep(lambda: SERVICE.unit_of_work(sessions), moment, batch=batch, reports=False)

    return run


@pytest.fixture
def at_once(app: Any, db: Engine) -> Callable[..., list[httpx.Response]]:
    """``at_once(method, path, [(headers, json), ...])``: the requests sent together (one thread
    each, released by one barrier) to the app served over real HTTP; their responses in order."""

    def send(method: str, path: str, requests: list[tuple[dict[str, str], Any]]) -> list[httpx.Response]:
        answers: list[Any] = [None] * len(requests)
        start = threading.Barrier(len(requests))
        with served_app(app) as base, httpx.Client(base_url=base, timeout=60) as http:

            def one(n: int) -> None:
                headers, body = requests[n]
                start.wait()
                answers[n] = http.request(method, path, headers=headers, json=body)

            threads = [threading.Thread(target=one, args=(n,)) for n in range(len(requests))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        return answers

    return send
