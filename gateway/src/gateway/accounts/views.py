"""The read side of staff accounts: the list, one account, and the estates its token carries."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from gateway.domain.roles import sees_every_estate
from gateway.tables import account_estates, account_permissions, accounts, territories
from servicekit.auth import ALL_ESTATES
from servicekit.paging import page_of
from servicekit.rows import Executes, get_row

SHOWN = [accounts.c.id, accounts.c.login, accounts.c.name, accounts.c.role, accounts.c.staff_id,
         accounts.c.must_change_password, accounts.c.disabled, accounts.c.failures, accounts.c.locked_until,
         accounts.c.created_at, accounts.c.updated_at]


def token_estates(db: Executes, account: dict[str, Any]) -> list[str]:
    """The estates an account's token carries (OWN-6): every estate for an operator admin; otherwise
    the estates of its staff record's territories in the gateway's copy of owners, and those an admin
    granted it."""
    if sees_every_estate(account["role"]):
        return [ALL_ESTATES]
    granted = db.execute(select(account_estates.c.estate_id)
                         .where(account_estates.c.account_id == account["id"])).scalars().all()
    by_territory = [] if account["staff_id"] is None else db.execute(
        select(territories.c.estate_id).where(territories.c.staff_id == account["staff_id"],
                                              territories.c.released.is_(False))).scalars().all()
    return sorted({str(e) for e in [*granted, *by_territory]})


def token_permissions(db: Executes, account_id: UUID) -> list[str]:
    """The permissions an admin granted the account: its tokens' ``perms``."""
    return sorted(db.execute(select(account_permissions.c.permission)
                             .where(account_permissions.c.account_id == account_id)).scalars().all())


def account_list(session, args: dict) -> dict:
    """Every account, by login."""
    statement = select(*SHOWN).order_by(accounts.c.login)
    if args.get("role"):
        statement = statement.where(accounts.c.role == args["role"])
    return page_of(session, statement, args)


def account(session, account_id: UUID) -> dict:
    """One account, with its granted estates and the estates its token would carry now."""
    row = get_row(session, accounts, account_id, "account", what_zh="账号")
    granted = session.execute(select(account_estates.c.estate_id).where(account_estates.c.account_id == account_id)
                              .order_by(account_estates.c.estate_id)).scalars().all()
    return {**{c.name: row[c.name] for c in SHOWN}, "granted_estates": [str(e) for e in granted],
            "estates": token_estates(session, row),
            "permissions": token_permissions(session, account_id)}
