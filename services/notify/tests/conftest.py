"""Fixtures of the notify tests: a migrated database of this run's own, an app, tokens.

Tests commit for real (the outbox must see real commits); a test that uses ``db`` or ``client``
finds every table empty. Every such test runs twice: on PostgreSQL and on the embedded SQLite
default; ``@pytest.mark.postgres_only`` keeps one to PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from tenancy.roles import ROLES

from servicekit.auth import TokenVerifier
from servicekit.db import make_engine
from servicekit.testing import TEST_AUDIENCE, TEST_ISSUER, empty_tables, migrated_database, token_headers
from servicekit.tokens import generate_keypair
from notify.app import create_app
from notify.service import SERVICE
from notify.tables import metadata


@pytest.fixture(scope="session")
def keys() -> tuple[str, str]:
    return generate_keypair()


@pytest.fixture(scope="session", params=["postgresql", "sqlite"])
def database_url(request: pytest.FixtureRequest, make_database: Callable[[], str],
                 tmp_path_factory: pytest.TempPathFactory) -> str:
    return migrated_database(SERVICE, request.param, make_database, tmp_path_factory)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def settings(database_url: str):  # noqa: ANN201  (the service's settings class)
    return SERVICE.settings(database_url=database_url, amqp_url="amqp://unused", port=0, log_level="WARNING",
                            max_body_bytes=64 * 1024)


@pytest.fixture(scope="session")
def app(settings, keys: tuple[str, str]) -> Flask:  # noqa: ANN001
    return create_app(settings, TokenVerifier(keys[1], issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=ROLES))


@pytest.fixture
def db(engine: Engine, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """The test database, emptied after the test."""
    if request.node.get_closest_marker("postgres_only") and engine.dialect.name != "postgresql":
        pytest.skip("tests PostgreSQL itself")
    yield engine
    empty_tables(engine, metadata)


@pytest.fixture
def client(app: Flask, db: Engine) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def auth(keys: tuple[str, str]) -> Callable[..., dict[str, str]]:
    """Headers with a token: ``auth("service_desk_agent", [estate_id])``; ``auth()`` is an operator admin."""
    return token_headers(keys[0])
