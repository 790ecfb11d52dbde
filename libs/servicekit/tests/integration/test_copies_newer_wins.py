"""``upsert_newer``: a copy takes an entity event only if it is newer than what it holds, on
PostgreSQL and on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, select

from servicekit.copies import upsert_newer
from servicekit.db import make_engine

metadata = MetaData()
copy = Table(
    "copy", metadata,
    Column("tenant", String(10), primary_key=True), Column("entity", Integer, primary_key=True),
    Column("name", String(50), nullable=False), Column("version", Integer, nullable=False),
)


@pytest.fixture(params=["postgresql", "sqlite"])
def engine(request: pytest.FixtureRequest, make_database, tmp_path: Path) -> Iterator[Engine]:
    url = make_database() if request.param == "postgresql" else f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    value = make_engine(url)
    metadata.create_all(value)
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
