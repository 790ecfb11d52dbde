"""``upsert_newer``: a copy takes an entity event only if it is newer than what it holds, on
PostgreSQL and on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, select
from sqlalchemy.orm import Session

from servicekit.copies import upsert_newer, upsert_newer_at_commit
from servicekit.db import make_engine

metadata = MetaData()
copy = Table(
    "copy", metadata,
    Column("tenant", String(10), primary_key=True), Column("entity", Integer, primary_key=True),
    Column("name", String(50), nullable=False), Column("version", Integer, nullable=False),
)


@pytest.fixture
def engine(scratch_database) -> Iterator[Engine]:
    value = make_engine(scratch_database(metadata))
    yield value
    value.dispose()


def _apply(engine: Engine, entity: int, name: str, version: int, tenant: str = "a") -> bool:
    with engine.begin() as db:
        return upsert_newer(db, copy, {"tenant": tenant, "entity": entity}, {"name": name}, version)


def _held(engine: Engine) -> dict[tuple[str, int], tuple[str, int]]:
    with engine.connect() as db:
        return {(r.tenant, r.entity): (r.name, r.version) for r in db.execute(select(copy))}


def test_a_newer_version_wins_and_an_equal_or_older_one_changes_nothing(engine):
    assert _apply(engine, 1, "first", 1) is True  # no copy yet: inserted
    assert _apply(engine, 1, "third", 3) is True  # newer: applied (a version may be skipped)
    assert _apply(engine, 1, "second", 2) is False  # older, arriving late: ignored
    assert _apply(engine, 1, "third again", 3) is False  # equal: a replay of what is held
    assert _held(engine) == {("a", 1): ("third", 3)}


def test_the_key_may_have_several_columns(engine):
    assert _apply(engine, 1, "a-one", 5, tenant="a")
    assert _apply(engine, 1, "b-one", 1, tenant="b")  # another key: a row of its own
    assert not _apply(engine, 1, "a-old", 4, tenant="a")
    assert _held(engine) == {("a", 1): ("a-one", 5), ("b", 1): ("b-one", 1)}


def test_it_runs_in_the_callers_transaction(engine):
    with engine.connect() as db:
        db.begin()
        upsert_newer(db, copy, {"tenant": "a", "entity": 9}, {"name": "rolled back"}, 1)
        db.rollback()
    assert _held(engine) == {}


def test_arguments_that_cannot_mean_anything_are_refused(engine):
    with engine.begin() as db:
        with pytest.raises(ValueError):
            upsert_newer(db, copy, {}, {"name": "x"}, 1)
        with pytest.raises(ValueError):
            upsert_newer(db, copy, {"tenant": "a", "entity": 1}, {"name": "x", "version": 2}, 1)
        with pytest.raises(TypeError):
            upsert_newer(db, copy, {"tenant": "a", "entity": 1}, {"name": "x"}, "2")  # type: ignore[arg-type]


def _apply_at_commit(engine: Engine, changes: list[tuple[int, str, int]], *, fail: bool = False) -> None:
    with Session(engine) as session:
        with session.begin():
            for entity, name, version in changes:
                upsert_newer_at_commit(session, copy, {"tenant": "a", "entity": entity}, {"name": name}, version)
            if fail:
                raise RuntimeError("the transaction fails")


def test_at_commit_the_newest_state_of_each_entity_in_the_transaction_is_written(engine):
    _apply(engine, 1, "held", 5)
    _apply_at_commit(engine, [(1, "older", 4), (2, "two-v1", 1), (2, "two-v3", 3), (2, "two-v2", 2),
                              (1, "newer", 6), (1, "newer again", 6)])
    assert _held(engine) == {("a", 1): ("newer", 6), ("a", 2): ("two-v3", 3)}
    _apply_at_commit(engine, [(1, "stale", 2)])
    assert _held(engine)[("a", 1)] == ("newer", 6)


def test_at_commit_many_rows_go_at_once_and_nothing_is_written_on_a_rollback(engine):
    _apply_at_commit(engine, [(n, f"n{n}", 1) for n in range(1234)])
    assert len(_held(engine)) == 1234
    with pytest.raises(RuntimeError):
        _apply_at_commit(engine, [(5000, "never", 1)], fail=True)
    assert ("a", 5000) not in _held(engine)


def test_at_commit_a_session_used_for_several_transactions_writes_each_once(engine):
    with Session(engine) as session:
        for version in (1, 2):
            with session.begin():
                upsert_newer_at_commit(session, copy, {"tenant": "a", "entity": 7}, {"name": f"v{version}"}, version)
    assert _held(engine) == {("a", 7): ("v2", 2)}
