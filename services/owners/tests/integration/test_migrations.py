"""The migrations are the schema: one head, and upgrading an empty database gives exactly the
tables, columns and indexes that the code declares, on PostgreSQL and on embedded SQLite."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from owners.service import SERVICE
from owners.tables import metadata
from servicekit.db import make_engine
from servicekit.migrate import alembic_config, upgrade


def _differences(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    finally:
        engine.dispose()


def test_there_is_a_single_head():
    assert len(ScriptDirectory.from_config(alembic_config(SERVICE, "sqlite://")).get_heads()) == 1


def test_upgrading_postgresql_gives_the_declared_schema(make_database):
    url = make_database()
    upgrade(SERVICE, url)
    assert _differences(url) == []


def test_upgrading_the_embedded_sqlite_gives_the_declared_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'owners.sqlite3'}"
    upgrade(SERVICE, url)
    upgrade(SERVICE, url)  # a second run (every make run migrates) changes nothing
    assert _differences(url) == []
