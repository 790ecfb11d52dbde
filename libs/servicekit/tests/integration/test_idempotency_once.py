"""``servicekit.idempotency.once`` on PostgreSQL and SQLite: a key answers its caller's first
record for the same body, refuses another body, never answers another caller, and concurrent
calls with one key make one record without an error."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, MetaData, String, Table, Uuid, func, insert, select

from servicekit.auth import Principal
from servicekit.db import make_engine
from servicekit.errors import Invalid
from servicekit.idempotency import KeyedRequest, define_idempotency_keys, once
from servicekit.outbox import Outbox
from servicekit.unit_of_work import UnitOfWork

metadata = MetaData()
outbox = Outbox(metadata)
keys = define_idempotency_keys(metadata)
things = Table("things", metadata, Column("id", Uuid, primary_key=True), Column("name", String(50), nullable=False))


@pytest.fixture(params=["postgresql", "sqlite"])
def engine(request: pytest.FixtureRequest, make_database, tmp_path: Path) -> Iterator[Engine]:
    url = make_database() if request.param == "postgresql" else f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    value = make_engine(url)
    metadata.create_all(value)
    yield value
    value.dispose()


def _caller(estates=("a",)) -> Principal:
    return Principal(subject="billing", role="integration_client", estates=frozenset(estates))


def _make(engine: Engine, principal: Principal, key: str | None, body: dict) -> tuple[dict, bool]:
    uow = UnitOfWork(engine.connect, outbox, "/test")

    def make() -> dict:
        row = {"id": uuid.uuid4(), "name": body["name"]}
        uow.execute(insert(things).values(row))
        uow.record("test.thing.made.v1", row["id"], {"name": row["name"]})
        return row

    def earlier(answer: str) -> dict:
        return dict(uow.execute(select(things).where(things.c.id == uuid.UUID(answer))).mappings().one())

    request = KeyedRequest.of(principal, "POST /things", key, body)
    return once(uow, keys, request, make=make, answer_of=lambda row: str(row["id"]), earlier=earlier)


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as db:
        return db.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_retry_answers_the_first_record_and_makes_nothing(engine):
    first, created = _make(engine, _caller(), "k-1", {"name": "lamp"})
    again, created_again = _make(engine, _caller(), "k-1", {"name": "lamp"})
    assert created and not created_again and again["id"] == first["id"]
    assert _count(engine, things) == 1 and _count(engine, outbox.table) == 1


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(engine):
    _make(engine, _caller(), "k-1", {"name": "lamp"})
    with pytest.raises(Invalid) as refused:
        _make(engine, _caller(), "k-1", {"name": "bench"})
    assert refused.value.errors == {"Idempotency-Key": ["was used before with another body"]}
    assert refused.value.message.zh and _count(engine, things) == 1


def test_a_key_never_answers_another_callers_record(engine):
    mine, _ = _make(engine, _caller(("a",)), "k-1", {"name": "lamp"})
    theirs, created = _make(engine, _caller(("b",)), "k-1", {"name": "lamp"})
    assert created and theirs["id"] != mine["id"] and _count(engine, things) == 2


def test_without_a_key_every_call_makes_a_record(engine):
    _make(engine, _caller(), None, {"name": "lamp"})
    _make(engine, _caller(), None, {"name": "lamp"})
    assert _count(engine, things) == 2


def test_concurrent_calls_with_one_key_make_one_record_and_all_answer_it(engine):
    answers: list[uuid.UUID] = []
    failures: list[BaseException] = []
    start = threading.Barrier(8)

    def call() -> None:
        start.wait()
        try:
            answers.append(_make(engine, _caller(), "race", {"name": "lamp"})[0]["id"])
        except BaseException as exc:  # noqa: BLE001 - every failure is what the test looks for
            failures.append(exc)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(answers) == 8 and len(set(answers)) == 1
    assert _count(engine, things) == 1


def test_a_record_found_taken_by_the_same_keys_winner_meanwhile_is_answered_not_refused(engine):
    """The loser looked at the keys before the winner committed, and its own check in ``make`` (a
    unique reference already used: a Conflict) after: the winner's record is the answer (tickets'
    call pushed twice at once answered 409 to one push now and then)."""
    from servicekit.errors import Conflict

    body = {"name": "lamp"}
    request = KeyedRequest.of(_caller(), "POST /things", "k-1", body)
    uow = UnitOfWork(engine.connect, outbox, "/test")

    def make() -> dict:
        winner, created = _make(engine, _caller(), "k-1", body)  # commits meanwhile, on its own connection
        assert created
        raise Conflict("that name is taken", "名称已被使用")

    def earlier(answer: str) -> dict:
        return dict(uow.execute(select(things).where(things.c.id == uuid.UUID(answer))).mappings().one())

    answer, created = once(uow, keys, request, make=make, answer_of=lambda row: str(row["id"]), earlier=earlier)
    assert not created and answer["name"] == "lamp"
    assert _count(engine, things) == 1 and _count(engine, keys) == 1


def test_a_conflict_of_a_call_no_winner_holds_the_key_of_is_still_refused(engine):
    from servicekit.errors import Conflict

    uow = UnitOfWork(engine.connect, outbox, "/test")

    def make() -> dict:
        raise Conflict("that name is taken", "名称已被使用")

    with pytest.raises(Conflict):
        once(uow, keys, KeyedRequest.of(_caller(), "POST /things", "k-2", {"name": "lamp"}), make=make,
             answer_of=lambda row: str(row["id"]), earlier=lambda answer: {})
    assert _count(engine, keys) == 0
