"""The owners web process: ``create_app()`` is what gunicorn serves."""

from __future__ import annotations

from http import HTTPStatus

from flask import Flask
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from owners.api import BLUEPRINTS
from owners.domain.errors import DomainError
from owners.settings import SERVICE, Settings
from servicekit.auth import TokenVerifier
from servicekit.db import make_engine
from servicekit.guards import install_input_guards
from servicekit.logs import configure_logging
from servicekit.web import (
    ProblemDetailsApi,
    install_authentication,
    install_observability,
    install_problem_details,
    problem,
)


def create_app(settings: Settings | None = None, verifier: TokenVerifier | None = None) -> Flask:
    settings = settings or Settings.from_env()
    configure_logging(SERVICE, settings.log_level)
    app = Flask(SERVICE)
    app.config.update(
        API_TITLE="estatedesk owners", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/", OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs", OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
        MAX_CONTENT_LENGTH=settings.max_body_bytes, JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    # hide_parameters: a database error logged as a 500 must not carry a person's full phone number.
    engine = make_engine(settings.database_url, hide_parameters=True)
    app.extensions["owners.sessions"] = sessionmaker(engine, expire_on_commit=False)
    app.extensions["owners.settings"] = settings

    def database_ready() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    install_problem_details(app)
    app.register_error_handler(
        DomainError, lambda e: problem(e.status, HTTPStatus(e.status).phrase, str(e), errors=e.errors))
    install_observability(app, SERVICE, {"database": database_ready})
    install_authentication(app, verifier or TokenVerifier.from_env())
    install_input_guards(app)
    api = ProblemDetailsApi(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        "security": [{"bearer": []}]})
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    return app
