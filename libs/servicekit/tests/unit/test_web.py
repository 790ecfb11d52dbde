"""The HTTP plumbing every service shares: problem details, correlation ids, health, metrics."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from servicekit import correlation
from servicekit.auth import TokenVerifier, issue_token
from servicekit.logs import JsonFormatter
from servicekit.tokens import generate_keypair
from servicekit.web import (
    ProblemDetailsApi,
    current_principal,
    install_authentication,
    install_observability,
    install_problem_details,
)

PRIVATE, PUBLIC = generate_keypair()
# The roles these tests' tokens carry; a service passes the suite's closed list (tenancy.roles).
ROLES = frozenset({"operator_admin", "service_desk_agent"})


class ThingSchema(Schema):
    name = fields.String(required=True)


def _app(ready: bool = True) -> Flask:
    app = Flask("t")
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.3", MAX_CONTENT_LENGTH=1024)
    blp = Blueprint("things", __name__, url_prefix="/api/v1/things")

    @blp.route("")
    class Things(MethodView):
        @blp.arguments(ThingSchema)
        @blp.response(201, ThingSchema)
        def post(self, data):
            return {"name": f"{data['name']} for {current_principal().subject}"}

    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("unexpected")

    def database() -> None:
        if not ready:
            raise ConnectionError("down")

    install_problem_details(app)
    install_observability(app, "t", {"database": database})
    install_authentication(app, TokenVerifier(PUBLIC, issuer="gw", audience="estatedesk", roles=ROLES))
    ProblemDetailsApi(app).register_blueprint(blp)
    return app


@pytest.fixture
def headers():
    token = issue_token(PRIVATE, subject="desk", role="service_desk_agent", estates=["e1"], issuer="gw",
                        audience="estatedesk")
    return {"Authorization": f"Bearer {token}"}


def test_validation_errors_are_problem_details_with_field_errors(headers):
    response = _app().test_client().post("/api/v1/things", json={"name": 3, "extra": 1}, headers=headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.json["errors"]["json"]) == {"name", "extra"}


def test_oversize_bodies_and_malformed_json_are_4xx_problems(headers):
    client = _app().test_client()
    big = client.post("/api/v1/things", json={"name": "x" * 5000}, headers=headers)
    assert (big.status_code, big.mimetype) == (413, "application/problem+json")
    bad = client.post("/api/v1/things", data="{nope", headers={**headers, "Content-Type": "application/json"})
    assert (bad.status_code, bad.mimetype) == (400, "application/problem+json")


def test_api_paths_need_a_token_and_health_does_not():
    client = _app().test_client()
    response = client.post("/api/v1/things", json={"name": "a"})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert client.get("/healthz").status_code == 200


def test_an_unexpected_error_is_a_500_problem_not_html(headers):
    response = _app().test_client().get("/api/v1/boom", headers=headers)
    assert (response.status_code, response.mimetype) == (500, "application/problem+json")


def test_the_callers_correlation_id_comes_back_and_a_new_one_is_made_otherwise(headers):
    client = _app().test_client()
    given = client.post("/api/v1/things", json={"name": "a"}, headers={**headers, "X-Correlation-ID": "abc-123"})
    assert given.headers["X-Correlation-ID"] == "abc-123"
    made = client.post("/api/v1/things", json={"name": "a"}, headers=headers)
    assert len(made.headers["X-Correlation-ID"]) == 32
    unsafe = client.post("/api/v1/things", json={"name": "a"}, headers={**headers, "X-Correlation-ID": "<x>" * 100})
    assert unsafe.headers["X-Correlation-ID"] != "<x>" * 100


def test_readyz_reports_each_dependency():
    assert _app(ready=True).test_client().get("/readyz").json == {"status": "ready", "checks": {"database": "ok"}}
    down = _app(ready=False).test_client().get("/readyz")
    assert down.status_code == 503 and down.json["checks"]["database"].startswith("unavailable")


def test_metrics_count_requests_in_prometheus_text(headers):
    client = _app().test_client()
    client.post("/api/v1/things", json={"name": "a"}, headers=headers)
    text = client.get("/metrics").get_data(as_text=True)
    assert 'http_requests_total{endpoint="/api/v1/things",method="POST",service="t",status="201"} 1.0' in text


def test_json_logs_carry_the_correlation_id():
    record = logging.makeLogRecord({"msg": "hello %s", "args": ("desk",), "levelname": "INFO", "name": "x"})
    with correlation.bound("cid-9"):
        line = json.loads(JsonFormatter("owners").format(record))
    assert line["message"] == "hello desk" and line["correlation_id"] == "cid-9" and line["service"] == "owners"
