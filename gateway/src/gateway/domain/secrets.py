"""Client secrets: random enough that a fast hash keeps them safe, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "eds_"


def new_client_id() -> str:
    return "edc_" + secrets.token_hex(8)


def new_secret() -> str:
    """256 random bits: no one guesses it, so SHA-256 (not a slow password hash) is what to store."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same_secret(stored_hash: str, offered: str) -> bool:
    return hmac.compare_digest(stored_hash, secret_hash(offered))
