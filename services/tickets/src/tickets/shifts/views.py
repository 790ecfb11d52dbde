"""The read side of shifts: handovers (the latest first), the duty logbook and the duty roster, of
the caller's estates."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row
from tickets.tables import duty_shifts, handovers, logbook_entries


def handover(conn: Any, handover_id: UUID) -> dict[str, Any]:
    return get_row(conn, handovers, handover_id, "handover", what_zh="交接班记录")


def handover_page(session: Session, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """Handovers by estate, state and staff member (outgoing or incoming), the latest first."""
    h = handovers.c
    statement = select(handovers).order_by(h.written_at.desc(), h.id)
    for name in ("estate_id", "state"):
        if args.get(name) is not None:
            statement = statement.where(h[name] == args[name])
    if args.get("staff_id") is not None:
        statement = statement.where(or_(h.outgoing_staff_id == args["staff_id"],
                                        h.incoming_staff_id == args["staff_id"]))
    return page_of(session, scoped(statement, h.estate_id, principal), args)


def logbook_page(session: Session, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """The duty logbook by estate, staff member, category and time, the latest first."""
    entry = logbook_entries.c
    statement = select(logbook_entries).order_by(entry.at.desc(), entry.id)
    for name in ("estate_id", "staff_id", "category"):
        if args.get(name) is not None:
            statement = statement.where(entry[name] == args[name])
    if args.get("since") is not None:
        statement = statement.where(entry.at >= args["since"])
    if args.get("until") is not None:
        statement = statement.where(entry.at < args["until"])
    return page_of(session, scoped(statement, entry.estate_id, principal), args)


def roster_page(session: Session, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """The roster's shifts by estate, staff member and time (those touching ``since``..``until``), in order."""
    shift = duty_shifts.c
    statement = select(duty_shifts).order_by(shift.starts_at, shift.staff_id, shift.id)
    for name in ("estate_id", "staff_id"):
        if args.get(name) is not None:
            statement = statement.where(shift[name] == args[name])
    if args.get("since") is not None:
        statement = statement.where(shift.ends_at > args["since"])
    if args.get("until") is not None:
        statement = statement.where(shift.starts_at < args["until"])
    return page_of(session, scoped(statement, shift.estate_id, principal), args)
