"""Refresh tokens, staff's and owners' alike: only a hash of each is kept; each sign-in starts a family;
each refresh uses one token up (the condition and the write are one statement) and issues the next
of its family; a token that comes back after it was used was copied, so its whole family is revoked.
A token belongs to a staff account (``account_id``) or to an owner (``person_id``, with the mobile
they signed in with, which is the audit's login)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from gateway.tables import refresh_tokens
from servicekit.errors import Unauthenticated
from servicekit.unit_of_work import UnitOfWork


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def gone() -> Unauthenticated:
    return Unauthenticated("this refresh token is not valid: sign in again", "刷新令牌无效：请重新登录")


def issue(uow: UnitOfWork, family_id: UUID, now: datetime, lifetime: timedelta, *, account_id: UUID | None = None,
          person_id: UUID | None = None, mobile: str | None = None) -> str:
    """A new refresh token of ``family_id`` (stored as its hash); the token itself."""
    token = secrets.token_urlsafe(32)
    uow.execute(insert(refresh_tokens).values(
        id=uuid.uuid4(), token_hash=token_hash(token), family_id=family_id, account_id=account_id,
        person_id=person_id, mobile=mobile, issued_at=now, expires_at=now + lifetime))
    return token


def revoke_family(uow: UnitOfWork, family_id: UUID, now: datetime) -> None:
    uow.execute(update(refresh_tokens).where(refresh_tokens.c.family_id == family_id,
                                             refresh_tokens.c.revoked_at.is_(None)).values(revoked_at=now))


# refused(outcome, token row, revoke the family?) -> the 401 to raise (after auditing and committing)
Refused = Callable[[str, dict[str, Any], bool], Unauthenticated]


def use(uow: UnitOfWork, refresh_token: str, now: datetime, *, owners: bool, refused: Refused) -> dict[str, Any]:
    """Use ``refresh_token`` up (a staff account's, or with ``owners`` an owner's): its row. Unknown
    (or the other kind's): 401. Revoked or expired: ``refused("refresh_refused", ...)``. Used before:
    ``refused("refresh_reused", ..., revoke the family)``."""
    kind = refresh_tokens.c.person_id if owners else refresh_tokens.c.account_id
    token = uow.execute(select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash(refresh_token),
                                                     kind.is_not(None)).with_for_update()).mappings().first()
    if token is None:
        raise gone()
    token = dict(token)
    if token["revoked_at"] is not None or token["expires_at"] <= now:
        raise refused("refresh_refused", token, False)
    used = uow.execute(update(refresh_tokens).where(refresh_tokens.c.id == token["id"],
                                                    refresh_tokens.c.used_at.is_(None)).values(used_at=now))
    if used.rowcount != 1:
        raise refused("refresh_reused", token, True)
    return token
