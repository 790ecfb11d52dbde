"""The read side of the phone: desk lines, the call log, and who a number belongs to. Every query is
scoped to the caller's estates; numbers are returned as stored (the API masks them)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row
from tickets.domain.calls import digits, is_last_digits
from tickets.tables import buildings, calls, desk_lines, occupancies, people, units

MAX_CALLERS = 20


def line(conn: Any, line_id: UUID, *, lock: bool = False) -> dict[str, Any]:
    return get_row(conn, desk_lines, line_id, "desk line", what_zh="服务台线路", lock=lock)


def call(conn: Any, call_id: UUID, *, lock: bool = False) -> dict[str, Any]:
    return get_row(conn, calls, call_id, "call", what_zh="通话记录", lock=lock)


def line_page(session: Session, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """The desk lines of the caller's estates (one estate's, one staff member's), by number and extension."""
    d = desk_lines.c
    statement = select(desk_lines).order_by(d.number, d.extension, d.id)
    for name in ("estate_id", "staff_id"):
        if args.get(name) is not None:
            statement = statement.where(d[name] == args[name])
    if args.get("active") is not None:
        statement = statement.where(d.active.is_(args["active"]))
    return page_of(session, scoped(statement, d.estate_id, principal), args)


def call_page(session: Session, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """The calls of the caller's estates, latest first, by estate, line, staff, person, ticket,
    direction, outcome and ring time (``since`` inclusive, ``until`` exclusive)."""
    c = calls.c
    statement = select(calls).order_by(c.ring_started_at.desc(), c.id)
    for name in ("estate_id", "desk_line_id", "staff_id", "person_id", "ticket_id", "direction", "outcome"):
        if args.get(name) is not None:
            statement = statement.where(c[name] == args[name])
    if args.get("since") is not None:
        statement = statement.where(c.ring_started_at >= args["since"])
    if args.get("until") is not None:
        statement = statement.where(c.ring_started_at < args["until"])
    return page_of(session, scoped(statement, c.estate_id, principal), args)


def callers(session: Session, principal: Principal, args: dict[str, Any], *,
            today: date | None = None) -> list[dict[str, Any]]:
    """Who a number belongs to: the people of the caller's estates (one estate's with ``estate_id``)
    whose mobile is the number, or ends with its four digits, each with the units they live in now."""
    number = digits(args["number"])
    p = people.c
    statement = select(p.id.label("person_id"), p.estate_id, p.name, p.mobile).order_by(p.name, p.id)
    if is_last_digits(number):
        statement = statement.where(p.mobile.like(f"%{number}"))
    else:
        statement = statement.where(p.mobile == number)
    if args.get("estate_id") is not None:
        statement = statement.where(p.estate_id == args["estate_id"])
    found = [dict(r) for r in session.execute(scoped(statement, p.estate_id, principal).limit(MAX_CALLERS)).mappings()]
    today = today or date.today()
    o = occupancies.c
    homes: dict[Any, list[dict[str, Any]]] = {}
    if found:
        rows = session.execute(
            select(o.person_id, o.unit_id, o.role, units.c.number, buildings.c.name.label("building_name"))
            .join(units, units.c.id == o.unit_id).outerjoin(buildings, buildings.c.id == units.c.building_id)
            .where(o.person_id.in_([f["person_id"] for f in found]),
                   or_(o.moved_out_on.is_(None), o.moved_out_on > today))
            .order_by(o.role != "owner", units.c.number)).mappings()
        for row in rows:
            homes.setdefault(row["person_id"], []).append(
                {"unit_id": row["unit_id"], "number": row["number"], "building_name": row["building_name"],
                 "role": row["role"]})
    return [{**f, "units": homes.get(f["person_id"], [])} for f in found]
