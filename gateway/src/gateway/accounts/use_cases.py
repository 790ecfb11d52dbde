"""What an operator admin can do with staff accounts: make one (its first password shown once),
disable, re-enable, reset its password, grant and withdraw estates and permissions. Each is in the
sign-in audit."""

from __future__ import annotations

import uuid
from uuid import UUID

from sqlalchemy import delete, insert, or_, select, update
from tenancy.permissions import PERMISSIONS

from gateway.accounts import passwords
from gateway.domain.roles import STAFF_ROLES, needs_staff_record
from gateway.sign_in.audit import audit
from gateway.tables import account_estates, account_permissions, accounts, refresh_tokens, staff
from servicekit.auth import Principal
from servicekit.errors import Conflict, Invalid
from servicekit.rows import get_row, now
from servicekit.unit_of_work import UnitOfWork


def create(uow: UnitOfWork, admin: Principal, *, login: str, name: str, role: str, staff_id: UUID | None = None,
           estates: list[UUID] | None = None) -> dict:
    """A new account with a one-time password (in the answer only; the person chooses their own at
    their first sign-in)."""
    login = login.strip().lower()
    if role not in STAFF_ROLES:
        raise Invalid(f"a staff account's role is one of {', '.join(sorted(STAFF_ROLES))}",
                      f"员工账号的角色须为：{', '.join(sorted(STAFF_ROLES))}", errors={"role": ["not a staff role"]})
    if staff_id is None and needs_staff_record(role):
        raise Invalid(f"a {role}'s account belongs to their owners staff record: give staff_id",
                      "该角色的账号须关联业主服务中的员工记录：请提供 staff_id", errors={"staff_id": ["is required"]})
    password = passwords.one_time_password()
    at = now()
    with uow:
        if staff_id is not None and uow.execute(select(staff.c.id).where(staff.c.id == staff_id)).first() is None:
            raise Invalid("no such staff member in owners (or not yet known to the gateway)",
                          "业主服务中没有此员工（或网关尚未收到）", errors={"staff_id": ["unknown"]})
        same = [accounts.c.login == login] + ([accounts.c.staff_id == staff_id] if staff_id else [])
        taken = uow.execute(select(accounts.c.id).where(or_(*same))).first()
        if taken is not None:
            raise Conflict("an account with this login or staff record exists", "已有使用此登录名或员工记录的账号",
                           errors={"login": ["taken, or the staff record has an account"]})
        row = {"id": uuid.uuid4(), "login": login, "name": name.strip(), "role": role, "staff_id": staff_id,
               "password_hash": passwords.hash_password(password), "must_change_password": True,
               "disabled": False, "failures": 0, "locked_until": None, "created_at": at, "updated_at": at}
        uow.execute(insert(accounts).values(row))
        for estate_id in dict.fromkeys(estates or ()):
            uow.execute(insert(account_estates).values(account_id=row["id"], estate_id=estate_id, granted_at=at,
                                                       granted_by=admin.subject))
        audit(uow, login, "created", account_id=row["id"], by=admin.subject, at=at)
        uow.commit()
    return {**row, "password": password, "estates": sorted(map(str, dict.fromkeys(estates or ())))}


def set_disabled(uow: UnitOfWork, admin: Principal, account_id: UUID, disabled: bool) -> dict:
    """Disable an account (its refresh tokens are revoked: no new access token) or enable it again
    (its lock and failure count cleared)."""
    at = now()
    with uow:
        row = get_row(uow, accounts, account_id, "account", what_zh="账号", lock=True)
        changes = {"disabled": disabled, "updated_at": at}
        if not disabled:
            changes |= {"failures": 0, "locked_until": None}
        uow.execute(update(accounts).where(accounts.c.id == account_id).values(**changes))
        if disabled:
            revoke_all(uow, account_id, at)
        audit(uow, row["login"], "disabled_by_admin" if disabled else "enabled", account_id=account_id,
              by=admin.subject, at=at)
        uow.commit()
    return {**row, **changes}


