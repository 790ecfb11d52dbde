"""The gateway's keys over real HTTP: the JWKS it publishes verifies the tokens it signs, in its own
API and in a service's verifier fed from the JWKS URL; a rotation reaches that verifier without a
restart; and every kind of forged or stale token is refused (401) on both sides."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import replace

import httpx
import jwt
import pytest
from sqlalchemy.orm import sessionmaker
from tenancy.roles import ROLES

from gateway.app import create_app
from gateway.keys import use_cases
from gateway.keys.signing import NoSigningKey, Signer
from gateway.service import SERVICE
from servicekit.auth import AuthError, TokenVerifier
from servicekit.keys import JwksKeys
from servicekit.rows import now
from servicekit.testing import FORGERIES, forged_tokens, served_app

JWKS = "/.well-known/jwks.json"


@pytest.fixture
def sessions(db):
    return sessionmaker(db, expire_on_commit=False)


@pytest.fixture
def gateway(db, settings):
    """The gateway's web as deployed (verifying with its own keys), over HTTP: its base URL."""
    with served_app(create_app(settings)) as url:
        yield url


@pytest.fixture
def signer(sessions, settings):
    use_cases.ensure_key(SERVICE.unit_of_work(sessions), settings)
    return Signer(sessions, settings)


def _service_verifier(gateway: str, settings, **kwargs) -> TokenVerifier:
    """What every service builds from JWT_JWKS_URL."""
    keys = JwksKeys.from_url(gateway + JWKS, **{"min_refresh_seconds": 0.0, **kwargs})
    return TokenVerifier(keys, issuer=settings.issuer, audience=settings.audience, roles=ROLES)


def test_the_jwks_is_public_and_holds_the_signing_key(gateway, signer):
    answer = httpx.get(gateway + JWKS)
    assert answer.status_code == 200 and "max-age" in answer.headers["Cache-Control"]
    (key,) = answer.json()["keys"]
    assert {key["kty"], key["crv"], key["alg"], key["use"]} == {"OKP", "Ed25519", "EdDSA", "sig"}
    token, _ = signer.sign(subject="admin-1", role="operator_admin", estates=["*"])
    assert key["kid"] == json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"]
    assert "d" not in key  # never the private part


def test_a_token_the_gateway_signed_is_taken_by_its_own_api_and_by_a_services_verifier(gateway, signer, settings):
    token, lifetime = signer.sign(subject="admin-1", role="operator_admin", estates=["*"])
    assert lifetime == settings.access_token_seconds
    listed = httpx.get(gateway + "/api/v1/keys", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200 and [k["state"] for k in listed.json()] == ["signing"]
    assert _service_verifier(gateway, settings).verify(token).subject == "admin-1"


def test_a_rotation_reaches_a_running_verifier_without_a_restart_and_old_tokens_stay_good(
        gateway, signer, sessions, settings):
    verifier = _service_verifier(gateway, settings)
    before, _ = signer.sign(subject="desk-1", role="service_desk_agent", estates=["*"])
    verifier.verify(before)
    made = use_cases.rotate(SERVICE.unit_of_work(sessions), settings)
    # Published now, signing only after the publish lead: a token signed now still uses the old key.
    still, _ = signer.sign(subject="desk-2", role="service_desk_agent", estates=["*"])
    assert _kid(still) == _kid(before) != made["kid"]
    assert made["kid"] in {k["kid"] for k in httpx.get(gateway + JWKS).json()["keys"]}
    # A deployment with no lead (the worst case): the new key signs at once, unknown to the verifier
    # (and its signer keeps no keys' lives: half of no lead).
    no_lead = replace(settings, key_publish_seconds=0)
    sudden = use_cases.rotate(SERVICE.unit_of_work(sessions), no_lead)
    after, _ = Signer(sessions, no_lead).sign(subject="desk-3", role="service_desk_agent", estates=["*"])
    assert _kid(after) == sudden["kid"]
    assert verifier.verify(after).subject == "desk-3"  # its kid was unknown: fetched again
    assert verifier.verify(still).subject == "desk-2"
    assert verifier.keys.fetches == 2


def test_the_keys_list_and_a_rotation_are_the_operators(gateway, signer):
    desk, _ = signer.sign(subject="desk-1", role="service_desk_agent", estates=["*"])
    admin, _ = signer.sign(subject="admin-1", role="operator_admin", estates=["*"])
    assert httpx.post(gateway + "/api/v1/keys", headers={"Authorization": f"Bearer {desk}"}).status_code == 403
    made = httpx.post(gateway + "/api/v1/keys", headers={"Authorization": f"Bearer {admin}"})
    assert made.status_code == 201 and made.json()["state"] == "next"
    states = [k["state"] for k in httpx.get(gateway + "/api/v1/keys",
                                            headers={"Authorization": f"Bearer {admin}"}).json()]
    assert states == ["signing", "next"]


def test_without_a_key_the_gateway_signs_nothing(sessions, settings, db):
    with pytest.raises(NoSigningKey):
        Signer(sessions, settings).sign(subject="x", role="operator_admin", estates=["*"])


# --- every forged or stale token: 401 at the gateway's API and in a service's verifier --------------


def _kid(token: str) -> str:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"]


def signing_with(signer: Signer) -> Callable[..., str]:
    """``sign(**claims)`` with the gateway's current key, whatever the claims (forged_tokens' signer)."""

    def sign(**claims) -> str:
        kid, key = signer.signing_key(now())
        return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})

    return sign


