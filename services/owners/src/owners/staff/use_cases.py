"""What callers can do with the staff directory (OWN-6): a member joins, their particulars change."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select

from owners import events
from owners.domain.contacts import normalize_mobile
from owners.domain.errors import NO_SUCH_ESTATE
from owners.domain.staff import check_can_deactivate, skills_of
from owners.tables import staff, territories
from owners.versions import save_version
from servicekit.rows import changed, get_row, now, write
from servicekit.unit_of_work import UnitOfWork


def add_staff(uow: UnitOfWork, estate_id: UUID, name: str, role: str, skills: Iterable[str] = (),
              mobile: str | None = None, email: str | None = None) -> dict[str, Any]:
    """A member joins the service centre of an estate, with a role and skills."""
    with uow:
        stamp = now()
        row = {"id": uuid.uuid4(), "estate_id": estate_id, "name": name, "role": role, "skills": skills_of(skills),
               "mobile": mobile and normalize_mobile(mobile), "email": email and email.lower(), "active": True,
               "version": 1, "created_at": stamp, "updated_at": stamp}
        write(uow, insert(staff).values(row), missing=NO_SUCH_ESTATE)
        uow.record(events.STAFF_JOINED, row["id"], events.staff_payload(row))
        uow.commit()
        return row


def update_staff(uow: UnitOfWork, staff_id: UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Change a member's particulars; one who still holds territories cannot be made inactive."""
    changes = _normalised(changes)
    with uow:
        # The lock a territory assignment takes: nobody is given ground while leaving the roster.
        current = get_row(uow, staff, staff_id, "staff member", what_zh="员工", lock=True)
        changes = changed(current, changes)
        if not changes:
            return current
        if changes.get("active") is False:
            held = uow.execute(select(func.count()).where(territories.c.staff_id == staff_id)).scalar_one()
            check_can_deactivate(held)
        row = save_version(uow, staff, current, changes, event=events.STAFF_UPDATED, payload=events.staff_payload)
        uow.commit()
        return row


def _normalised(changes: dict[str, Any]) -> dict[str, Any]:
    result = dict(changes)
    if "skills" in result:
        result["skills"] = skills_of(result["skills"])
    if result.get("mobile"):
        result["mobile"] = normalize_mobile(result["mobile"])
    if result.get("email"):
        result["email"] = result["email"].lower()
    return result
