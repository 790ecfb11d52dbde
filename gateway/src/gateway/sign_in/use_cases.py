"""What a staff member can do: sign in with their password, refresh, sign out.

Sign-in answers an access token (short-lived, signed by the gateway's current key) and a refresh
token. Only a hash of the refresh token is stored. Each refresh uses its token up and answers the
next one of the same family; a token that comes back after it was used was copied (by whoever has
it now, or whoever had it then), so the whole family is revoked and both must sign in again. A
disabled account's refresh is refused and its family revoked.

A failure is recorded (the audit row, the account's failure count and lock) before it is answered:
the unit of work commits, then the refusal is raised.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select, update

from gateway.accounts import passwords
from gateway.accounts.views import token_estates, token_permissions
from gateway.domain.lockout import Lockout, seconds_left
from gateway.domain.passwords import check_new_password
from gateway.sign_in import refresh_family
from gateway.sign_in.audit import audit
from gateway.tables import accounts, refresh_tokens, staff
from servicekit.errors import Conflict, DomainError, TooMany, Unauthenticated
from servicekit.rows import now as clock
from servicekit.unit_of_work import UnitOfWork

# sign(subject=, role=, estates=, permissions=) -> (access token, seconds it lives)
Sign = Callable[..., tuple[str, int]]


@dataclass(frozen=True)
class Policy:
    lockout: Lockout
    refresh_lifetime: timedelta


def _wrong() -> Unauthenticated:
    return Unauthenticated("wrong login or password", "登录名或密码错误")


def sign_in(uow: UnitOfWork, sign: Sign, policy: Policy, *, login: str, password: str,
            new_password: str | None = None, client_address: str | None = None,
            now: datetime | None = None) -> dict:
    now = now or clock()
    login = login.strip().lower()
    refusal: DomainError | None = None
    with uow:
        account = uow.execute(select(accounts).where(accounts.c.login == login).with_for_update()).mappings().first()
        if account is None:
            passwords.verify_nobody(password)
            audit(uow, login, "unknown_login", at=now, client_address=client_address)
            uow.commit()
            raise _wrong()
        account = dict(account)
        locked = seconds_left(account["locked_until"], now)
        if locked:
            audit(uow, login, "locked", account_id=account["id"], at=now, client_address=client_address)
            uow.commit()
            raise TooMany("too many failed sign-ins: this account is locked for now",
                          "登录失败次数过多，账号暂时锁定", retry_after=locked)
        if not passwords.verify(account["password_hash"], password):
            failures = account["failures"] + 1
            uow.execute(update(accounts).where(accounts.c.id == account["id"]).values(
                failures=failures, locked_until=policy.lockout.locked_until(failures, now)))
            audit(uow, login, "wrong_password", account_id=account["id"], at=now, client_address=client_address)
            uow.commit()
            raise _wrong()
        refusal = _refusal(uow, account, new_password)
        if refusal is not None:
            audit(uow, login, "disabled" if isinstance(refusal, Unauthenticated) else "must_change_password",
                  account_id=account["id"], at=now, client_address=client_address)
            uow.execute(update(accounts).where(accounts.c.id == account["id"]).values(failures=0, locked_until=None))
            uow.commit()
            raise refusal
        changes: dict[str, Any] = {"failures": 0, "locked_until": None}
        if new_password is not None:
            check_new_password(new_password, login)
            changes |= {"password_hash": passwords.hash_password(new_password), "must_change_password": False,
                        "updated_at": now}
            audit(uow, login, "password_changed", account_id=account["id"], at=now, client_address=client_address)
        elif passwords.needs_rehash(account["password_hash"]):
            changes["password_hash"] = passwords.hash_password(password)
        uow.execute(update(accounts).where(accounts.c.id == account["id"]).values(**changes))
        family_id = uuid.uuid4()
        answer = _tokens(uow, sign, policy, account, family_id, now)
        audit(uow, login, "signed_in", account_id=account["id"], at=now, client_address=client_address,
              family_id=family_id)
        uow.commit()
    return answer


def _refusal(uow: UnitOfWork, account: dict, new_password: str | None) -> DomainError | None:
    """Why an account whose password was right gets no tokens, if it gets none."""
    if account["disabled"] or not _staff_active(uow, account["staff_id"]):
        return Unauthenticated("this account is disabled", "此账号已停用")
    if account["must_change_password"] and new_password is None:
        return Conflict("choose a new password: sign in again with new_password",
                        "请设置新密码：登录时提供 new_password", errors={"new_password": ["is required"]})
    return None


def _staff_active(uow: UnitOfWork, staff_id: UUID | None) -> bool:
    """A staff member owners marked inactive (they left) signs in no more, whatever their account says."""
    if staff_id is None:
        return True
    active = uow.execute(select(staff.c.active).where(staff.c.id == staff_id)).scalar()
    return active is not False


def _tokens(uow: UnitOfWork, sign: Sign, policy: Policy, account: dict, family_id: UUID, now: datetime) -> dict:
    estates = token_estates(uow, account)
    permissions = token_permissions(uow, account["id"])
    access, lifetime = sign(subject=str(account["staff_id"] or account["id"]), role=account["role"], estates=estates,
                            permissions=permissions)
    refresh = refresh_family.issue(uow, family_id, now, policy.refresh_lifetime, account_id=account["id"])
    return {"access_token": access, "token_type": "Bearer", "expires_in": lifetime, "refresh_token": refresh,
            "refresh_expires_in": int(policy.refresh_lifetime.total_seconds()), "role": account["role"],
            "estates": estates, "permissions": permissions}


def refresh(uow: UnitOfWork, sign: Sign, policy: Policy, *, refresh_token: str, client_address: str | None = None,
            now: datetime | None = None) -> dict:
    now = now or clock()
    with uow:
        accounts_of: dict[UUID, dict] = {}

        def account_of(token: dict) -> dict:
            if token["account_id"] not in accounts_of:
                accounts_of[token["account_id"]] = dict(uow.execute(
                    select(accounts).where(accounts.c.id == token["account_id"])).mappings().one())
            return accounts_of[token["account_id"]]

        def refused(outcome: str, token: dict, revoke_family: bool) -> Unauthenticated:
            if revoke_family:
                refresh_family.revoke_family(uow, token["family_id"], now)
            account = account_of(token)
            audit(uow, account["login"], outcome, account_id=account["id"], at=now, client_address=client_address,
                  family_id=token["family_id"])
            uow.commit()
            return refresh_family.gone()

        token = refresh_family.use(uow, refresh_token, now, owners=False, refused=refused)
        account = account_of(token)
        if account["disabled"] or not _staff_active(uow, account["staff_id"]):
            raise refused("refresh_refused", token, True)
        answer = _tokens(uow, sign, policy, account, token["family_id"], now)
        audit(uow, account["login"], "refreshed", account_id=account["id"], at=now, client_address=client_address,
              family_id=token["family_id"])
        uow.commit()
    return answer


def sign_out(uow: UnitOfWork, *, refresh_token: str, client_address: str | None = None,
             now: datetime | None = None) -> None:
    """Revoke the family of ``refresh_token`` (the session it began), a staff member's or an owner's;
    an unknown token: nothing to do."""
    now = now or clock()
    with uow:
        token = uow.execute(select(refresh_tokens).where(
            refresh_tokens.c.token_hash == refresh_family.token_hash(refresh_token))).mappings().first()
        if token is None:
            return
        login = token["mobile"] if token["account_id"] is None else uow.execute(
            select(accounts.c.login).where(accounts.c.id == token["account_id"])).scalar_one()
        refresh_family.revoke_family(uow, token["family_id"], now)
        audit(uow, login or "owner", "signed_out", account_id=token["account_id"], at=now,
              client_address=client_address, family_id=token["family_id"])
        uow.commit()
