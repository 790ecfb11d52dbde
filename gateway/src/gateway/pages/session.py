"""The pages' session: one signed cookie (HttpOnly, SameSite=Lax, Secure behind https) holding the
visitor's CSRF token and, once signed in, the owner's tokens and person. Signed, not encrypted: it
stays in the owner's own browser and no script can read it; it cannot be forged or altered without
the gateway's key. A cookie that is missing, altered or older than the refresh token's life is an
empty session (a new CSRF token).

CSRF: every form carries the session's token; a POST whose token is missing or not the session's is
refused before anything is read or changed (:func:`csrf_ok`)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from typing import Any

from flask import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from gateway.pages.texts import LANGUAGES

log = logging.getLogger(__name__)

COOKIE = "ed_owner"
LANGUAGE_COOKIE = "ed_lang"
CSRF_FIELD = "csrf"
YEAR = 365 * 24 * 3600


def serializer(keys_passphrase: str, purpose: str = "owners' pages",
               salt: str = "owners-pages") -> URLSafeTimedSerializer:
    """Signs a cookie with a key of its own (one per purpose: the owners' pages, the staff console),
    derived from the gateway's secret."""
    key = hmac.new(keys_passphrase.encode(), f"estatedesk {purpose} session".encode(), hashlib.sha256).hexdigest()
    return URLSafeTimedSerializer(key, salt=salt)


def load(request: Request, signer: URLSafeTimedSerializer, max_age: int, cookie: str = COOKIE) -> dict[str, Any]:
    """The visitor's session; a new one (with a fresh CSRF token) when there is none or it is not good."""
    raw = request.cookies.get(cookie)
    if raw:
        try:
            found = signer.loads(raw, max_age=max_age)
            if isinstance(found, dict) and isinstance(found.get(CSRF_FIELD), str):
                return found
        except BadSignature:
            log.warning("a %s cookie with a bad or expired signature was ignored", cookie)
    return {CSRF_FIELD: secrets.token_urlsafe(24)}


def store(response: Response, request: Request, signer: URLSafeTimedSerializer, session: dict[str, Any],
          max_age: int, cookie: str = COOKIE, same_site: str = "Lax") -> None:
    response.set_cookie(cookie, signer.dumps(session), max_age=max_age, httponly=True, samesite=same_site,
                        secure=behind_https(request), path="/")


def behind_https(request: Request) -> bool:
    """Whether the visitor came over https (to the front door, which says so in X-Forwarded-Proto)."""
    return request.is_secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def csrf_ok(session: dict[str, Any], sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(str(sent).encode(), str(session[CSRF_FIELD]).encode())


def language(request: Request) -> str:
    """zh-CN first; English when the visitor chose it."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in LANGUAGES else "zh-CN"


def remember_language(response: Response, request: Request, chosen: str) -> None:
    response.set_cookie(LANGUAGE_COOKIE, chosen if chosen in LANGUAGES else "zh-CN", max_age=YEAR,
                        httponly=True, samesite="Lax", secure=behind_https(request), path="/")
