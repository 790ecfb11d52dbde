"""Helpers of the notices tests: a copy of owners' data written directly (as the consumer would),
templates, and what the outbox and the tables hold."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select

from notify.tables import buildings, companies, estates, occupancies, outbox, people, templates, units
from servicekit.rows import now


class World:
    """An estate of notify's copy: ``world.household("2-1202", "王芳", mobile=...)``."""

    def __init__(self, engine: Engine, code: str = "SUN") -> None:
        self.engine = engine
        self.estate_id = uuid.uuid4()
        self.buildings: dict[str, uuid.UUID] = {}
        with engine.begin() as conn:
            conn.execute(insert(estates).values(id=self.estate_id, code=code, name="阳光花园", version=1))

    def building(self, code: str = "1") -> uuid.UUID:
        if code not in self.buildings:
            self.buildings[code] = uuid.uuid4()
            with self.engine.begin() as conn:
                conn.execute(insert(buildings).values(id=self.buildings[code], estate_id=self.estate_id, code=code,
                                                      name=f"{code}栋", version=1))
        return self.buildings[code]

    def unit(self, number: str, building: str = "1") -> uuid.UUID:
        id_ = uuid.uuid4()
        with self.engine.begin() as conn:
            conn.execute(insert(units).values(id=id_, estate_id=self.estate_id, building_id=self.building(building),
                                              number=number, version=1))
        return id_

    def person(self, name: str, *, mobile: str | None = "13800000000", email: str | None = None,
               language: str = "zh-CN") -> uuid.UUID:
        id_ = uuid.uuid4()
        with self.engine.begin() as conn:
            conn.execute(insert(people).values(id=id_, estate_id=self.estate_id, name=name, language=language,
                                               mobile=mobile, email=email, version=1))
        return id_

    def move_in(self, unit_id: uuid.UUID, person_id: uuid.UUID, role: str = "owner",
                moved_out_on: date | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(occupancies).values(id=uuid.uuid4(), estate_id=self.estate_id, unit_id=unit_id,
                                                    person_id=person_id, role=role, moved_in_on=date(2020, 1, 1),
                                                    moved_out_on=moved_out_on, version=1))

    def household(self, number: str, name: str, role: str = "owner", building: str = "1",
                  **contact: Any) -> tuple[uuid.UUID, uuid.UUID]:
        unit_id, person_id = self.unit(number, building), self.person(name, **contact)
        self.move_in(unit_id, person_id, role)
        return unit_id, person_id

    def company(self, name: str, unit_ids: tuple[uuid.UUID, ...], contacts: tuple[uuid.UUID, ...]) -> uuid.UUID:
        """A company occupying units (OWN-11) with its contacts in order, as the copy keeps it."""
        id_ = uuid.uuid4()
        with self.engine.begin() as conn:
            conn.execute(insert(companies).values(
                id=id_, estate_id=self.estate_id, name=name, unit_ids=sorted(str(u) for u in unit_ids),
                contacts=[{"position": i, "person_id": str(p), "title": ""} for i, p in enumerate(contacts, 1)],
                version=1))
        return id_

    def template(self, body: str = "${name}您好：${unit}本月物业费${amount}元，请于${due_date}前缴纳。",
                 *, en: str | None = "Dear ${name}, ${unit} owes ${amount} yuan by ${due_date}.",
                 variables: tuple[str, ...] = ("amount", "due_date"), purpose: str = "fee",
                 estate: bool = True) -> uuid.UUID:
        id_ = uuid.uuid4()
        texts = {"zh-CN": {"subject": "缴费通知", "body": body}}
        if en:
            texts["en"] = {"subject": "Fee notice", "body": en}
        with self.engine.begin() as conn:
            conn.execute(insert(templates).values(
                id=id_, estate_id=self.estate_id if estate else None, code=f"t{id_.hex[:8]}", purpose=purpose,
                texts=texts, variables=list(variables), sms_template_code="SMS_1001", created_at=now(),
                updated_at=now(), version=1))
        return id_


@pytest.fixture
def world(db: Engine) -> World:
    return World(db)


def count_rows(engine: Engine, table: Any, *where: Any) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def events_in(engine: Engine, type_: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        bodies = conn.execute(select(outbox.table.c.body).where(outbox.table.c.event_type == type_)
                              .order_by(outbox.table.c.seq)).scalars()
        return [json.loads(body)["data"] for body in bodies]


@pytest.fixture
def make_world(db: Engine):  # noqa: ANN201
    """Another estate: ``make_world("MOON")``."""
    return lambda code="MOON": World(db, code)


@pytest.fixture
def count(db: Engine):  # noqa: ANN201
    """``count(table, *where)``: how many rows the table holds."""
    return lambda table, *where: count_rows(db, table, *where)


@pytest.fixture
def events_of(db: Engine):  # noqa: ANN201
    """``events_of(type)``: the data of each event of that type in the outbox, in order."""
    return lambda type_: events_in(db, type_)