def reset_password(uow: UnitOfWork, admin: Principal, account_id: UUID) -> dict:
    """A new one-time password (shown once); every refresh token of the account is revoked and its
    lock cleared."""
    password = passwords.one_time_password()
    at = now()
    with uow:
        row = get_row(uow, accounts, account_id, "account", what_zh="账号", lock=True)
        changes = {"password_hash": passwords.hash_password(password), "must_change_password": True, "failures": 0,
                   "locked_until": None, "updated_at": at}
        uow.execute(update(accounts).where(accounts.c.id == account_id).values(**changes))
        revoke_all(uow, account_id, at)
        audit(uow, row["login"], "password_reset", account_id=account_id, by=admin.subject, at=at)
        uow.commit()
    return {**row, **changes, "password": password}


def grant_estate(uow: UnitOfWork, admin: Principal, account_id: UUID, estate_id: UUID) -> None:
    at = now()
    with uow:
        row = get_row(uow, accounts, account_id, "account", what_zh="账号")
        if uow.execute(select(account_estates.c.estate_id).where(account_estates.c.account_id == account_id,
                                                                 account_estates.c.estate_id == estate_id)).first():
            return
        uow.execute(insert(account_estates).values(account_id=account_id, estate_id=estate_id, granted_at=at,
                                                   granted_by=admin.subject))
        audit(uow, row["login"], "estate_granted", account_id=account_id, by=admin.subject, at=at)
        uow.commit()


def withdraw_estate(uow: UnitOfWork, admin: Principal, account_id: UUID, estate_id: UUID) -> None:
    at = now()
    with uow:
        row = get_row(uow, accounts, account_id, "account", what_zh="账号")
        gone = uow.execute(delete(account_estates).where(account_estates.c.account_id == account_id,
                                                         account_estates.c.estate_id == estate_id))
        if gone.rowcount:
            audit(uow, row["login"], "estate_withdrawn", account_id=account_id, by=admin.subject, at=at)
        uow.commit()


def _known(permission: str) -> str:
    if permission not in PERMISSIONS:
        raise Invalid(f"no such permission: one of {', '.join(sorted(PERMISSIONS))}",
                      f"没有此权限，可选：{'、'.join(sorted(PERMISSIONS))}", errors={"permission": ["unknown"]})
    return permission


def grant_permission(uow: UnitOfWork, admin: Principal, account_id: UUID, permission: str) -> None:
    """Grant ``permission`` (from tenancy.permissions): the account's tokens carry it from its next
    sign-in or refresh on. Granting it again changes nothing."""
    _known(permission)
    at = now()
    with uow:
        row = get_row(uow, accounts, account_id, "account", what_zh="账号")
        held = select(account_permissions.c.permission).where(account_permissions.c.account_id == account_id,
                                                              account_permissions.c.permission == permission)
        if uow.execute(held).first():
            return
        uow.execute(insert(account_permissions).values(account_id=account_id, permission=permission, granted_at=at,
                                                       granted_by=admin.subject))
        audit(uow, row["login"], f"permission_granted:{permission}", account_id=account_id, by=admin.subject, at=at)
        uow.commit()


def withdraw_permission(uow: UnitOfWork, admin: Principal, account_id: UUID, permission: str) -> None:
    """Withdraw ``permission``: the account's next token is without it (the one it holds lives out
    its few minutes)."""
    _known(permission)
    at = now()
    with uow:
        row = get_row(uow, accounts, account_id, "account", what_zh="账号")
        gone = uow.execute(delete(account_permissions).where(account_permissions.c.account_id == account_id,
                                                             account_permissions.c.permission == permission))
        if gone.rowcount:
            audit(uow, row["login"], f"permission_withdrawn:{permission}", account_id=account_id, by=admin.subject,
                  at=at)
        uow.commit()


def revoke_all(uow: UnitOfWork, account_id: UUID, at) -> None:  # noqa: ANN001  (a datetime)
    """Revoke every live refresh token of an account, inside the caller's unit of work."""
    uow.execute(update(refresh_tokens).where(refresh_tokens.c.account_id == account_id,
                                             refresh_tokens.c.revoked_at.is_(None)).values(revoked_at=at))
