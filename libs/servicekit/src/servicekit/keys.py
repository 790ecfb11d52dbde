"""Where a service finds the public keys that verify tokens: a PEM file (or variable), or the
gateway's JWKS (RFC 7517), fetched and cached, so that a key rotation needs no restart.

A :class:`KeySet` answers ``key_for(kid)`` with the key to verify a token whose header names key
``kid``, or raises :class:`~servicekit.auth.AuthError`. Only keys of the pinned algorithm
(Ed25519, ``EdDSA``) are ever taken from a JWKS; any other key in it is left out and logged.

:class:`JwksKeys` keeps the set it fetched for ``max_age_seconds`` and fetches it again after; a
token naming a key it does not hold makes it fetch at once, but at most once per
``min_refresh_seconds``, so a stream of tokens with made-up key ids costs the gateway one request a
interval, not one a token. A fetch that fails keeps the keys it had (said in the log), so a gateway
that is briefly away refuses no token signed by a key that was published.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from jwt import PyJWK
from jwt.exceptions import PyJWKError

log = logging.getLogger(__name__)

ALGORITHM = "EdDSA"  # the one algorithm of the suite's tokens (servicekit.auth pins it too)


class NoKey(Exception):
    """No key verifies a token naming this key id (answer 401); why, in English and Chinese."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh


class KeySet(Protocol):
    def key_for(self, kid: str | None) -> Any: ...


class PemKey:
    """One public key in PEM (``JWT_PUBLIC_KEY`` or the file ``servicekit-token keygen`` wrote): it
    verifies every token, whatever key id its header names."""

    def __init__(self, pem: str) -> None:
        self.pem = pem

    def key_for(self, kid: str | None) -> Any:
        if not self.pem:
            raise NoKey("no public key is configured to verify tokens", "未配置验证令牌的公钥")
        return self.pem


def signing_keys(document: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of a JWKS document that may verify the suite's tokens, by key id: Ed25519 keys
    (``kty`` OKP, ``crv`` Ed25519) with a ``kid``, whose ``alg`` (when given) is EdDSA and whose
    ``use`` (when given) is ``sig``. Any other key is left out, and said in the log."""
    keys: dict[str, Any] = {}
    for jwk in document.get("keys", []) if isinstance(document, Mapping) else []:
        if not isinstance(jwk, Mapping):
            continue
        kid = jwk.get("kid")
        fits = (jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and isinstance(kid, str) and kid
                and jwk.get("alg", ALGORITHM) == ALGORITHM and jwk.get("use", "sig") == "sig")
        if not fits:
            log.warning("JWKS key %r left out: not an Ed25519 signing key with a kid", kid)
            continue
        try:
            keys[kid] = PyJWK.from_dict(dict(jwk), algorithm=ALGORITHM).key
        except PyJWKError as exc:
            log.warning("JWKS key %r left out: %s", kid, exc)
    return keys


def fetch_url(url: str, timeout: float = 5.0) -> Callable[[], Mapping[str, Any]]:
    """A fetch of the JWKS document at ``url``."""

    def fetch() -> Mapping[str, Any]:
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the configured URL)
            return json.loads(response.read())

    return fetch


class JwksKeys:
    """The gateway's published keys, fetched by ``fetch`` (a JWKS URL: :meth:`from_url`) and cached."""

    def __init__(self, fetch: Callable[[], Mapping[str, Any]], *, max_age_seconds: float = 300.0,
                 min_refresh_seconds: float = 10.0, clock: Callable[[], float] = time.monotonic,
                 source: str = "JWKS") -> None:
        self._fetch = fetch
        self.max_age_seconds = max_age_seconds
        self.min_refresh_seconds = min_refresh_seconds
        self._clock = clock
        self.source = source
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None  # the last attempt, successful or not
        self._lock = threading.Lock()
        self.fetches = 0

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> JwksKeys:
        return cls(fetch_url(url), source=url, **kwargs)

    def key_for(self, kid: str | None) -> Any:
        if not kid:
            raise NoKey("the token names no key (kid)", "令牌未指明签名密钥（kid）")
        now = self._clock()
        if self._fetched_at is None or now - self._fetched_at >= self.max_age_seconds:
            self._refresh(now, at_most_every=0.0)
        key = self._keys.get(kid)
        if key is None:
            # A key published since the last fetch (a rotation): look again, at most once an interval.
            self._refresh(now, at_most_every=self.min_refresh_seconds)
            key = self._keys.get(kid)
        if key is None:
            raise NoKey(f"the token's key {kid!r} is not one of the gateway's keys",
                        f"令牌的签名密钥 {kid!r} 不是网关发布的密钥")
        return key

    def _refresh(self, now: float, *, at_most_every: float) -> None:
        with self._lock:
            # (negative when another thread fetched while this one waited: nothing to do)
            if self._fetched_at is not None and now - self._fetched_at < at_most_every:
                return
            self._fetched_at = self._clock()
            self.fetches += 1
            try:
                document = self._fetch()
            except Exception as exc:  # noqa: BLE001  (the network, a bad document: keep the keys held)
                log.warning("could not fetch the token keys from %s (keeping %d held): %s",
                            self.source, len(self._keys), exc)
                return
            self._keys = signing_keys(document)
            if not self._keys:
                log.warning("the JWKS at %s holds no Ed25519 signing key: every token is refused", self.source)


class KeyChoice:
    """Both sources: a token naming a key id is verified by the JWKS; one naming none (what
    ``servicekit-token`` signs for tests and scripts) by the PEM key, where one is configured."""

    def __init__(self, jwks: JwksKeys, pem: PemKey | None) -> None:
        self.jwks, self.pem = jwks, pem

    def key_for(self, kid: str | None) -> Any:
        if kid or self.pem is None or not self.pem.pem:
            return self.jwks.key_for(kid)
        return self.pem.key_for(kid)
