"""The web app of a service, built from its :class:`~servicekit.service.Service`: settings,
problem details, domain errors as 4xx, observability, authentication, the API's blueprints.

Inside a request, :func:`unit_of_work` gives a use case its transaction and :func:`read_session`
the read side its session, both from the app's own engine.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, Response, current_app
from sqlalchemy import exc as sa_errors
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from servicekit.auth import TokenVerifier
from servicekit.db import make_engine, reading_engine
from servicekit.errors import Conflict, DomainError, Message, NotFound, TooMany, Unauthenticated
from servicekit.guards import install_input_guards
from servicekit.logs import configure_logging
from servicekit.service import Service
from servicekit.settings import ServiceSettings
from servicekit.unit_of_work import UnitOfWork
from servicekit.unrouted import UnroutedCollector
from servicekit.web import (
    ProblemDetailsApi,
    declare_secret_paths,
    install_authentication,
    install_observability,
    install_problem_details,
    problem,
    unexpected_error,
)

T = TypeVar("T")
log = logging.getLogger("servicekit.web")
_SERVICE, _SESSIONS, _SETTINGS = "servicekit.service", "servicekit.sessions", "servicekit.settings"
_READ_SESSIONS = "servicekit.read_sessions"
_BEARER = {"components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
           "security": [{"bearer": []}]}


def create_service_app(service: Service, settings: ServiceSettings | None = None,
                       verifier: TokenVerifier | None = None) -> Flask:
    """The Flask app gunicorn serves for ``service`` (settings and verifier from the environment
    unless given)."""
    settings = settings or service.load_settings()
    configure_logging(service.name, settings.log_level)
    app = Flask(service.name)
    app.config.update(
        API_TITLE=service.title or f"estatedesk {service.name}", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        # /openapi.json and /docs: servicekit.apidocs serves Swagger UI's files from the service itself.
        MAX_CONTENT_LENGTH=settings.max_body_bytes, JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    # hide_parameters: a database error logged as a 500 must not carry a person's full phone number.
    engine = make_engine(settings.database_url, hide_parameters=True)
    sessions = sessionmaker(engine, expire_on_commit=False)
    app.extensions.update({_SERVICE: service, _SETTINGS: settings, _SESSIONS: sessions,
                           _READ_SESSIONS: sessionmaker(reading_engine(engine), expire_on_commit=False)})

    def database_ready() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    install_problem_details(app)
    install_domain_errors(app)
    install_database_outage(app)
    install_observability(app, service.name, {"database": database_ready},
                          collectors=[UnroutedCollector(settings.amqp_url, service.name),
                                      *service.metric_collectors(sessions)])
    install_authentication(app, verifier or TokenVerifier.from_env(service.roles))
    install_input_guards(app)
    # A copy per app: the spec writes its components into this dict, and a shared one would carry one
    # app's schemas into the next app's document (two services' apps in one process).
    api = ProblemDetailsApi(app, spec_kwargs=copy.deepcopy(_BEARER))
    for blueprint in service.api_blueprints():
        api.register_blueprint(blueprint)
    declare_secret_paths(app)
    install_trusted_proxies(app, settings.trusted_proxies)
    return app


def install_trusted_proxies(app: Flask, trusted: int) -> None:
    """Read the client's address (``request.remote_addr``: the audit, per-address limits) through the
    ``trusted`` proxies in front of the service (``<SERVICE>_TRUSTED_PROXIES``): each appends the
    address it was called from to ``X-Forwarded-For``, and the ``trusted``-th entry from the end is
    the client. With 0 no header is believed (the peer's address is the client's), so a client that
    reaches the service directly cannot name an address of its choosing."""
    if trusted:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted)  # type: ignore[method-assign]


# The one mapping of domain errors to HTTP: the domain says what went wrong, the web layer how to answer.
DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (NotFound, 404), (Conflict, 409), (TooMany, 429), (Unauthenticated, 401), (DomainError, 422))


def install_domain_errors(app: Flask) -> None:
    """Answer a :class:`~servicekit.errors.DomainError` as problem details: not found 404,
    conflict 409, too many 429 (with ``Retry-After``), unauthenticated 401, any other refusal 422."""

    def answer(error: DomainError) -> Response:
        status = next(code for kind, code in DOMAIN_STATUS if isinstance(error, kind))
        headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooMany) else None
        return problem(status, None, error.message, errors=error.errors, headers=headers)

    app.register_error_handler(DomainError, answer)


# How long a caller is asked to wait when the database cannot be reached: a restart or a failover
# takes seconds, and a client that retries sooner only adds to the storm when it comes back.
OUTAGE_RETRY_AFTER_SECONDS = 5
_OUTAGE = Message("The database cannot be reached just now; nothing was changed. Try again shortly.",
                  "暂时无法连接数据库，未做任何更改，请稍后重试。")
# What SQLite says when the file is there but cannot be had (another writer holds it, a disk away);
# its other OperationalErrors ("no such table") are faults of the code, answered 500.
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database", "disk i/o error")


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database could not be reached (refused, cut, restarting, the pool
    exhausted, SQLite's file locked), not that the statement was wrong."""
    if isinstance(error, sa_errors.TimeoutError):  # no connection free in the pool in time
        return True
    if not isinstance(error, sa_errors.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, sa_errors.OperationalError | sa_errors.InterfaceError):
        return False
    if type(error.orig).__module__.startswith("sqlite3"):
        return any(words in str(error.orig).lower() for words in _SQLITE_UNAVAILABLE)
    return True  # psycopg's OperationalError: refused, terminated, shutting down, too many clients


def install_database_outage(app: Flask) -> None:
    """Answer a request that found the database unreachable as a 503 problem with ``Retry-After``,
    in every service alike: the caller (a provider pushing receipts, a client) tries again later
    instead of reading a 500 as a fault of its request. Logged as a warning, with no trace: the
    cause is outside the request. Any other database error is the 500 it was."""

    def answer(error: Exception) -> Response:
        if not database_unavailable(error):
            return unexpected_error(error)
        log.warning("database unavailable: %s", error.__class__.__name__)
        return problem(503, None, _OUTAGE, headers={"Retry-After": str(OUTAGE_RETRY_AFTER_SECONDS)})

    app.register_error_handler(sa_errors.DBAPIError, answer)
    app.register_error_handler(sa_errors.TimeoutError, answer)


def current_settings() -> Any:
    """The settings of the app serving this request."""
    return current_app.extensions[_SETTINGS]


def unit_of_work() -> UnitOfWork:
    """A fresh unit of work for one use case of this request."""
    service: Service = current_app.extensions[_SERVICE]
    return service.unit_of_work(current_app.extensions[_SESSIONS])


@contextmanager
def read_session(*, transaction: bool = False) -> Iterator[Session]:
    """A session for reading (the read side, the scope checks); it may not write.

    On PostgreSQL it opens no transaction (:func:`servicekit.db.reading_engine`): each statement
    sees the data committed when it starts, as it would inside a READ COMMITTED transaction, the
    isolation every session here has, and the BEGIN and ROLLBACK it saves were two of the four
    round trips of a lookup by id. A read that needs one transaction (``SET LOCAL``, one snapshot
    for several statements at a stricter isolation) asks for ``transaction=True``."""
    session: Session = current_app.extensions[_SESSIONS if transaction else _READ_SESSIONS]()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def read(query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``query(session, *args, **kwargs)`` on a read session of its own: one line in a route."""
    with read_session() as session:
        return query(session, *args, **kwargs)
