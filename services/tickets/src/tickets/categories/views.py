"""The read side of categories: the operator's and the caller's estates' own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped_with_operator
from tickets.tables import categories


def category_list(session: Session, principal: Principal, args: dict[str, Any]) -> list[dict[str, Any]]:
    """The operator's categories and those of the caller's estates (one estate's with ``estate_id``)."""
    statement = scoped_with_operator(select(categories), categories.c.estate_id, principal, args.get("estate_id"))
    if args.get("kind"):
        statement = statement.where(categories.c.kind == args["kind"])
    if not args.get("include_inactive"):
        statement = statement.where(categories.c.active.is_(True))
    statement = statement.order_by(categories.c.kind, categories.c.code, categories.c.estate_id)
    return [dict(r) for r in session.execute(statement).mappings()]
