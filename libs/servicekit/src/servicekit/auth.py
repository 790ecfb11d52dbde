"""JWT verification and the estate scope every query goes through.

Tokens are signed by the gateway with an asymmetric key; services hold only public keys, from the
gateway's JWKS or a PEM file (:mod:`servicekit.keys`). The algorithm is pinned (a token's own
``alg`` header is never trusted) and ``iss``, ``aud``, ``exp``, ``iat`` and ``sub`` are required.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import jwt
from sqlalchemy import ColumnElement, Select, Uuid, or_

from servicekit.config import env_float, env_str, var_dir
from servicekit.errors import Message
from servicekit.keys import ALGORITHM, JwksKeys, KeyChoice, KeySet, NoKey, PemKey

ALL_ESTATES = "*"

S = TypeVar("S", bound=Select[Any])


class AuthError(Exception):
    """The caller could not be authenticated (answer 401); why, in English and Chinese."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.message = Message(en, zh)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: subject, role, the estates they may see (None: every estate), permissions."""

    subject: str
    role: str
    estates: frozenset[str] | None
    permissions: frozenset[str] = frozenset()

    def can_see(self, estate_id: object) -> bool:
        return self.estates is None or str(estate_id) in self.estates

    def has(self, permission: str) -> bool:
        return permission in self.permissions


def scoped(statement: S, estate_column: ColumnElement[Any], principal: Principal) -> S:
    """Restrict a query to the caller's estates; every list, search and export goes through this."""
    if principal.estates is None:
        return statement
    return statement.where(estate_column.in_(_estate_values(principal.estates, estate_column)))


def scoped_with_operator(statement: S, estate_column: ColumnElement[Any], principal: Principal,
                         estate_id: Any = None) -> S:
    """Restrict a query to the operator's rows (no estate: they apply in every estate) and those of
    the caller's estates; with ``estate_id``, to the operator's and that one estate's (a category, a
    catalogue item, a rule, a procedure in force there)."""
    if principal.estates is not None:
        statement = statement.where(or_(estate_column.is_(None), estate_column.in_(
            _estate_values(principal.estates, estate_column))))
    if estate_id is not None:
        statement = statement.where(or_(estate_column.is_(None), estate_column == estate_id))
    return statement


def _estate_values(estates: frozenset[str], column: ColumnElement[Any]) -> list[Any]:
    """The token's estate ids as the column holds them: a ``Uuid`` column binds UUIDs, not strings,
    on SQLite (stored as hex); a claim that is no UUID can match no row and is dropped."""
    if not isinstance(column.type, Uuid):
        return sorted(estates)
    values = []
    for estate in sorted(estates):
        try:
            values.append(uuid.UUID(estate))
        except ValueError:
            continue
    return values


