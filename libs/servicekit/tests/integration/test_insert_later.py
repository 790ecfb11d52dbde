"""``UnitOfWork.insert_later``: queued rows and the outbox rows are written together at commit
(on PostgreSQL in one statement), a statement that could see them writes them first, a SELECT of
other tables does not, and nothing queued survives a rollback. On PostgreSQL and SQLite."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Uuid,
    event,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from servicekit.db import UtcDateTime, make_engine
from servicekit.outbox import Outbox
from servicekit.unit_of_work import UnitOfWork

metadata = MetaData()
outbox = Outbox(metadata)
cases = Table("cases", metadata, Column("id", Uuid, primary_key=True), Column("title", String(50), nullable=False),
              Column("opened_at", UtcDateTime, nullable=False), Column("due_on", Date),
              Column("fee", Numeric(8, 2)), Column("urgent", Boolean, nullable=False),
              Column("level", Integer, nullable=False, server_default="0"))
steps = Table("steps", metadata, Column("id", Uuid, primary_key=True),
              Column("case_id", Uuid, ForeignKey("cases.id"), nullable=False), Column("details", JSON, nullable=False))
elsewhere = Table("elsewhere", metadata, Column("id", Integer, primary_key=True))


@pytest.fixture
def engine(scratch_database) -> Iterator[Engine]:  # noqa: ANN001  (PostgreSQL, then SQLite)
    value = make_engine(scratch_database(metadata))
    yield value
    value.dispose()


@pytest.fixture
def statements(engine: Engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, params, context, executemany) -> None:  # noqa: ANN001
        seen.append(statement.split()[0].upper())

    return seen


def _case() -> dict:
    return {"id": uuid.uuid4(), "title": "漏水", "opened_at": datetime(2026, 12, 6, 12, 0, 1, 250000, tzinfo=UTC),
            "due_on": date(2026, 12, 9), "fee": Decimal("12.50"), "urgent": True}


def test_queued_rows_and_the_events_are_written_at_commit_as_an_insert_would(engine, statements) -> None:
    case = _case()
    step = {"id": uuid.uuid4(), "case_id": case["id"], "details": {"channel": "phone", "n": [1, 2]}}
    uow = UnitOfWork(engine.connect, outbox, "/test")
    with uow:
        uow.insert_later(cases, [case])
        uow.insert_later(steps, [step])  # a child: the foreign key holds at the end of the statement
        uow.record("test.case.opened.v1", case["id"], {"title": case["title"]})
        uow.execute(select(elsewhere.c.id)).all()  # another table: the queue stays queued
        assert statements == ["SELECT"]
        uow.commit()
    if engine.dialect.name == "postgresql":
        assert statements == ["SELECT", "WITH"]  # the case, its step and the outbox row: one statement
    with engine.connect() as db:
        stored = db.execute(select(cases)).mappings().one()
        assert dict(stored) == {**case, "level": 0}  # the server default applies to a column not given
        assert db.execute(select(steps.c.details)).scalar_one() == {"channel": "phone", "n": [1, 2]}
        assert db.execute(select(func.count()).select_from(outbox.table)).scalar_one() == 1


def test_a_statement_that_could_see_the_queued_rows_writes_them_first(engine) -> None:
    case = _case()
    uow = UnitOfWork(engine.connect, outbox, "/test")
    with uow:
        uow.insert_later(cases, [case])
        assert uow.execute(select(cases.c.title).where(cases.c.id == case["id"])).scalar_one() == "漏水"
        uow.insert_later(cases, [{**_case(), "id": uuid.uuid4()}])
        uow.execute(update(cases).values(level=cases.c.level + 1))  # any write: both rows exist by then
        uow.commit()
    with engine.connect() as db:
        assert db.execute(select(cases.c.level)).scalars().all() == [1, 1]


def test_a_violated_constraint_is_an_integrity_error_and_nothing_queued_is_kept(engine) -> None:
    uow = UnitOfWork(engine.connect, outbox, "/test")
    with uow, pytest.raises(IntegrityError):
        uow.insert_later(steps, [{"id": uuid.uuid4(), "case_id": uuid.uuid4(), "details": {}}])  # no such case
        uow.record("test.case.opened.v1", "x", {})
        uow.commit()
    with uow:  # the next use starts with an empty queue
        uow.commit()
    with engine.connect() as db:
        assert db.execute(select(func.count()).select_from(steps)).scalar_one() == 0
        assert db.execute(select(func.count()).select_from(outbox.table)).scalar_one() == 0


def test_many_events_without_queued_rows_reach_the_outbox_in_order(engine) -> None:
    uow = UnitOfWork(engine.connect, outbox, "/test")
    with uow:
        for n in range(250):  # past the count from which they are copied (COPY on PostgreSQL)
            uow.record("test.case.opened.v1", f"c-{n}", {"n": n})
        uow.commit()
    with engine.connect() as db:
        bodies = db.execute(select(outbox.table.c.body).order_by(outbox.table.c.seq)).scalars().all()
    assert len(bodies) == 250 and all(f'"subject":"c-{n}"' in b for n, b in enumerate(bodies))
