"""Integration clients: registered by an operator admin (secret shown once, kept as a hash), tokens by
the OAuth 2.0 client credentials grant (Authlib) with the client's scopes and estates, refusals as
problem documents keeping RFC 6749's error, a secret rotated without a refused request, disabling."""

from __future__ import annotations

import base64
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from gateway.keys.use_cases import ensure_key
from gateway.keys.verifying import own_verifier
from gateway.service import SERVICE
from gateway.tables import client_secrets, sign_in_audit

TOKEN = "/api/v1/oauth/token"


@pytest.fixture
def key(db, settings):
    return ensure_key(SERVICE.unit_of_work(sessionmaker(db, expire_on_commit=False)), settings)


@pytest.fixture
def billing(client, auth, key):
    estate = str(uuid.uuid4())
    made = client.post("/api/v1/clients", headers=auth(), json={
        "name": "物业缴费系统", "scopes": ["tickets:write", "owners:read"], "estates": [estate]})
    assert made.status_code == 201, made.json
    return {**made.json, "estate": estate}


def _basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def _token(client, billing, secret: str | None = None, **form):
    return client.post(TOKEN, data={"grant_type": "client_credentials", **form},
                       headers=_basic(billing["client_id"], secret or billing["client_secret"]))


def test_a_client_takes_a_token_with_its_role_estates_and_scopes(client, billing, settings):
    answer = _token(client, billing)
    assert answer.status_code == 200, answer.json
    assert answer.json["token_type"] == "Bearer" and answer.json["expires_in"] == settings.access_token_seconds
    assert answer.json["scope"] == "owners:read tickets:write" and "refresh_token" not in answer.json
    assert answer.headers["Cache-Control"] == "no-store"
    principal = own_verifier(settings).verify(answer.json["access_token"])
    assert principal.role == "integration_client" and principal.estates == {billing["estate"]}
    assert principal.subject == f"client:{billing['client_id']}"


def test_the_secret_may_come_in_the_form_and_a_narrower_scope_may_be_asked_for(client, billing):
    answer = client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": billing["client_id"],
                                      "client_secret": billing["client_secret"], "scope": "tickets:write"})
    assert answer.status_code == 200 and answer.json["scope"] == "tickets:write"


@pytest.mark.parametrize("secret, form, status, error", [
    ("eds_wrong", {}, 401, "invalid_client"),
    (None, {"scope": "notify:send"}, 400, "invalid_scope"),
    (None, {"grant_type": "password", "username": "x", "password": "y"}, 400, "unsupported_grant_type"),
])
def test_refusals_are_problems_that_keep_the_rfc_6749_error(client, billing, secret, form, status, error):
    answer = _token(client, billing, secret, **form)
    assert answer.status_code == status and answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json["error"] == error and answer.json["detail"]
    zh = client.post(TOKEN, data={"grant_type": "client_credentials", **form}, headers={
        **_basic(billing["client_id"], secret or billing["client_secret"]), "Accept-Language": "zh-CN"})
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.json["detail"])


def test_an_unknown_client_is_refused_like_a_wrong_secret(client, key):
    answer = client.post(TOKEN, data={"grant_type": "client_credentials"}, headers=_basic("edc_nobody", "x"))
    assert answer.status_code == 401 and answer.json["error"] == "invalid_client"


def test_the_secret_is_shown_once_and_kept_only_as_a_hash(client, auth, billing, db):
    shown = client.get(f"/api/v1/clients/{billing['id']}", headers=auth()).json
    assert "client_secret" not in shown and shown["client_id"] == billing["client_id"]
    with db.connect() as conn:
        stored = conn.execute(select(client_secrets.c.secret_hash)).scalars().all()
    assert billing["client_secret"] not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_a_rotated_secret_leaves_the_previous_one_good_until_the_overlap_ends(client, auth, billing):
    rotated = client.post(f"/api/v1/clients/{billing['id']}/secrets", headers=auth(),
                          json={"keep_previous_seconds": 3600})
    assert rotated.status_code == 201
    new = rotated.json["client_secret"]
    assert new != billing["client_secret"]
    assert _token(client, billing).status_code == 200  # the deployments not yet changed over
    assert _token(client, billing, new).status_code == 200
    at_once = client.post(f"/api/v1/clients/{billing['id']}/secrets", headers=auth(), json={"keep_previous_seconds": 0})
    assert _token(client, billing).status_code == 401
    assert _token(client, billing, new).status_code == 401
    assert _token(client, billing, at_once.json["client_secret"]).status_code == 200


def test_a_disabled_client_gets_no_token_until_enabled_and_every_token_is_audited(client, auth, billing, db):
    assert client.post(f"/api/v1/clients/{billing['id']}/disable", headers=auth()).json["disabled"] is True
    assert _token(client, billing).status_code == 401
    assert client.post(f"/api/v1/clients/{billing['id']}/enable", headers=auth()).json["disabled"] is False
    assert _token(client, billing).status_code == 200
    with db.connect() as conn:
        outcomes = conn.execute(select(sign_in_audit.c.outcome).where(
            sign_in_audit.c.login == billing["client_id"])).scalars().all()
    assert {"client_registered", "client_disabled", "client_enabled", "client_token"} <= set(outcomes)


@pytest.mark.parametrize("estates", [["*", str(uuid.uuid4())], ["not-an-estate"], []])
def test_estates_are_estate_ids_or_every_estate_alone(client, auth, key, estates):
    answer = client.post("/api/v1/clients", headers=auth(), json={"name": "门禁系统", "estates": estates})
    assert answer.status_code == 422


def test_every_estate_is_one_star(client, auth, key, settings):
    made = client.post("/api/v1/clients", headers=auth(), json={"name": "呼叫中心", "estates": ["*"]}).json
    token = client.post(TOKEN, data={"grant_type": "client_credentials"},
                        headers=_basic(made["client_id"], made["client_secret"])).json["access_token"]
    assert own_verifier(settings).verify(token).estates is None


def test_only_an_operator_admin_registers_clients(client, auth, key):
    for role in ("estate_manager", "service_desk_agent", "integration_client"):
        body = {"name": "x", "estates": ["*"]}
        assert client.post("/api/v1/clients", headers=auth(role), json=body).status_code == 403
        assert client.get("/api/v1/clients", headers=auth(role)).status_code == 403
