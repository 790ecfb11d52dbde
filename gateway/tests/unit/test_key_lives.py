"""Which key signs and which are published across rotations (gateway.domain.keys), for any order
of rotations: exactly one key signs at any moment after the first, a key stays published while a
token it signed can live, and a token's key is always in the JWKS that a verifier fetches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain.keys import KeyLife, published, rotation, signing, state, thumbprint

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
AHEAD = timedelta(seconds=60)
LIFETIME = timedelta(minutes=15)


def _rotate(keys: list[KeyLife], now: datetime, kid: str) -> list[KeyLife]:
    plan = rotation(keys, now, AHEAD)
    kept = [KeyLife(k.kid, k.signs_from, plan.retire.get(k.kid, k.retired_at)) for k in keys]
    return [*kept, KeyLife(kid, plan.signs_from, None)]


def test_the_first_key_signs_at_once_and_a_later_one_after_it_was_published_ahead():
    keys = _rotate([], T0, "a")
    assert signing(keys, T0).kid == "a"
    keys = _rotate(keys, T0 + timedelta(hours=1), "b")
    assert signing(keys, T0 + timedelta(hours=1, seconds=59)).kid == "a"
    assert signing(keys, T0 + timedelta(hours=1, seconds=60)).kid == "b"
    assert {k.kid for k in published(keys, T0 + timedelta(hours=1), LIFETIME)} == {"a", "b"}
    assert state(keys[1], T0 + timedelta(hours=1), LIFETIME) == "next"


def test_a_retired_key_leaves_the_jwks_once_its_last_token_has_expired():
    keys = _rotate(_rotate([], T0, "a"), T0, "b")
    retired = T0 + AHEAD
    assert state(keys[0], retired + LIFETIME, LIFETIME) == "retired"
    assert "a" in {k.kid for k in published(keys, retired + LIFETIME, LIFETIME)}
    assert "a" not in {k.kid for k in published(keys, retired + LIFETIME + timedelta(minutes=2), LIFETIME)}
    assert state(keys[0], retired + LIFETIME + timedelta(minutes=2), LIFETIME) == "withdrawn"


def test_when_every_key_has_retired_the_next_one_signs_at_once():
    keys = [KeyLife("a", T0, T0 + timedelta(minutes=1))]
    assert rotation(keys, T0 + timedelta(hours=1), AHEAD).signs_from == T0 + timedelta(hours=1)


@settings(deadline=None, database=None)  # no deadline on a busy machine; no example database file
@given(st.lists(st.integers(min_value=0, max_value=4 * 3600), min_size=1, max_size=8),
       st.integers(min_value=0, max_value=5 * 3600))
def test_one_key_signs_at_every_moment_and_it_was_published_ahead_of_any_verifier_needing_it(gaps, probe):
    keys: list[KeyLife] = []
    now = T0
    for n, gap in enumerate(gaps):
        now += timedelta(seconds=gap)
        keys = _rotate(keys, now, f"k{n}")
    moment = T0 + timedelta(seconds=probe)
    signer = signing(keys, moment)
    assert (signer is None) == (moment < T0 + timedelta(seconds=gaps[0]))  # none before the first key
    if signer is not None:
        # A token signed now is verifiable until it expires: its key is published for all that time.
        for later in (moment, moment + LIFETIME):
            assert signer.kid in {k.kid for k in published(keys, later, LIFETIME)}


def test_a_keys_id_is_its_rfc_7638_thumbprint():
    # RFC 8037, appendix A.3: the thumbprint of the example Ed25519 key.
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert thumbprint(jwk) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
