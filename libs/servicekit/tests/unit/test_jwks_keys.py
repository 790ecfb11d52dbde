"""Keys from the gateway's JWKS: found by the token's kid, cached, fetched again on an unknown kid at
most once an interval, a failed fetch keeping what was held, only Ed25519 signing keys taken."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from jwt.algorithms import OKPAlgorithm

from servicekit.auth import AuthError, TokenVerifier, issue_token
from servicekit.keys import JwksKeys, KeyChoice, PemKey, signing_keys
from servicekit.tokens import generate_keypair

ROLES = frozenset({"service_desk_agent"})


def _jwk(public_pem: str, kid: str) -> dict:
    key = serialization.load_pem_public_key(public_pem.encode())
    return {**json.loads(OKPAlgorithm.to_jwk(key)), "kid": kid, "alg": "EdDSA", "use": "sig"}


def _token(private: str, kid: str | None) -> str:
    """A token of its own (a new jti): the verifier's memory of verified tokens never answers for it."""
    return issue_token(private, subject="agent-7", role="service_desk_agent", estates=["e1"], issuer="gw",
                       audience="estatedesk", key_id=kid, claims={"jti": uuid.uuid4().hex})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Gateway:
    """What a fetch of the gateway's JWKS would answer, changed by the test (a rotation, an outage)."""

    def __init__(self, *jwks: dict) -> None:
        self.keys = list(jwks)
        self.down = False

    def __call__(self) -> dict:
        if self.down:
            raise OSError("connection refused")
        return {"keys": list(self.keys)}


OLD_PRIVATE, OLD_PUBLIC = generate_keypair()
NEW_PRIVATE, NEW_PUBLIC = generate_keypair()


def _verifier(gateway: Gateway, clock: Clock, **kwargs) -> tuple[TokenVerifier, JwksKeys]:
    keys = JwksKeys(gateway, clock=clock, min_refresh_seconds=10, max_age_seconds=300, **kwargs)
    return TokenVerifier(keys, issuer="gw", audience="estatedesk", roles=ROLES), keys


def test_a_token_is_verified_by_the_key_its_kid_names():
    verifier, keys = _verifier(Gateway(_jwk(OLD_PUBLIC, "old"), _jwk(NEW_PUBLIC, "new")), Clock())
    assert verifier.verify(_token(NEW_PRIVATE, "new")).subject == "agent-7"
    assert verifier.verify(_token(OLD_PRIVATE, "old")).subject == "agent-7"
    assert keys.fetches == 1
    with pytest.raises(AuthError):  # the old key's kid on a token the new key signed
        verifier.verify(_token(NEW_PRIVATE, "old"))


def test_a_key_published_after_the_last_fetch_is_fetched_on_its_first_token_without_a_restart():
    gateway, clock = Gateway(_jwk(OLD_PUBLIC, "old")), Clock()
    verifier, keys = _verifier(gateway, clock)
    verifier.verify(_token(OLD_PRIVATE, "old"))
    clock.now += 11
    gateway.keys.append(_jwk(NEW_PUBLIC, "new"))  # the rotation
    assert verifier.verify(_token(NEW_PRIVATE, "new")).subject == "agent-7"
    assert keys.fetches == 2


def test_unknown_kids_fetch_at_most_once_an_interval():
    gateway, clock = Gateway(_jwk(OLD_PUBLIC, "old")), Clock()
    verifier, keys = _verifier(gateway, clock)
    for n in range(50):
        with pytest.raises(AuthError, match="not one of the gateway's keys"):
            verifier.verify(_token(OLD_PRIVATE, f"made-up-{n}"))
    assert keys.fetches == 1  # the first fetch is the look the first unknown kid would have had
    clock.now += 10
    with pytest.raises(AuthError):
        verifier.verify(_token(OLD_PRIVATE, "made-up-again"))
    assert keys.fetches == 2


