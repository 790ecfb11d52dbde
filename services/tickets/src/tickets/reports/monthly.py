"""The monthly complaint statistics and analysis report (每月投诉统计工作及投诉分析报告), TKT-12.

The textbook's fourth step of the complaint procedure: each month the estate's office counts and
analyses its complaints. One report per estate and month (``YYYY-MM`` in the estate's time zone:
its calendar's, else Asia/Shanghai), kept in ``monthly_reports`` and announced by
``tickets.report.monthly_generated.v1``. It holds:

- ``totals``: the complaints of the month and what became of them. A complaint *counts* when it
  was created in the month and was neither merged into another (a duplicate) nor cancelled
  (entered by mistake); those two are reported apart, as ``merged`` and ``cancelled``.
- ``by_class`` (the four classes), ``by_quality_aspect`` (management complaints by the seven
  quality aspects), ``top_causes`` (the ten most frequent categories).
- ``repeat_complainants`` and ``repeat_units``: people and units with at least two counted
  complaints in the month, or at least two in the 90 days ending with the month of which at
  least one is in the month (someone who complained in September and again in November is a
  repeat complainant of November, not of October).
- ``sla``: per target (acknowledge, arrive, resolve), the deadlines of the month's complaints that
  were met and breached, and the compliance, met / (met + breached); deadlines still running or
  dropped are neither.
- ``promises``: the promised dates (given with an explanation) that fell due in the month: kept
  (resolved by the date), broken (resolved after it, or not resolved when the report was made),
  pending (due after the report was made, which only a report made early can see).
- ``evaluations``: the owners' opinions (1-5) of the month's complaints: count, average, the
  share satisfied (4 or 5), and each score's count.
- ``calls``: the estate's phone in the month (TKT-4, TKT-9): calls, answered within three rings
  (rings of the estate's ring length, ``ring_seconds``: 6 s unless it set another,
  :mod:`tickets.calls.ring_length`), time to answer, missed and abandoned, callbacks kept
  (:mod:`tickets.domain.call_statistics`).
- ``outcomes`` and ``repeat_failures``: what the complaints' outcomes say (justified share, top
  root causes, sub-types, departments, media and legal) and the common areas that failed again
  (TKT-14, :mod:`tickets.reports.outcomes`).
- ``trend``: complaints, SLA compliance and evaluation average of this month and the six before;
  ``versus_previous``: this month's complaints against the average of the previous 3 and 6.

This module builds the content (:func:`build_report`) and counts the months; making, keeping and
announcing reports is :mod:`tickets.reports.use_cases`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select

from servicekit.errors import Invalid
from servicekit.unit_of_work import UnitOfWork
from tickets.calls.ring_length import ring_seconds_of
from tickets.calls.statistics import call_figures
from tickets.domain import call_statistics
from tickets.reports.labels import NONE, label
from tickets.reports.outcomes import outcome_analysis, repeat_failures, repeat_failures_by_department
from tickets.reports.sql import average, count_where, seconds_between
from tickets.reports.views import BREACHED, MET, TARGETS, compliance
from tickets.tables import buildings, calendars, categories, deadlines, people, tickets, units

DEFAULT_TIMEZONE = "Asia/Shanghai"
TREND_MONTHS = 6
REPEAT_WINDOW = timedelta(days=90)
TOP_CAUSES = 10
MAX_REPEATS = 50
NOT_COUNTED = ("merged", "cancelled")
PERIOD = re.compile(r"^(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])$")  # 1970-01 to 2999-12


# --- months -------------------------------------------------------------------------------------

def parse_period(period: str) -> tuple[int, int]:
    match = PERIOD.match(period)
    if not match:
        raise Invalid("a period is a month, YYYY-MM (1970-2999)", "月份格式为 YYYY-MM（1970-2999）",
                      errors={"period": ["is not YYYY-MM"]})
    return int(match[1]), int(match[2])


def shift(period: str, months: int) -> str:
    """The month ``months`` after ``period`` (before it when negative)."""
    year, month = parse_period(period)
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_bounds(period: str, timezone: str) -> tuple[datetime, datetime]:
    """The instants (UTC) the month starts and ends in ``timezone``: ``[start, end)``."""
    zone = ZoneInfo(timezone)
    year, month = parse_period(period)
    nxt = parse_period(shift(period, 1))
    return (datetime(year, month, 1, tzinfo=zone).astimezone(UTC),
            datetime(nxt[0], nxt[1], 1, tzinfo=zone).astimezone(UTC))


def last_month(now: datetime, timezone: str) -> str:
    """The month before the one ``now`` falls in, in ``timezone``: the report due at ``now``."""
    local = now.astimezone(ZoneInfo(timezone))
    return shift(f"{local.year:04d}-{local.month:02d}", -1)


def estate_timezone(conn: Any, estate_id: UUID) -> str:
    """The estate's calendar's time zone, else Asia/Shanghai."""
    zone = conn.execute(select(calendars.c.timezone).where(calendars.c.estate_id == estate_id)).scalar()
    return valid_zone(zone)


def valid_zone(zone: str | None) -> str:
    try:
        ZoneInfo(zone or DEFAULT_TIMEZONE)
        return zone or DEFAULT_TIMEZONE
    except Exception:  # a calendar with a zone this machine does not know: China's
        return DEFAULT_TIMEZONE


# --- the report's content -------------------------------------------------------------------------

def build_report(conn: Any, estate: dict[str, Any], period: str, now: datetime) -> dict[str, Any]:
    """The content of ``estate``'s report of ``period``, as of ``now`` (``conn``: a session or unit of work)."""
    timezone = estate_timezone(conn, estate["id"])
    start, end = month_bounds(period, timezone)
    dialect = (conn.session if isinstance(conn, UnitOfWork) else conn).get_bind().dialect.name
    month = _complaints(estate["id"], start, end)
    trend = _trend(conn, estate["id"], period, timezone)
    content = {
        "estate_id": str(estate["id"]), "estate_code": estate["code"], "estate_name": estate["name"],
        "period": period, "timezone": timezone, "start": start.isoformat(), "end": end.isoformat(),
        "totals": _totals(conn, dialect, estate["id"], start, end),
        "by_class": _by(conn, month, "complaint_class"),
        "by_quality_aspect": _by(conn, month.where(tickets.c.complaint_class == "management"), "quality_aspect"),
        "top_causes": _top_causes(conn, month, estate["id"]),
        "repeat_complainants": _repeats(conn, estate["id"], start, end, "person_id"),
        "repeat_units": _repeats(conn, estate["id"], start, end, "unit_id"),
        "sla": _sla(conn, month),
        "promises": _promises(conn, estate["id"], start, end, now),
        "evaluations": _evaluations(conn, month),
        "outcomes": outcome_analysis(conn, month),
        "repeat_failures": (failing := repeat_failures(conn, estate["id"], start, end)),
        "repeat_failures_by_department": repeat_failures_by_department(conn, estate["id"], start, end, failing),
        "trend": trend,
        "versus_previous": _versus(trend),
        "calls": _calls(conn, estate["id"], start, end, now),
    }
    content["sla_compliance"] = compliance(sum(t["met"] for t in content["sla"]),
                                           sum(t["breached"] for t in content["sla"]))
    return content


