"""Who may do what in the owners service, and the estate scope of every lookup."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_smorest import abort
from sqlalchemy import Table, select

from owners.service_layer.unit_of_work import UnitOfWork
from servicekit.auth import Principal
from servicekit.web import current_principal

STAFF_ROLES = frozenset({"operator_admin", "estate_manager", "service_desk_agent", "technician", "integration_client"})
MANAGERS = frozenset({"operator_admin", "estate_manager"})
DESK = frozenset({"operator_admin", "estate_manager", "service_desk_agent", "integration_client"})


def require(roles: frozenset[str]) -> Principal:
    """The caller, if their role is one of ``roles``; otherwise answer 403."""
    principal = current_principal()
    if principal.role not in roles:
        abort(403, message=f"role {principal.role!r} may not do this")
    return principal


def require_estate(principal: Principal, estate_id: UUID) -> None:
    """An estate outside the caller's scope answers 404, exactly like one that does not exist."""
    if not principal.can_see(estate_id):
        abort(404, message="no such estate")


def get_in_scope(uow: UnitOfWork, table: Table, id_: UUID, principal: Principal, what: str,
                 *, estate_key: str = "estate_id") -> Any:
    """One row by id, or 404 when it does not exist or belongs to an estate the caller cannot see."""
    row = uow.execute(select(table).where(table.c.id == id_)).mappings().first()
    if row is None or not principal.can_see(row[estate_key]):
        abort(404, message=f"no such {what}")
    return row
