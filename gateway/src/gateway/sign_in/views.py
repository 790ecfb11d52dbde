"""The read side of the sign-in audit."""

from __future__ import annotations

from sqlalchemy import select

from gateway.tables import sign_in_audit
from servicekit.paging import page_of


def audit_list(session, args: dict) -> dict:
    """The audit, latest first; filtered by account, login or outcome."""
    statement = select(sign_in_audit).order_by(sign_in_audit.c.at.desc(), sign_in_audit.c.id)
    for name in ("account_id", "login", "outcome"):
        if args.get(name):
            statement = statement.where(sign_in_audit.c[name] == args[name])
    return page_of(session, statement, args)