def _calls(conn: Any, estate_id: UUID, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    session = conn.session if isinstance(conn, UnitOfWork) else conn
    ring_seconds = ring_seconds_of(session, estate_id)
    args = {"since": start, "until": end, "estate_id": estate_id, "by": "estate", "ring_seconds": ring_seconds}
    rows = call_figures(session, None, args, now)
    figures = rows[0] if rows else call_statistics.figures({}, None, None, 0, 0)
    return {**{key: value for key, value in figures.items() if key not in ("key", "name")},
            "ring_seconds": ring_seconds}


def _complaints_between(estate_id: UUID, start: datetime, end: datetime) -> Any:
    return and_(tickets.c.estate_id == estate_id, tickets.c.created_at >= start, tickets.c.created_at < end,
                tickets.c.kind == "complaint")


def _counted() -> Any:
    return tickets.c.stage.not_in(NOT_COUNTED)


def _complaints(estate_id: UUID, start: datetime, end: datetime) -> Any:
    """The counted complaints of the month, as a statement to add columns and groups to."""
    return select().select_from(tickets).where(_complaints_between(estate_id, start, end), _counted())


def _totals(conn: Any, dialect: str, estate_id: UUID, start: datetime, end: datetime) -> dict[str, Any]:
    t, counted = tickets.c, _counted()
    row = conn.execute(select(
        count_where(counted).label("complaints"),
        count_where(counted & t.resolved_at.is_not(None)).label("resolved"),
        count_where(counted & t.resolved_at.is_(None)).label("unresolved"),
        count_where(counted & t.major).label("major"),
        count_where(counted & (t.reopen_count > 0)).label("reopened"),
        count_where(t.stage == "merged").label("merged"),
        count_where(t.stage == "cancelled").label("cancelled"),
        average(case((counted, seconds_between(dialect, t.arrived_at, t.created_at)))).label("avg_arrive_seconds"),
        average(case((counted, seconds_between(dialect, t.resolved_at, t.created_at)))).label("avg_resolve_seconds"),
    ).where(_complaints_between(estate_id, start, end))).mappings().one()
    totals = dict(row)
    for key in ("avg_arrive_seconds", "avg_resolve_seconds"):
        totals[key] = None if totals[key] is None else round(float(totals[key]), 1)
    return totals


def _by(conn: Any, month: Any, column: str) -> list[dict[str, Any]]:
    c = tickets.c[column]
    rows = conn.execute(month.add_columns(c, func.count().label("complaints"),
                                          count_where(tickets.c.resolved_at.is_not(None)).label("resolved"))
                        .group_by(c).order_by(func.count().desc(), c)).all()
    return [{column: value, "name": label(column, value), "complaints": n, "resolved": resolved}
            for value, n, resolved in rows]


def _top_causes(conn: Any, month: Any, estate_id: UUID) -> list[dict[str, Any]]:
    c = tickets.c.category
    rows = conn.execute(month.add_columns(c, func.count().label("complaints")).group_by(c)
                        .order_by(func.count().desc(), c.is_(None), c).limit(TOP_CAUSES)).all()
    codes = [code for code, _ in rows if code is not None]
    names: dict[str, tuple[str, str]] = {}
    if codes:
        known = categories.c
        found = conn.execute(select(known.code, known.name_zh, known.name_en, known.estate_id)
                             .where(known.code.in_(codes), known.kind == "complaint",
                                    or_(known.estate_id == estate_id, known.estate_id.is_(None)))
                             .order_by(known.estate_id.is_(None))).all()
        for code, zh, en, _ in reversed(found):  # the estate's own name wins over the operator's
            names[code] = (zh, en)
    return [{"category": code, "name": f"{names[code][0]} {names[code][1]}" if code in names else (code or NONE),
             "complaints": n} for code, n in rows]


def _repeats(conn: Any, estate_id: UUID, start: datetime, end: datetime, column: str) -> list[dict[str, Any]]:
    c = tickets.c[column]
    in_month = count_where(tickets.c.created_at >= start)
    rows = conn.execute(
        select(c, in_month.label("in_month"), func.count().label("in_90_days"))
        .where(_complaints_between(estate_id, end - REPEAT_WINDOW, end), _counted(), c.is_not(None))
        .group_by(c).having(and_(in_month >= 1, func.count() >= 2))
        .order_by(in_month.desc(), func.count().desc(), c).limit(MAX_REPEATS)).all()
    ids = [row[0] for row in rows]
    if column == "person_id":
        names = dict(conn.execute(select(people.c.id, people.c.name).where(people.c.id.in_(ids))).all()) if ids else {}
        return [{"person_id": str(i), "name": names.get(i, NONE), "in_month": m, "in_90_days": n} for i, m, n in rows]
    found = conn.execute(select(units.c.id, units.c.number, buildings.c.name)
                         .select_from(units.outerjoin(buildings, buildings.c.id == units.c.building_id))
                         .where(units.c.id.in_(ids))).all() if ids else []
    names = {i: f"{b} {n}" if b else n for i, n, b in found}
    return [{"unit_id": str(i), "unit": names.get(i, NONE), "in_month": m, "in_90_days": n} for i, m, n in rows]


def _sla(conn: Any, month: Any) -> list[dict[str, Any]]:
    statement = (month.join(deadlines, _deadlines_of(tickets.c.estate_id))
                 .add_columns(deadlines.c.target, count_where(MET), count_where(BREACHED))
                 .group_by(deadlines.c.target))
    found = {target: (m, b) for target, m, b in conn.execute(statement).all()}
    return [{"target": target, "name": label("target", target), "met": found.get(target, (0, 0))[0],
             "breached": found.get(target, (0, 0))[1], "compliance": compliance(*found.get(target, (0, 0)))}
            for target in TARGETS]


def _deadlines_of(estate_column: Any) -> Any:
    """A ticket's deadlines; saying they are of its estate too lets the planner read the estate's
    deadlines by their index instead of scanning them all."""
    return and_(deadlines.c.ticket_id == tickets.c.id, deadlines.c.estate_id == estate_column)


def _promises(conn: Any, estate_id: UUID, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    t = tickets.c
    on_time = or_(t.promise_kept.is_(True), and_(t.promise_kept.is_(None), t.resolved_at <= t.promised_by))
    late = or_(t.promise_kept.is_(False),
               and_(t.promise_kept.is_(None), or_(t.resolved_at > t.promised_by,
                                                  and_(t.resolved_at.is_(None), t.promised_by < now))))
    row = conn.execute(select(func.count(), count_where(on_time), count_where(late)).where(
        t.estate_id == estate_id, t.kind == "complaint", _counted(),
        t.promised_by >= start, t.promised_by < end)).one()
    due, kept, broken = row
    return {"due": due, "kept": kept, "broken": broken, "pending": due - kept - broken,
            "kept_rate": round(kept / (kept + broken), 4) if kept + broken else None}


def _evaluations(conn: Any, month: Any) -> dict[str, Any]:
    score = tickets.c.evaluation_score
    row = conn.execute(month.add_columns(func.count(score), average(score),
                                         *(count_where(score == s) for s in range(1, 6)))).one()
    count, mean, *by_score = row
    satisfied = by_score[3] + by_score[4]
    return {"count": count, "average": None if mean is None else round(float(mean), 2),
            "satisfied_rate": round(satisfied / count, 4) if count else None,
            "by_score": {str(s): n for s, n in zip(range(1, 6), by_score, strict=True)}}


def _trend(conn: Any, estate_id: UUID, period: str, timezone: str) -> list[dict[str, Any]]:
    """This month and the six before: one statement over the seven months, bucketed by their bounds."""
    periods = [shift(period, -back) for back in range(TREND_MONTHS, -1, -1)]
    bounds = [month_bounds(p, timezone) for p in periods]
    bucket = case(*[(and_(tickets.c.created_at >= s, tickets.c.created_at < e), p)
                    for p, (s, e) in zip(periods, bounds, strict=True)]).label("period")
    window = _complaints(estate_id, bounds[0][0], bounds[-1][1])
    counts = {p: (n, mean) for p, n, mean in conn.execute(
        window.add_columns(bucket, func.count(), average(tickets.c.evaluation_score)).group_by(bucket)).all()}
    sla = {p: (m, b) for p, m, b in conn.execute(
        window.join(deadlines, _deadlines_of(tickets.c.estate_id))
        .where(deadlines.c.target.in_(TARGETS))
        .add_columns(bucket, count_where(MET), count_where(BREACHED)).group_by(bucket)).all()}
    return [{"period": p, "complaints": counts.get(p, (0, None))[0],
             "sla_compliance": compliance(*sla.get(p, (0, 0))),
             "evaluation_average": None if counts.get(p, (0, None))[1] is None else round(float(counts[p][1]), 2)}
            for p in periods]


def _versus(trend: list[dict[str, Any]]) -> dict[str, Any]:
    this = trend[-1]["complaints"]
    result = {}
    for months in (3, 6):
        previous = [m["complaints"] for m in trend[-1 - months:-1]]
        mean = sum(previous) / len(previous)
        result[str(months)] = {"average_complaints": round(mean, 2),
                               "change_percent": round((this - mean) / mean * 100, 1) if mean else None}
    return result
