"""The read side of the service catalogue: an estate's catalogue (its own items and the operator's
it does not replace), every item the caller may see, one item."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped_with_operator
from servicekit.rows import get_row
from tickets.domain.catalogue import margin
from tickets.tables import catalogue_items


def shown(row: dict[str, Any]) -> dict[str, Any]:
    """An item with its margin."""
    return {**row, **margin(row["price"], row["cost"])}


def item_list(session: Session, principal: Principal, args: dict[str, Any]) -> list[dict[str, Any]]:
    """The operator's items and those of the caller's estates; with ``estate_id``, that estate's
    catalogue, where its own item of a code replaces the operator's."""
    c = catalogue_items.c
    statement = scoped_with_operator(select(catalogue_items), c.estate_id, principal, args.get("estate_id"))
    for name in ("kind", "category"):
        if args.get(name):
            statement = statement.where(c[name] == args[name])
    if not args.get("include_inactive"):
        statement = statement.where(c.active.is_(True))
    rows = [dict(r) for r in session.execute(statement.order_by(c.code, c.estate_id.is_(None))).mappings()]
    if args.get("estate_id") is not None:
        replaced = {r["code"] for r in rows if r["estate_id"] is not None}
        rows = [r for r in rows if r["estate_id"] is not None or r["code"] not in replaced]
    return [shown(r) for r in rows]


def item(session: Session, item_id: UUID) -> dict[str, Any]:
    return shown(get_row(session, catalogue_items, item_id, "catalogue item", what_zh="服务项目"))