class TokenVerifier:
    """Verifies bearer tokens against the gateway's public keys: ``keys`` is a PEM public key (it
    verifies every token) or a :class:`~servicekit.keys.KeySet` (the gateway's JWKS: the key the
    token's ``kid`` names).

    ``roles`` is the closed list of roles a token may carry (the suite's policy, given by the
    service); a token with any other role is refused.

    A token that verified is remembered, by its exact text, until it expires: a client sends the
    same token with every request, and checking its signature and claims again each time was the
    largest single cost of a short request. Only successes are remembered, never past ``exp``
    (plus the leeway the check itself allows), and at most ``cache_size`` of them per process.
    """

    def __init__(self, keys: str | KeySet, *, issuer: str, audience: str, roles: Collection[str],
                 leeway: int = 30, cache_size: int = 4096) -> None:
        self.keys: KeySet = PemKey(keys) if isinstance(keys, str) else keys
        self.roles = frozenset(roles)
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.cache_size = cache_size
        self._verified: dict[str, tuple[Principal, float]] = {}

    @classmethod
    def from_env(cls, roles: Collection[str]) -> TokenVerifier:
        """The keys: ``JWT_JWKS_URL`` (the gateway's JWKS, kept ``JWT_JWKS_MAX_AGE_SECONDS``, default
        300, and fetched again on an unknown ``kid`` at most every ``JWT_JWKS_MIN_REFRESH_SECONDS``,
        default 10) and/or a PEM key: ``JWT_PUBLIC_KEY`` or ``JWT_PUBLIC_KEY_FILE`` (default
        ``var/keys/jwt-public.pem``). With both, a token naming a ``kid`` is verified by the JWKS and
        one naming none (``servicekit-token``'s) by the PEM key."""
        pem = env_str("JWT_PUBLIC_KEY", "")
        if not pem:
            path = Path(env_str("JWT_PUBLIC_KEY_FILE", str(var_dir() / "keys" / "jwt-public.pem")))
            pem = path.read_text() if path.exists() else ""
        jwks_url = env_str("JWT_JWKS_URL", "")
        keys: str | KeySet = pem
        if jwks_url:
            jwks = JwksKeys.from_url(jwks_url, max_age_seconds=env_float("JWT_JWKS_MAX_AGE_SECONDS", 300.0, minimum=1),
                                     min_refresh_seconds=env_float("JWT_JWKS_MIN_REFRESH_SECONDS", 10.0, minimum=0))
            keys = KeyChoice(jwks, PemKey(pem) if pem else None)
        return cls(keys, issuer=env_str("JWT_ISSUER", "estatedesk-gateway"),
                   audience=env_str("JWT_AUDIENCE", "estatedesk"), roles=roles)

    def verify(self, token: str) -> Principal:
        remembered = self._verified.get(token)
        if remembered is not None and time.time() < remembered[1]:
            return remembered[0]
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self.keys.key_for(kid if isinstance(kid, str) else None)
        except NoKey as exc:
            raise AuthError(exc.en, exc.zh) from exc
        except jwt.PyJWTError as exc:
            raise AuthError(f"invalid token: {exc}", f"令牌无效：{exc}") from exc
        try:
            claims = jwt.decode(
                token, key, algorithms=[ALGORITHM], audience=self.audience, issuer=self.issuer,
                leeway=self.leeway, options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthError(f"invalid token: {exc}", f"令牌无效：{exc}") from exc
        _require_numeric_dates(claims)
        principal = principal_from_claims(claims, self.roles)
        if len(self._verified) >= self.cache_size:
            self._verified.clear()  # bounded, and simpler than an LRU for tokens that live minutes
        # PyJWT accepts a token until exp + leeway; so does the cache, never longer.
        self._verified[token] = (principal, float(claims["exp"]) + self.leeway)
        return principal


NUMERIC_DATES = ("exp", "iat", "nbf")


def _require_numeric_dates(claims: dict[str, Any]) -> None:
    """RFC 7519 (4.1.4-4.1.6) makes ``exp``, ``iat`` and ``nbf`` NumericDates: JSON numbers.

    PyJWT converts them with ``int()`` before comparing, so a validly signed ``"exp": "9999999999"``
    passed; a token whose dates are strings (or booleans, which JSON keeps apart from numbers) is
    not what the gateway issues and is refused, whatever it would have compared as.
    """
    for name in NUMERIC_DATES:
        if name not in claims:
            continue
        value = claims[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AuthError(f"invalid token: claim {name!r} must be a number (RFC 7519 NumericDate)",
                            f"令牌无效：{name} 必须是数字（RFC 7519 NumericDate）")


def principal_from_claims(claims: dict[str, Any], roles: Collection[str]) -> Principal:
    """The caller a verified token names; its role must be one of ``roles``."""
    role = claims.get("role")
    if role not in roles:
        raise AuthError(f"unknown role {role!r}", f"未知角色 {role!r}")
    estates = claims.get("estates")
    if not isinstance(estates, list) or not all(isinstance(e, str) for e in estates):
        raise AuthError("claim 'estates' must be a list of estate ids", "令牌的 estates 必须是小区编号列表")
    perms = claims.get("perms", [])
    if not isinstance(perms, list):
        raise AuthError("claim 'perms' must be a list", "令牌的 perms 必须是列表")
    scope = None if ALL_ESTATES in estates else frozenset(estates)
    return Principal(subject=str(claims["sub"]), role=role, estates=scope, permissions=frozenset(map(str, perms)))


def bearer_token(authorization_header: str | None) -> str:
    if not authorization_header:
        raise AuthError("missing Authorization header", "缺少 Authorization 请求头")
    scheme, _, token = authorization_header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("Authorization must be 'Bearer <token>'", "Authorization 须为 'Bearer <令牌>'")
    return token.strip()


def issue_token(
    private_key_pem: str, *, subject: str, role: str, estates: Iterable[str], issuer: str, audience: str,
    ttl_seconds: int = 3600, permissions: Iterable[str] = (), now: int | None = None,
    key_id: str | None = None, claims: dict[str, Any] | None = None,
) -> str:
    """Sign a token (the gateway, and ``servicekit-token`` for tests and scripts). The role is not
    checked here: the verifying service holds the list of roles it accepts. ``key_id`` goes into the
    header as ``kid`` (the gateway's keys are found by it in its JWKS); ``claims`` adds claims."""

    issued = int(time.time()) if now is None else now
    body = {
        "iss": issuer, "aud": audience, "sub": subject, "iat": issued, "exp": issued + ttl_seconds,
        "role": role, "estates": list(estates), "perms": list(permissions), **(claims or {}),
    }
    headers = {"kid": key_id} if key_id else None
    return jwt.encode(body, private_key_pem, algorithm=ALGORITHM, headers=headers)
