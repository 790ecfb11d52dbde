"""What callers can do with the signing keys: make a new one (a rotation)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from sqlalchemy import insert, select, update

from gateway.domain import keys as rules
from gateway.settings import Settings
from gateway.tables import signing_keys
from servicekit.auth import ALGORITHM
from servicekit.rows import now as clock
from servicekit.unit_of_work import UnitOfWork


def rotate(uow: UnitOfWork, settings: Settings, now: datetime | None = None) -> dict:
    """Make a new signing key: published now, signing once every service can have fetched it (the
    first key at once); the key signing until then retires when it begins."""
    now = now or clock()
    with uow:
        row = _new_key(uow, settings, _lives(uow), now)
        uow.commit()
    return row


def ensure_key(uow: UnitOfWork, settings: Settings, now: datetime | None = None) -> dict | None:
    """Make the first key when none signs or will (a new deployment, every key retired); else nothing."""
    now = now or clock()
    with uow:
        lives = _lives(uow)
        if any(k.retired_at is None or k.retired_at > now for k in lives):
            return None
        row = _new_key(uow, settings, lives, now)
        uow.commit()
    return row


def _lives(uow: UnitOfWork) -> list[rules.KeyLife]:
    rows = uow.execute(select(signing_keys.c.kid, signing_keys.c.signs_from, signing_keys.c.retired_at)
                       .with_for_update())
    return [rules.KeyLife(r.kid, r.signs_from, r.retired_at) for r in rows]


def _new_key(uow: UnitOfWork, settings: Settings, lives: list[rules.KeyLife], now: datetime) -> dict:
    plan = rules.rotation(lives, now, timedelta(seconds=settings.key_publish_seconds))
    private = Ed25519PrivateKey.generate()
    jwk = json.loads(OKPAlgorithm.to_jwk(private.public_key()))
    kid = rules.thumbprint(jwk)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(settings.keys_passphrase.encode()),
    ).decode()
    row = {"kid": kid, "algorithm": ALGORITHM, "public_jwk": {**jwk, "kid": kid, "alg": ALGORITHM, "use": "sig"},
           "private_pem": pem, "created_at": now, "signs_from": plan.signs_from, "retired_at": None}
    for old, retired_at in plan.retire.items():
        uow.execute(update(signing_keys).where(signing_keys.c.kid == old).values(retired_at=retired_at))
    uow.execute(insert(signing_keys).values(row))
    return row
