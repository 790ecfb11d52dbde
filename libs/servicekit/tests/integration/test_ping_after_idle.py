"""Engines ping a pooled connection only after it has been idle (servicekit.db): a connection cut
while the service was quiet is replaced before a request sees it, as pool_pre_ping did, while a
connection in steady use costs no ping (the round trip issue 22 measured on every request)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from servicekit import db as servicekit_db
from servicekit.db import make_engine


def _cut_every_connection(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres", drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": parsed.database})
    admin.dispose()


def _backend(engine) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_cut_while_idle_is_replaced_before_use(make_database, monkeypatch) -> None:
    monkeypatch.setattr(servicekit_db, "PING_AFTER_IDLE_SECONDS", 0.05)
    url = make_database()
    engine = make_engine(url)
    first = _backend(engine)
    _cut_every_connection(url)
    time.sleep(0.1)
    assert _backend(engine) != first  # pinged, found dead, replaced: the caller saw no error
    engine.dispose()


def test_a_connection_in_steady_use_is_not_pinged(make_database, monkeypatch) -> None:
    monkeypatch.setattr(servicekit_db, "PING_AFTER_IDLE_SECONDS", 3600)
    url = make_database()
    engine = make_engine(url)
    _backend(engine)
    _cut_every_connection(url)
    with pytest.raises(OperationalError):  # no ping: the cut shows at the first statement
        _backend(engine)
    assert _backend(engine)  # and the pool has dropped it: the next checkout connects afresh
    engine.dispose()
