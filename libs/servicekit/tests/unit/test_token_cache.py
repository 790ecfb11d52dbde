"""The verifier remembers tokens that verified, and never past their expiry."""

from __future__ import annotations

import time

import pytest

from servicekit.auth import AuthError, TokenVerifier, issue_token
from servicekit.keys import PemKey
from servicekit.tokens import generate_keypair

# The roles these tests' tokens carry; a service passes the suite's closed list (tenancy.roles).
ROLES = frozenset({"operator_admin", "service_desk_agent"})

PRIVATE, PUBLIC = generate_keypair()


def _token(ttl: int = 60, subject: str = "desk-1") -> str:
    return issue_token(PRIVATE, subject=subject, role="service_desk_agent", estates=["e1"], issuer="gw",
                       audience="estatedesk", ttl_seconds=ttl)


def test_a_verified_token_is_answered_from_memory_with_the_same_principal():
    verifier = TokenVerifier(PUBLIC, issuer="gw", audience="estatedesk", roles=ROLES)
    token = _token()
    first = verifier.verify(token)
    verifier.keys = PemKey("")  # a second signature check would now fail: the answer must come from memory
    assert verifier.verify(token) == first


def test_a_remembered_token_is_refused_once_it_expires():
    verifier = TokenVerifier(PUBLIC, issuer="gw", audience="estatedesk", roles=ROLES, leeway=0)
    token = _token(ttl=1)
    verifier.verify(token)
    time.sleep(1.1)
    with pytest.raises(AuthError, match="expired"):
        verifier.verify(token)


def test_failures_are_not_remembered_and_memory_is_bounded():
    verifier = TokenVerifier(PUBLIC, issuer="gw", audience="estatedesk", roles=ROLES, cache_size=2)
    with pytest.raises(AuthError):
        verifier.verify("not-a-token")
    assert verifier._verified == {}
    for subject in ("a", "b", "c"):
        verifier.verify(_token(subject=subject))
    assert len(verifier._verified) <= 2
