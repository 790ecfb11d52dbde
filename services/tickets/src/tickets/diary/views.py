"""The read side of the diary: entries of the caller's estates (a person's, a team's, everyone's in
an estate: colleagues' schedules are visible to the team), one entry, and a person's diary for
iCalendar."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row
from tickets.tables import diary_entries, staff

d = diary_entries.c
MAX_ICS_ENTRIES = 2000


def entry(conn: Any, entry_id: UUID) -> dict[str, Any]:
    return get_row(conn, diary_entries, entry_id, "diary entry", what_zh="日程")


def _in_window(statement: Any, args: dict[str, Any]) -> Any:
    if args.get("since") is not None:
        statement = statement.where(d.ends_at > args["since"])
    if args.get("until") is not None:
        statement = statement.where(d.starts_at < args["until"])
    return statement


def entry_page(session: Session, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """Entries by estate, person, team, kind, state and window (overlapping ``[since, until)``), by start."""
    statement = select(diary_entries).order_by(d.starts_at.is_(None), d.starts_at, d.id)
    for name in ("estate_id", "staff_id", "team", "kind", "state", "ticket_id"):
        if args.get(name) is not None:
            statement = statement.where(d[name] == args[name])
    return page_of(session, scoped(_in_window(statement, args), d.estate_id, principal), args)


def staff_diary(session: Session, staff_id: UUID, args: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """A staff member's name and their timed entries in the window, by start (for iCalendar)."""
    name = session.execute(select(staff.c.name).where(staff.c.id == staff_id)).scalar() or ""
    statement = _in_window(select(diary_entries).where(d.staff_id == staff_id, d.starts_at.is_not(None)), args)
    rows = session.execute(statement.order_by(d.starts_at, d.id).limit(MAX_ICS_ENTRIES)).mappings().all()
    return name, [dict(row) for row in rows]