@pytest.mark.parametrize("kind", FORGERIES)
def test_a_forged_or_stale_token_is_refused_by_the_gateway_and_by_a_services_verifier(kind, gateway, signer,
                                                                                      settings):
    jwk = httpx.get(gateway + JWKS).json()["keys"][0]
    token = forged_tokens(signing_with(signer), jwk, issuer=settings.issuer, audience=settings.audience)[kind]
    answer = httpx.get(gateway + "/api/v1/keys", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401, answer.text
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    with pytest.raises(AuthError):
        _service_verifier(gateway, settings).verify(token)
    # The same request with the gateway's own token passes: the refusal was the token's.
    valid, _ = signer.sign(subject="admin-1", role="operator_admin", estates=["*"])
    assert httpx.get(gateway + "/api/v1/keys", headers={"Authorization": f"Bearer {valid}"}).status_code == 200


def test_the_clock_of_the_key_rows_is_an_instant(sessions, settings, db):
    made = use_cases.ensure_key(SERVICE.unit_of_work(sessions), settings)
    assert made["signs_from"].tzinfo is not None and made["signs_from"] <= now()


def test_the_signer_reads_the_keys_once_an_interval_and_still_signs_with_a_rotated_key_in_time(sessions, settings):
    """No read of the keys per token: at most one each ``lives_seconds`` (half the publish interval),
    so a rotated key, which signs only a publish interval after it is written, is known before."""
    fast = replace(settings, key_publish_seconds=0.4)
    use_cases.ensure_key(SERVICE.unit_of_work(sessions), fast)
    reads = []

    def counted():
        reads.append(1)
        return sessions()

    signer = Signer(counted, fast)
    assert signer.lives_seconds == 0.2

    def kid(token: str) -> str:
        return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"]

    first = {kid(signer.sign(subject="c", role="integration_client", estates=["*"])[0]) for _ in range(50)}
    assert len(first) == 1 and len(reads) <= 2  # the keys' lives once, the private key once
    rotated = use_cases.rotate(SERVICE.unit_of_work(sessions), fast)
    time.sleep(0.5)  # past the publish interval: the new key signs
    assert {kid(signer.sign(subject="c", role="integration_client", estates=["*"])[0])} == {rotated["kid"]}
