"""The read side of territories: one territory, a member's territories, and who covers what in an estate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from owners.tables import staff, territories
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row


def territory(session: Session, territory_id: UUID) -> dict[str, Any]:
    """One territory (the caller's scope is checked before)."""
    return get_row(session, territories, territory_id, "territory", what_zh="负责区域")


def staff_territories(session: Session, principal: Principal, staff_id: UUID,
                      args: Mapping[str, Any]) -> dict[str, Any]:
    """The territories a staff member covers, oldest assignment first."""
    statement = select(territories).where(territories.c.staff_id == staff_id).order_by(territories.c.assigned_at)
    return page_of(session, scoped(statement, territories.c.estate_id, principal), dict(args))


def estate_territories(session: Session, principal: Principal, estate_id: UUID,
                       args: Mapping[str, Any]) -> dict[str, Any]:
    """Who covers what in an estate, whole-estate territories first; by building or staff member."""
    statement = (select(territories, staff.c.name.label("staff_name"), staff.c.role.label("staff_role"))
                 .join(staff, staff.c.id == territories.c.staff_id)
                 .where(territories.c.estate_id == estate_id)
                 .order_by(territories.c.building_id.is_not(None), territories.c.assigned_at, territories.c.id))
    for name in ("building_id", "staff_id"):
        if name in args:
            statement = statement.where(territories.c[name] == args[name])
    return page_of(session, scoped(statement, territories.c.estate_id, principal), dict(args))