def test_the_set_is_fetched_again_when_it_is_older_than_its_max_age_so_a_withdrawn_key_goes():
    gateway, clock = Gateway(_jwk(OLD_PUBLIC, "old"), _jwk(NEW_PUBLIC, "new")), Clock()
    verifier, keys = _verifier(gateway, clock)
    verifier.verify(_token(OLD_PRIVATE, "old"))
    gateway.keys = [_jwk(NEW_PUBLIC, "new")]
    clock.now += 301
    with pytest.raises(AuthError):
        verifier.verify(_token(OLD_PRIVATE, "old"))
    assert keys.fetches >= 2


def test_a_failed_fetch_keeps_the_keys_held(caplog):
    gateway, clock = Gateway(_jwk(OLD_PUBLIC, "old")), Clock()
    verifier, _ = _verifier(gateway, clock)
    verifier.verify(_token(OLD_PRIVATE, "old"))
    gateway.down = True
    clock.now += 301
    assert verifier.verify(_token(OLD_PRIVATE, "old")).subject == "agent-7"
    assert "could not fetch the token keys" in caplog.text


def test_a_token_naming_no_kid_is_refused_by_the_jwks_and_taken_by_a_configured_pem_key():
    gateway, clock = Gateway(_jwk(OLD_PUBLIC, "old")), Clock()
    verifier, _ = _verifier(gateway, clock)
    with pytest.raises(AuthError, match="names no key"):
        verifier.verify(_token(OLD_PRIVATE, None))
    keys = KeyChoice(JwksKeys(gateway, clock=clock), PemKey(NEW_PUBLIC))
    both = TokenVerifier(keys, issuer="gw", audience="estatedesk", roles=ROLES)
    assert both.verify(_token(NEW_PRIVATE, None)).subject == "agent-7"  # servicekit-token's, by the file
    assert both.verify(_token(OLD_PRIVATE, "old")).subject == "agent-7"  # the gateway's, by the JWKS
    with pytest.raises(AuthError):  # a kid'd token is never tried against the file's key
        both.verify(_token(NEW_PRIVATE, "unknown"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signed(claims: dict, header: dict, secret: bytes | None) -> str:
    """A token signed by hand (HS256 with ``secret``, or unsigned): PyJWT refuses to make these."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    if secret is None:
        return signing_input + "."
    return signing_input + "." + _b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())


def test_only_ed25519_signing_keys_are_taken_from_the_set():
    secret = OLD_PUBLIC.encode()
    document = {"keys": [
        {"kty": "oct", "k": _b64(secret), "kid": "hmac", "alg": "HS256"},
        {**_jwk(OLD_PUBLIC, "enc"), "use": "enc"},
        {**_jwk(OLD_PUBLIC, "rs"), "alg": "RS256"},
        {k: v for k, v in _jwk(OLD_PUBLIC, "x").items() if k != "kid"},
        "not a key",
        _jwk(NEW_PUBLIC, "good"),
    ]}
    assert set(signing_keys(document)) == {"good"}
    verifier, _ = _verifier(Gateway(*document["keys"][:3], _jwk(NEW_PUBLIC, "good")), Clock())
    forged = _signed({"iss": "gw", "aud": "estatedesk", "sub": "x", "iat": int(time.time()),
                      "exp": int(time.time()) + 60, "role": "service_desk_agent", "estates": ["*"]},
                     {"alg": "HS256", "kid": "hmac", "typ": "JWT"}, secret)
    with pytest.raises(AuthError):
        verifier.verify(forged)


@pytest.mark.parametrize("document", [None, [], {"keys": "x"}, {"nothing": 1}])
def test_a_document_that_is_no_jwks_gives_no_keys(document):
    assert signing_keys(document) == {}


def test_alg_none_and_hmac_with_the_public_key_are_refused_whatever_the_kid():
    verifier, _ = _verifier(Gateway(_jwk(OLD_PUBLIC, "old")), Clock())
    claims = {"iss": "gw", "aud": "estatedesk", "sub": "x", "iat": int(time.time()), "exp": int(time.time()) + 60,
              "role": "service_desk_agent", "estates": ["*"]}
    with pytest.raises(AuthError):
        verifier.verify(_signed(claims, {"alg": "none", "kid": "old", "typ": "JWT"}, None))
    with pytest.raises(AuthError):
        verifier.verify(_signed(claims, {"alg": "HS256", "kid": "old", "typ": "JWT"}, OLD_PUBLIC.encode()))
