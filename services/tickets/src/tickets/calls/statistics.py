"""Call statistics (TKT-4, TKT-9), the read side: the figures of :mod:`tickets.domain.call_statistics`
of the caller's estates' calls that started ringing in ``[since, until)``, by estate, desk line or
staff member, counted in the database.

The counts are one grouped query over ``ix_calls_estate_ring``; on PostgreSQL the percentiles of
the time to answer are in the same query (``percentile_disc``: the nearest rank), so the period's
calls are read once; on SQLite (tests, a desk's laptop) the answered calls' times are read and
ranked here. A call is within three rings when its
``answer_ms`` (stored when it is logged) is under three ring lengths.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select, text

from servicekit.auth import Principal, scoped
from tickets.domain import call_statistics
from tickets.domain.calls import THREE_RINGS
from tickets.tables import callbacks, calls, desk_lines, estates, staff

BY = ("estate", "desk_line", "staff")
# A month of an operator's calls (a million) sorts for its percentiles in memory, not on disk; for
# this query's transaction only (a read session is rolled back).
SORT_MEMORY = "64MB"
c, k = calls.c, callbacks.c
CALL_KEY = {"estate": c.estate_id, "desk_line": c.desk_line_id, "staff": c.staff_id}
CALLBACK_KEY = {"estate": k.estate_id, "desk_line": c.desk_line_id, "staff": k.assignee_id}


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def call_figures(session: Any, principal: Principal | None, args: Mapping[str, Any], now: datetime
                 ) -> list[dict[str, Any]]:
    """One row of figures per group (``args``: ``since``, ``until``, ``by``, ``ring_seconds``, and
    ``estate_id`` for one estate's), each with its key and what it is called, by name."""
    by = args.get("by") or "estate"
    key = CALL_KEY[by].label("key")
    limit_ms = round(args["ring_seconds"] * 1000) * THREE_RINGS
    inbound = c.direction == "inbound"
    answered = and_(inbound, c.outcome == "answered")
    where = [c.ring_started_at >= args["since"], c.ring_started_at < args["until"]]
    if args.get("estate_id") is not None:
        where.append(c.estate_id == args["estate_id"])
    columns = [key, func.count().label("calls"), _count(inbound).label("inbound"),
               _count(c.direction == "outbound").label("outbound"), _count(answered).label("answered"),
               _count(and_(answered, c.answer_ms < limit_ms)).label("within_three_rings"),
               *(_count(and_(inbound, c.outcome == outcome)).label(outcome)
                 for outcome in ("missed", "abandoned", "voicemail"))]
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:  # the percentiles in the same scan: one pass over the period's calls, sorted in memory
        session.execute(text(f"SET LOCAL work_mem = '{SORT_MEMORY}'"))
        columns += [func.percentile_disc(p).within_group(c.answer_ms).filter(answered).label(f"p{int(p * 100)}")
                    for p in (0.5, 0.9)]
    counts = select(*columns).where(*where).group_by(key)
    if principal is not None:
        counts = scoped(counts, c.estate_id, principal)
    rows = {row["key"]: dict(row) for row in session.execute(counts).mappings()}
    percentiles = ({group: (row["p50"], row["p90"]) for group, row in rows.items()} if postgres
                   else _ranked(session, key, [*where, answered], principal))
    kept = _callbacks(session, by, args, min(args["until"], now), principal)
    names = _names(session, by, [k_ for k_ in {*rows, *kept} if k_ is not None])
    found = []
    for group in {*rows, *kept}:
        p50, p90 = percentiles.get(group, (None, None))
        due, on_time = kept.get(group, (0, 0))
        found.append({"key": group, "name": names.get(group, ""),
                      **call_statistics.figures(rows.get(group, {}), p50, p90, due, on_time)})
    return sorted(found, key=lambda row: (row["key"] is None, row["name"], str(row["key"])))


def _ranked(session: Any, key: Any, where: list[Any], principal: Principal | None
            ) -> dict[Any, tuple[int | None, int | None]]:
    """The percentiles where the database has no ``percentile_disc`` (SQLite): the answered calls'
    times read and ranked here."""
    statement = select(key, c.answer_ms).where(*where).order_by(key, c.answer_ms)
    if principal is not None:
        statement = scoped(statement, c.estate_id, principal)
    times: dict[Any, list[int]] = {}
    for group, answer_ms in session.execute(statement):
        times.setdefault(group, []).append(answer_ms)
    return {group: (call_statistics.nearest_rank(ordered, 50), call_statistics.nearest_rank(ordered, 90))
            for group, ordered in times.items()}


def _callbacks(session: Any, by: str, args: Mapping[str, Any], until: datetime, principal: Principal | None
               ) -> dict[Any, tuple[int, int]]:
    """Per group, the callbacks that fell due in the period up to ``until`` (not cancelled), and those kept."""
    key = CALLBACK_KEY[by].label("key")
    statement = (select(key, func.count(), _count(k.kept.is_(True)))
                 .where(k.due_at >= args["since"], k.due_at < until, k.state != "cancelled").group_by(key))
    if by == "desk_line":
        statement = statement.select_from(callbacks.outerjoin(calls, calls.c.id == k.call_id))
    if args.get("estate_id") is not None:
        statement = statement.where(k.estate_id == args["estate_id"])
    if principal is not None:
        statement = scoped(statement, k.estate_id, principal)
    return {row[0]: (int(row[1]), int(row[2])) for row in session.execute(statement)}


def _names(session: Any, by: str, keys: list[Any]) -> dict[Any, str]:
    if not keys:
        return {}
    if by == "estate":
        statement = select(estates.c.id, estates.c.code + " " + estates.c.name).where(estates.c.id.in_(keys))
    elif by == "desk_line":
        d = desk_lines.c
        statement = select(d.id, d.number + case((d.extension != "", "-" + d.extension), else_="")
                           + case((d.label != "", " " + d.label), else_="")).where(d.id.in_(keys))
    else:
        statement = select(staff.c.id, staff.c.name).where(staff.c.id.in_(keys))
    return {row[0]: row[1] for row in session.execute(statement)}
