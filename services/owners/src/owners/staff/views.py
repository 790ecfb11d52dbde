"""The read side of the staff directory: one member, and the members of the caller's estates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from owners.tables import staff
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row


def staff_member(session: Session, staff_id: UUID) -> dict[str, Any]:
    """One member (the caller's scope is checked before)."""
    return get_row(session, staff, staff_id, "staff member", what_zh="员工")


def staff_page(session: Session, principal: Principal, args: Mapping[str, Any]) -> dict[str, Any]:
    """Staff of the caller's estates by name, filtered by estate, role, skill or active."""
    statement = select(staff).order_by(staff.c.name, staff.c.id)
    for name in ("estate_id", "role", "active"):
        if name in args:
            statement = statement.where(staff.c[name] == args[name])
    if "skill" in args:
        # Skills are a JSON list from a closed vocabulary: matching the quoted word works on
        # PostgreSQL and SQLite alike.
        statement = statement.where(cast(staff.c.skills, String).like(f'%"{args["skill"]}"%'))
    return page_of(session, scoped(statement, staff.c.estate_id, principal), dict(args))
