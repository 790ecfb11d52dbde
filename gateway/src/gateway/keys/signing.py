"""Signing a token with the key that signs now, for the gateway's sign-in and token endpoints.

Which key signs follows from the keys' lives (``signs_from``, ``retired_at``), read from the database
and kept in the process for at most ``lives_seconds``: half the time a new key is published before it
signs (``GATEWAY_KEY_PUBLISH_SECONDS``), at most 5 s. A rotation writes a key that signs only that
long after, so every replica has read it before it must sign with it, and the key it replaces stays
published until its last token expired: no token is signed by a key the services do not have, and
a token costs no database read of the keys. The decrypted private key is kept in the process by its
id, since decrypting it is deliberately slow.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from cryptography.hazmat.primitives import serialization
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.domain import keys as rules
from gateway.settings import Settings
from gateway.tables import signing_keys
from servicekit.auth import issue_token
from servicekit.rows import now as clock
from servicekit.web import refuse
from servicekit.webapp import current_settings, read_session


class NoSigningKey(RuntimeError):
    """No key signs now (a deployment whose `gateway keys ensure` has not run): answered 503."""


class Signer:
    def __init__(self, sessions: Callable[[], Session], settings: Settings) -> None:
        self._sessions = sessions
        self._settings = settings
        self._private: dict[str, object] = {}
        self._lock = threading.Lock()
        self.lives_seconds = min(5.0, settings.key_publish_seconds / 2)
        self._lives: tuple[float, list[rules.KeyLife]] = (float("-inf"), [])

    def sign(self, *, subject: str, role: str, estates: Iterable[str], permissions: Iterable[str] = (),
             claims: dict | None = None, now: datetime | None = None) -> tuple[str, int]:
        """A signed access token and its lifetime in seconds."""
        now = now or clock()
        kid, key = self.signing_key(now)
        lifetime = self._settings.access_token_seconds
        token = issue_token(key, subject=subject, role=role, estates=estates, issuer=self._settings.issuer,
                            audience=self._settings.audience, ttl_seconds=lifetime, permissions=permissions,
                            now=int(now.timestamp()), key_id=kid, claims=claims)
        return token, lifetime

    def _key_lives(self) -> list[rules.KeyLife]:
        read_at, lives = self._lives
        if time.monotonic() - read_at < self.lives_seconds:
            return lives
        with self._sessions() as session:
            lives = [rules.KeyLife(r.kid, r.signs_from, r.retired_at) for r in session.execute(
                select(signing_keys.c.kid, signing_keys.c.signs_from, signing_keys.c.retired_at))]
        self._lives = (time.monotonic(), lives)
        return lives

    def signing_key(self, now: datetime) -> tuple[str, object]:
        """The id and private key of the key that signs at ``now``."""
        key = rules.signing(self._key_lives(), now)
        if key is None:
            self._lives = (float("-inf"), [])  # `gateway keys ensure` may run any moment: look again next time
            raise NoSigningKey("the gateway has no signing key; run `gateway keys ensure`")
        if key.kid not in self._private:
            with self._sessions() as session:
                pem = session.execute(select(signing_keys.c.private_pem)
                                      .where(signing_keys.c.kid == key.kid)).scalar_one()
            with self._lock:
                self._private[key.kid] = serialization.load_pem_private_key(
                    pem.encode(), password=self._settings.keys_passphrase.encode())
        return key.kid, self._private[key.kid]


def request_signer() -> Signer:
    """The signer of the app serving this request (one per app: it keeps the decrypted keys)."""
    signer = current_app.extensions.get(_SIGNER)
    if signer is None:
        signer = current_app.extensions.setdefault(_SIGNER, Signer(read_session, current_settings()))
    return signer


def sign_for_request(**claims) -> tuple[str, int]:
    """Sign with the app's signer; no signing key is a 503 (the deployment's `gateway keys ensure`)."""
    try:
        return request_signer().sign(**claims)
    except NoSigningKey:
        refuse(503, "the gateway has no signing key yet", "网关尚无签名密钥")


_SIGNER = "gateway.signer"
