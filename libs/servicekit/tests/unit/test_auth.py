"""JWT verification: only tokens signed with the pinned algorithm and key, with every required claim."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import jwt
import pytest
from sqlalchemy import Column, MetaData, String, Table, select

from servicekit.auth import AuthError, TokenVerifier, bearer_token, issue_token, scoped
from servicekit.tokens import generate_keypair

# The roles these tests' tokens carry; a service passes the suite's closed list (tenancy.roles).
ROLES = frozenset({"operator_admin", "service_desk_agent"})

PRIVATE, PUBLIC = generate_keypair()
OTHER_PRIVATE, _ = generate_keypair()
VERIFIER = TokenVerifier(PUBLIC, issuer="gw", audience="estatedesk", roles=ROLES)


def _token(**overrides):
    claims = {"iss": "gw", "aud": "estatedesk", "sub": "agent-7", "iat": int(time.time()),
              "exp": int(time.time()) + 60, "role": "service_desk_agent", "estates": ["e1", "e2"]}
    claims.update(overrides)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, PRIVATE, algorithm="EdDSA")


def test_a_valid_token_gives_the_principal_and_its_estates():
    principal = VERIFIER.verify(_token())
    assert principal.subject == "agent-7"
    assert principal.role == "service_desk_agent"
    assert principal.can_see("e1") and not principal.can_see("e3")


def test_the_star_estate_means_every_estate():
    principal = VERIFIER.verify(issue_token(PRIVATE, subject="admin", role="operator_admin", estates=["*"],
                                            issuer="gw", audience="estatedesk"))
    assert principal.estates is None and principal.can_see("anything")


@pytest.mark.parametrize("missing", ["iss", "aud", "exp", "iat", "sub"])
def test_every_required_claim_is_required(missing):
    with pytest.raises(AuthError):
        VERIFIER.verify(_token(**{missing: None}))


@pytest.mark.parametrize("claims", [
    {"iss": "someone-else"}, {"aud": "another-suite"}, {"exp": int(time.time()) - 120},
    {"role": "superuser"}, {"estates": "e1"},
])
def test_wrong_claims_are_refused(claims):
    with pytest.raises(AuthError):
        VERIFIER.verify(_token(**claims))


@pytest.mark.parametrize("claim", ["exp", "iat", "nbf"])
@pytest.mark.parametrize("shape", ["string", "bool", "list", "null"])
def test_dates_must_be_json_numbers_as_rfc_7519_says(claim, shape):
    # A validly signed token whose exp is "9999999999" was accepted: PyJWT compares int(value).
    now = int(time.time())
    good = {"exp": now + 60, "iat": now, "nbf": now}[claim]
    value = {"string": str(good), "bool": True, "list": [good], "null": None}[shape]
    claims = {"iss": "gw", "aud": "estatedesk", "sub": "agent-7", "iat": now, "exp": now + 60,
              "role": "service_desk_agent", "estates": ["e1"], claim: value}
    token = jwt.encode(claims, PRIVATE, algorithm="EdDSA")
    with pytest.raises(AuthError):
        VERIFIER.verify(token)


def test_dates_that_are_numbers_pass_whether_integers_or_fractions():
    now = time.time()
    claims = {"iss": "gw", "aud": "estatedesk", "sub": "agent-7", "iat": now, "exp": now + 60.5,
              "nbf": now - 1.5, "role": "service_desk_agent", "estates": ["e1"]}
    assert VERIFIER.verify(jwt.encode(claims, PRIVATE, algorithm="EdDSA")).subject == "agent-7"


def test_a_token_signed_with_another_key_is_refused():
    forged = jwt.encode({"iss": "gw", "aud": "estatedesk", "sub": "x", "iat": int(time.time()),
                         "exp": int(time.time()) + 60, "role": "operator_admin", "estates": ["*"]},
                        OTHER_PRIVATE, algorithm="EdDSA")
    with pytest.raises(AuthError):
        VERIFIER.verify(forged)


def test_the_algorithm_is_pinned_so_hmac_with_the_public_key_is_refused():
    # The classic confusion attack: sign with HS256 using the public key as the shared secret.
    now = int(time.time())
    header = jwt.utils.base64url_encode(b'{"alg":"HS256","typ":"JWT"}')
    payload = jwt.utils.base64url_encode(json.dumps(
        {"iss": "gw", "aud": "estatedesk", "sub": "x", "iat": now, "exp": now + 60, "role": "operator_admin",
         "estates": ["*"]}).encode())
    signature = jwt.utils.base64url_encode(
        hmac.new(PUBLIC.encode(), header + b"." + payload, hashlib.sha256).digest())
    with pytest.raises(AuthError):
        VERIFIER.verify((header + b"." + payload + b"." + signature).decode())


@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer ", "token"])
def test_a_missing_or_malformed_authorization_header_is_refused(header):
    with pytest.raises(AuthError):
        bearer_token(header)


def test_scoped_restricts_a_query_to_the_callers_estates_only_when_it_must():
    table = Table("t", MetaData(), Column("estate_id", String))
    limited = VERIFIER.verify(_token())
    everything = VERIFIER.verify(_token(estates=["*"], role="operator_admin"))
    assert "WHERE t.estate_id IN" in str(scoped(select(table), table.c.estate_id, limited))
    assert "WHERE" not in str(scoped(select(table), table.c.estate_id, everything))
