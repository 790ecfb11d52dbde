"""The console's sessions, kept in the gateway's database: a staff member's tokens sealed (Fernet)
with a key that only their browser's signed cookie holds, beside the session's id. The table alone
opens no session; the cookie alone holds no token (a staff token carries every estate of its holder,
which outgrows a cookie for a regional manager's hundred estates).

A session lives as long as its refresh token; the access token is refreshed a minute before it runs
out. Signing out ends the session and revokes its refresh token's family."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, insert, select, update

from gateway.keys.signing import sign_for_request
from gateway.sign_in import use_cases as sign_in
from gateway.tables import accounts, console_sessions
from servicekit.errors import Unauthenticated
from servicekit.rows import now as clock
from servicekit.unit_of_work import UnitOfWork

# Refresh the access token this long before it runs out.
REFRESH_AHEAD_SECONDS = 60


@dataclass(frozen=True)
class Opened:
    """A session as a page uses it: the staff member's tokens and who they are."""

    id: UUID
    key: str  # the cookie's half
    account_id: UUID
    name: str
    role: str
    access: str
    refresh: str
    until: int  # when the access token runs out (epoch seconds)
    estates: tuple[str, ...]
    permissions: tuple[str, ...]

    def needs_refresh(self) -> bool:
        return self.until - time.time() < REFRESH_AHEAD_SECONDS


def _seal(key: str, tokens: dict[str, Any]) -> str:
    return Fernet(key.encode()).encrypt(json.dumps(tokens).encode()).decode()


def _tokens(answer: dict[str, Any]) -> dict[str, Any]:
    return {"access": answer["access_token"], "refresh": answer["refresh_token"],
            "until": int(time.time()) + int(answer["expires_in"]), "estates": answer["estates"],
            "permissions": answer.get("permissions", [])}


def _opened(row: Any, key: str, tokens: dict[str, Any]) -> Opened:
    return Opened(id=row["id"], key=key, account_id=row["account_id"], name=row["name"], role=row["role"],
                  access=tokens["access"], refresh=tokens["refresh"], until=int(tokens["until"]),
                  estates=tuple(tokens["estates"]), permissions=tuple(tokens["permissions"]))


def open_session(uow: UnitOfWork, policy: sign_in.Policy, *, login: str, password: str,
                 new_password: str | None, client_address: str | None) -> Opened:
    """Sign in (the gateway's staff sign-in: lockout, audit, a first password replaced) and keep the
    session. Refusals are the sign-in's own (401, 409 for a new password, 429)."""
    answer = sign_in.sign_in(uow, sign_for_request, policy, login=login, password=password,
                             new_password=new_password, client_address=client_address)
    with uow:
        account = uow.execute(select(accounts.c.id, accounts.c.name).where(
            accounts.c.login == login.strip().lower())).mappings().one()
    return keep(uow, account["id"], account["name"], answer)


def keep(uow: UnitOfWork, account_id: UUID, name: str, answer: dict[str, Any]) -> Opened:
    """Keep a session for the tokens of a sign-in (``answer``: the sign-in's answer). Sessions that
    have ended are removed on the way (each sign-in sweeps; nothing else needs to)."""
    tokens, key, now = _tokens(answer), Fernet.generate_key().decode(), clock()
    row = {"id": uuid.uuid4(), "account_id": account_id, "name": name, "role": answer["role"],
           "sealed": _seal(key, tokens), "created_at": now, "seen_at": now,
           "expires_at": now + timedelta(seconds=int(answer["refresh_expires_in"]))}
    with uow:
        uow.execute(delete(console_sessions).where(console_sessions.c.expires_at <= now))
        uow.execute(insert(console_sessions).values(**row))
        uow.commit()
    return _opened(row, key, tokens)


def find(session: Any, session_id: str | None, key: str | None) -> Opened | None:
    """The session the cookie names, when it exists, has not ended and the key opens it."""
    if not session_id or not key:
        return None
    try:
        wanted = UUID(session_id)
    except ValueError:
        return None
    row = session.execute(select(console_sessions).where(console_sessions.c.id == wanted)).mappings().first()
    if row is None or row["expires_at"] <= clock():
        return None
    try:
        tokens = json.loads(Fernet(key.encode()).decrypt(row["sealed"].encode()))
    except (InvalidToken, ValueError):
        return None
    return _opened(row, key, tokens)


def refreshed(uow: UnitOfWork, policy: sign_in.Policy, opened: Opened, client_address: str | None) -> Opened:
    """A new access token (and the next refresh token) for the session; a refused refresh (the account
    disabled, the family revoked) ends it and raises :class:`Unauthenticated`."""
    try:
        answer = sign_in.refresh(uow, sign_for_request, policy, refresh_token=opened.refresh,
                                 client_address=client_address)
    except Unauthenticated:
        forget(uow, opened.id)
        raise
    tokens = _tokens(answer)
    with uow:
        uow.execute(update(console_sessions).where(console_sessions.c.id == opened.id).values(
            sealed=_seal(opened.key, tokens), seen_at=clock(), role=answer["role"]))
        uow.commit()
    return Opened(id=opened.id, key=opened.key, account_id=opened.account_id, name=opened.name, role=answer["role"],
                  access=tokens["access"], refresh=tokens["refresh"], until=int(tokens["until"]),
                  estates=tuple(tokens["estates"]), permissions=tuple(tokens["permissions"]))


def close(uow: UnitOfWork, opened: Opened, client_address: str | None) -> None:
    """Sign out: the session ends and its refresh token's family is revoked."""
    sign_in.sign_out(uow, refresh_token=opened.refresh, client_address=client_address)
    forget(uow, opened.id)


def forget(uow: UnitOfWork, session_id: UUID) -> None:
    with uow:
        uow.execute(delete(console_sessions).where(console_sessions.c.id == session_id))
        uow.commit()
