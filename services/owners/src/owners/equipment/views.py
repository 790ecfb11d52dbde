"""The read side of the register of common areas and equipment: one item, and the items of the caller's
estates by estate, building, kind or identifier."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from owners.tables import equipment
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row


def item(session: Session, equipment_id: UUID) -> dict[str, Any]:
    """One item (the caller's scope is checked before)."""
    return get_row(session, equipment, equipment_id, "item of equipment", what_zh="设施设备")


def items_page(session: Session, principal: Principal, args: Mapping[str, Any]) -> dict[str, Any]:
    """The items of the caller's estates by kind then identifier; ``identifier`` matches its beginning."""
    e = equipment.c
    statement = select(equipment).order_by(e.estate_id, e.kind, e.identifier, e.id)
    for name in ("estate_id", "building_id", "kind", "active"):
        if name in args:
            statement = statement.where(e[name] == args[name])
    if args.get("identifier"):
        prefix = args["identifier"].replace("/", "//").replace("%", "/%").replace("_", "/_")
        statement = statement.where(e.identifier.like(prefix + "%", escape="/"))
    return page_of(session, scoped(statement, e.estate_id, principal), dict(args))
