"""The duty roster (排班表, TKT-8, TKT-13): who works when in an estate, one shift per row, written
by the estate's managers. The diary asks :func:`working_spans` whether a booking falls on a
person's shift; a person with no shift in the estate has no roster, and the diary then goes by the
estate's business calendar.

A person's shifts never overlap (a second shift over one already rostered is a 409): two shifts
written at once for one person cannot both miss each other, since each locks the staff member's
row of the copy (PostgreSQL) before it looks.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select

from servicekit.errors import Conflict
from servicekit.rows import get_row, now
from servicekit.unit_of_work import UnitOfWork
from tickets.calls.links import check_links
from tickets.domain.diary import check_shift
from tickets.tables import duty_shifts, staff
from tickets.tickets.timeline import Actor

r = duty_shifts.c


def add_shift(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]) -> dict[str, Any]:
    """Roster a staff member of the estate for one shift."""
    check_shift(data["starts_at"], data["ends_at"])
    row = {"id": uuid.uuid4(), "estate_id": data["estate_id"], "staff_id": data["staff_id"],
           "starts_at": data["starts_at"], "ends_at": data["ends_at"], "label": data.get("label") or "",
           "created_by": actor.subject, "created_at": now()}
    with uow:
        check_links(uow, row["estate_id"], row)
        uow.execute(select(staff.c.id).where(staff.c.id == row["staff_id"]).with_for_update())
        taken = uow.execute(select(r.id).where(r.estate_id == row["estate_id"], r.staff_id == row["staff_id"],
                                               r.starts_at < row["ends_at"], r.ends_at > row["starts_at"])).first()
        if taken is not None:
            raise Conflict("this person is rostered for a shift at that time already", "此人该时段已有排班",
                           errors={"starts_at": [f"overlaps shift {taken.id}"]})
        uow.execute(insert(duty_shifts).values(row))
        uow.commit()
        return row


def remove_shift(uow: UnitOfWork, shift_id: UUID) -> None:
    """Take a shift off the roster."""
    with uow:
        get_row(uow, duty_shifts, shift_id, "shift of the roster", what_zh="排班", lock=True)
        uow.execute(delete(duty_shifts).where(r.id == shift_id))
        uow.commit()


def working_spans(conn: Any, estate_id: UUID, staff_id: UUID, starts: datetime, ends: datetime
                  ) -> list[tuple[datetime, datetime]] | None:
    """The staff member's shifts in the estate that touch ``[starts, ends]``; None when they have
    no roster there at all (the diary then goes by the estate's business calendar)."""
    mine = (r.estate_id == estate_id, r.staff_id == staff_id)
    if conn.execute(select(r.id).where(*mine).limit(1)).first() is None:
        return None
    rows = conn.execute(select(r.starts_at, r.ends_at).where(*mine, r.starts_at <= ends, r.ends_at >= starts))
    return [(row.starts_at, row.ends_at) for row in rows]
