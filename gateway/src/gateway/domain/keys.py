"""Which of the gateway's keys signs, which are published, and what a rotation changes.

A key is published (in the JWKS) from the moment it is made, so that every service can fetch it
before the first token it signs arrives; it signs from ``signs_from`` until ``retired_at``, when the
next key takes over; it stays published until the last token it signed has expired (plus the
leeway a verifier allows), and then leaves the JWKS, so that nothing it signed is accepted after.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# What a verifier tolerates past ``exp`` (servicekit.auth.TokenVerifier's leeway, 30 s) and a margin.
VERIFIER_LEEWAY = timedelta(seconds=60)


@dataclass(frozen=True)
class KeyLife:
    kid: str
    signs_from: datetime
    retired_at: datetime | None


def signing(keys: Iterable[KeyLife], now: datetime) -> KeyLife | None:
    """The key that signs at ``now``: of those whose time has come and not gone, the newest."""
    current = [k for k in keys if k.signs_from <= now and (k.retired_at is None or k.retired_at > now)]
    return max(current, key=lambda k: k.signs_from, default=None)


def published(keys: Iterable[KeyLife], now: datetime, token_lifetime: timedelta) -> list[KeyLife]:
    """The keys in the JWKS at ``now``: all but those retired longer ago than a token lives."""
    return [k for k in keys if k.retired_at is None or k.retired_at + token_lifetime + VERIFIER_LEEWAY > now]


@dataclass(frozen=True)
class Rotation:
    """A new key's first signing moment, and the moment each key still signing stops."""

    signs_from: datetime
    retire: dict[str, datetime]


def rotation(keys: Iterable[KeyLife], now: datetime, publish_ahead: timedelta) -> Rotation:
    """A new key. The first one (nothing signs, nothing will) signs at once: no service can hold an
    older set without it. Any later one is published ``publish_ahead`` before it signs, and every key
    signing until then stops when it begins."""
    keys = list(keys)
    live = [k for k in keys if k.retired_at is None or k.retired_at > now]
    if not live:
        return Rotation(signs_from=now, retire={})
    starts = now + publish_ahead
    retire = {k.kid: starts for k in live if k.retired_at is None or k.retired_at > starts}
    return Rotation(signs_from=starts, retire=retire)


def state(key: KeyLife, now: datetime, token_lifetime: timedelta) -> str:
    """What a key is doing at ``now``: ``next`` (published, not signing yet), ``signing``, ``retired``
    (still published for the tokens it signed), ``withdrawn`` (gone from the JWKS)."""
    if key.signs_from > now:
        return "next"
    if key.retired_at is None or key.retired_at > now:
        return "signing"
    return "retired" if published([key], now, token_lifetime) else "withdrawn"


def thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 thumbprint of an OKP key (SHA-256, base64url): the key's id, the same wherever
    it is computed."""
    members = {name: jwk[name] for name in ("crv", "kty", "x")}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
