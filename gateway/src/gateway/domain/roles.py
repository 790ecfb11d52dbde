"""Which roles a staff account may have, and which of them must belong to an owners staff record."""

from __future__ import annotations

from tenancy.roles import ESTATE_MANAGER, OPERATOR_ADMIN, SERVICE_DESK_AGENT, TECHNICIAN

STAFF_ROLES = frozenset({OPERATOR_ADMIN, ESTATE_MANAGER, SERVICE_DESK_AGENT, TECHNICIAN})


def needs_staff_record(role: str) -> bool:
    """Every staff role but the operator's admin works in estates, by territory: their account
    names their owners staff record (a technician's token's ``sub`` is that id; tickets relies on it)."""
    return role != OPERATOR_ADMIN


def sees_every_estate(role: str) -> bool:
    return role == OPERATOR_ADMIN
