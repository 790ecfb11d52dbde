"""A service's read sessions (servicekit.webapp.read_session): on PostgreSQL without a transaction,
so a read costs no BEGIN and no ROLLBACK round trip (issue 23: a quarter of a lookup's round trips),
one that asks for a transaction has one, and a read session refuses to write on either database."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import inspect, text

from owners.service import SERVICE
from servicekit.auth import TokenVerifier
from servicekit.db import WriteInReadSession, make_engine
from servicekit.tokens import generate_keypair
from servicekit.webapp import create_service_app, read_session


def _app(database_url: str, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN202
    monkeypatch.setenv("OWNERS_DATABASE_URL", database_url)
    monkeypatch.setenv("AMQP_URL", "amqp://unused")
    _private, public = generate_keypair()
    return create_service_app(SERVICE, verifier=TokenVerifier(public, issuer="x", audience="y", roles=SERVICE.roles))


def _two_nows(session) -> tuple[object, object]:  # noqa: ANN001
    first = session.execute(text("SELECT now()")).scalar_one()
    time.sleep(0.01)
    return first, session.execute(text("SELECT now()")).scalar_one()


def test_a_read_session_on_postgres_opens_no_transaction(make_database, monkeypatch) -> None:
    app = _app(make_database(), monkeypatch)
    with app.app_context():
        with read_session() as session:  # now() is the start of the transaction: two of them differ
            first, second = _two_nows(session)
        assert second > first
        with read_session(transaction=True) as session:  # one transaction: one now()
            first, second = _two_nows(session)
        assert second == first


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
def test_a_read_session_refuses_to_write(kind, make_database, tmp_path, monkeypatch) -> None:
    url = make_database() if kind == "postgresql" else f"sqlite:///{tmp_path / 'read.sqlite3'}"
    app = _app(url, monkeypatch)
    with app.app_context():
        with read_session() as session, pytest.raises(WriteInReadSession):
            session.execute(text("CREATE TABLE written (id integer)"))
        with read_session() as session:  # the session's connection is still good for reading
            assert session.execute(text("SELECT 1")).scalar_one() == 1
    engine = make_engine(url)
    assert "written" not in inspect(engine).get_table_names()
    engine.dispose()
