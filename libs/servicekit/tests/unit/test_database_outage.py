"""Which database errors are an outage (503 with Retry-After) and which a fault of the code (500)."""

from __future__ import annotations

import sqlite3

from flask import Flask
from sqlalchemy import exc as sa_errors

from servicekit.web import install_problem_details
from servicekit.webapp import OUTAGE_RETRY_AFTER_SECONDS, database_unavailable, install_database_outage


class _PsycopgLike(Exception):
    """A driver error that is not SQLite's (psycopg's OperationalError says a connection failed)."""


def _wrapped(kind: type[sa_errors.DBAPIError], orig: Exception, *, invalidated: bool = False) -> sa_errors.DBAPIError:
    return kind("SELECT 1", {}, orig, connection_invalidated=invalidated)


def test_unreachable_databases_are_outages_and_wrong_statements_are_not() -> None:
    assert database_unavailable(_wrapped(sa_errors.OperationalError, _PsycopgLike("connection refused")))
    assert database_unavailable(_wrapped(sa_errors.InterfaceError, _PsycopgLike("connection already closed")))
    assert database_unavailable(_wrapped(sa_errors.ProgrammingError, _PsycopgLike("x"), invalidated=True))
    assert database_unavailable(sa_errors.TimeoutError("QueuePool limit reached"))
    assert database_unavailable(_wrapped(sa_errors.OperationalError, sqlite3.OperationalError("database is locked")))
    assert not database_unavailable(_wrapped(sa_errors.OperationalError, sqlite3.OperationalError("no such table: x")))
    assert not database_unavailable(_wrapped(sa_errors.IntegrityError, _PsycopgLike("duplicate key")))
    assert not database_unavailable(ValueError("not a database error"))


def test_an_outage_is_a_503_problem_and_any_other_database_error_a_500() -> None:
    app = Flask("t")
    install_problem_details(app)
    install_database_outage(app)

    @app.get("/down")
    def down():
        raise _wrapped(sa_errors.OperationalError, _PsycopgLike("terminating connection due to administrator command"))

    @app.get("/wrong")
    def wrong():
        raise _wrapped(sa_errors.ProgrammingError, _PsycopgLike("syntax error"))

    client = app.test_client()
    answer = client.get("/down", headers={"Accept-Language": "zh-CN"})
    assert answer.status_code == 503 and answer.headers["Retry-After"] == str(OUTAGE_RETRY_AFTER_SECONDS)
    assert answer.mimetype == "application/problem+json" and "数据库" in answer.json["detail"]
    assert client.get("/wrong").status_code == 500
