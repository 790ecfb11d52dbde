"""The read side of reports (TKT-12): ticket figures grouped as the caller asks, and the stored
monthly reports.

Ticket figures are counts, durations and SLA compliance, aggregated in SQL in two statements
whatever the grouping: one over ``tickets`` (counts, average times to acknowledge, arrive and
resolve from the milestone columns, the owners' evaluations) and one over ``deadlines`` joined to
their tickets (targets met and breached). Both read the tickets created in ``[start, end)`` of the
caller's estates, by the ``(estate_id, created_at)`` index. Names (estates, buildings, staff) are
looked up afterwards for the groups found only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped
from servicekit.errors import Invalid, NotFound
from tickets.reports.labels import NONE, label
from tickets.reports.sql import PERIODS, average, count_where, local_period, seconds_between
from tickets.tables import (
    buildings,
    complaint_outcomes,
    deadlines,
    departments,
    estates,
    monthly_reports,
    staff,
    tickets,
)

# What a report can be grouped by: a column of the ticket, or the period it was created in.
COLUMNS = {
    "estate": "estate_id", "building": "building_id", "kind": "kind", "complaint_class": "complaint_class",
    "quality_aspect": "quality_aspect", "priority": "priority", "stage": "stage", "assignee": "assignee_id",
}
# A complaint's outcome (TKT-14), from complaint_outcomes: tickets with none recorded group under none.
OUTCOME_COLUMNS = ("subtype", "root_cause", "responsible_department", "justified", "media_involved",
                   "legal_referral")
DIMENSIONS = (*COLUMNS, *OUTCOME_COLUMNS, *PERIODS)
TARGETS = ("acknowledge", "arrive", "resolve")
# A deadline that ended: met in time, or breached (marked by the timer, or met late).
MET = (deadlines.c.state == "met") & deadlines.c.breached_at.is_(None)
BREACHED = or_(deadlines.c.breached_at.is_not(None), deadlines.c.state == "missed")
_NAMED = {"estate": (estates, "name"), "building": (buildings, "name"), "assignee": (staff, "name")}


@dataclass(frozen=True)
class TicketReport:
    """What to report: tickets created in ``[start, end)``, grouped by ``group_by`` (in order)."""

    group_by: tuple[str, ...]
    start: datetime
    end: datetime
    timezone: str = "Asia/Shanghai"
    estate_id: UUID | None = None


def key_of(dimension: str) -> str:
    """The field a group's value is reported under: ``building_id``, ``kind``, ``month``..."""
    return COLUMNS.get(dimension, dimension)


def _with_outcomes(statement: Any, report: TicketReport) -> Any:
    """``statement`` over tickets joined to their outcomes, when a dimension is one of the outcome's."""
    if not set(report.group_by) & set(OUTCOME_COLUMNS):
        return statement
    return statement.outerjoin(complaint_outcomes, complaint_outcomes.c.ticket_id == tickets.c.id)


def ticket_figures(session: Session, principal: Principal, report: TicketReport) -> list[dict[str, Any]]:
    """One row per group: its values (and their names), counts, average durations, SLA met and breached."""
    try:
        return _figures(session, principal, report)
    except DataError:  # a zone Python knows and the database does not
        raise Invalid("the database does not know this time zone", "数据库不支持此时区",
                      errors={"query": {"timezone": ["is not known to the database"]}}) from None


def _figures(session: Session, principal: Principal, report: TicketReport) -> list[dict[str, Any]]:
    dialect = session.get_bind().dialect.name
    keys = [_group_expression(dialect, d, report).label(key_of(d)) for d in report.group_by]
    t = tickets.c
    figures = select(
        *keys,
        func.count().label("tickets"),
        count_where(t.resolved_at.is_(None) & t.closed_at.is_(None)).label("open"),
        count_where(t.resolved_at.is_not(None)).label("resolved"),
        average(seconds_between(dialect, t.acknowledged_at, t.created_at)).label("avg_acknowledge_seconds"),
        average(seconds_between(dialect, t.arrived_at, t.created_at)).label("avg_arrive_seconds"),
        average(seconds_between(dialect, t.resolved_at, t.created_at)).label("avg_resolve_seconds"),
        average(t.evaluation_score).label("evaluation_average"),
    )
    figures = _with_outcomes(figures.select_from(tickets), report)
    rows = {_key(row, report): dict(row) for row in
            session.execute(_grouped(figures, keys, principal, report)).mappings()}
    sla = _with_outcomes(select(*keys, deadlines.c.target, count_where(MET).label("met"),
                                count_where(BREACHED).label("breached")
                                ).select_from(tickets.join(deadlines, deadlines.c.ticket_id == t.id)), report)
    for row in session.execute(_grouped(sla, [*keys, deadlines.c.target], principal, report)).mappings():
        figure = rows.get(_key(row, report))
        if figure is not None and row["target"] in TARGETS:
            figure[f"{row['target']}_met"], figure[f"{row['target']}_breached"] = row["met"], row["breached"]
    result = [_finished(figure) for _, figure in sorted(rows.items(), key=lambda item: _sortable(item[0]))]
    _name_groups(session, report.group_by, result)
    return result


def _group_expression(dialect: str, dimension: str, report: TicketReport) -> Any:
    if dimension in PERIODS:
        return local_period(dialect, tickets.c.created_at, dimension, report.timezone, report.start)
    if dimension == "responsible_department":  # the registered department's id, else the free text
        o = complaint_outcomes.c
        return func.coalesce(cast(o.responsible_department_id, String), o.responsible_department)
    if dimension in OUTCOME_COLUMNS:
        return complaint_outcomes.c[dimension]
    return tickets.c[COLUMNS[dimension]]


def _grouped(statement: Any, keys: Sequence[Any], principal: Principal, report: TicketReport) -> Any:
    statement = statement.where(tickets.c.created_at >= report.start, tickets.c.created_at < report.end)
    if report.estate_id is not None:
        statement = statement.where(tickets.c.estate_id == report.estate_id)
    statement = scoped(statement, tickets.c.estate_id, principal)
    return statement.group_by(*keys) if keys else statement


def _key(row: Any, report: TicketReport) -> tuple[Any, ...]:
    return tuple(row[key_of(d)] for d in report.group_by)


def _sortable(key: tuple[Any, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((value is None, str(value)) for value in key)


def _finished(figure: dict[str, Any]) -> dict[str, Any]:
    """Totals over the targets and the compliance rates (met / (met + breached), None when no target ended)."""
    for target in TARGETS:
        figure.setdefault(f"{target}_met", 0)
        figure.setdefault(f"{target}_breached", 0)
    figure["sla_met"] = sum(figure[f"{t}_met"] for t in TARGETS)
    figure["sla_breached"] = sum(figure[f"{t}_breached"] for t in TARGETS)
    figure["sla_compliance"] = compliance(figure["sla_met"], figure["sla_breached"])
    for name in ("avg_acknowledge_seconds", "avg_arrive_seconds", "avg_resolve_seconds", "evaluation_average"):
        if figure[name] is not None:
            figure[name] = round(float(figure[name]), 2)
    return figure


def compliance(met: int, breached: int) -> float | None:
    """The share of ended targets that were met, 0..1 (None when none ended)."""
    return round(met / (met + breached), 4) if met + breached else None


def _name_groups(session: Session, group_by: Sequence[str], rows: list[dict[str, Any]]) -> None:
    """Each group's value with a name people read: ``estate``, ``building``, ``assignee``, ``kind_name``..."""
    for dimension in group_by:
        key = key_of(dimension)
        if dimension in _NAMED:
            table, column = _NAMED[dimension]
            ids = {row[key] for row in rows if row[key] is not None}
            names = dict(session.execute(select(table.c.id, table.c[column]).where(table.c.id.in_(ids))).all()
                         ) if ids else {}
            for row in rows:
                row[dimension] = names.get(row[key], NONE if row[key] is None else str(row[key]))
        elif dimension == "responsible_department":
            _name_departments(session, key, rows)
        elif dimension not in PERIODS:
            for row in rows:
                row[f"{dimension}_name"] = label(dimension, row[key])


def _name_departments(session: Session, key: str, rows: list[dict[str, Any]]) -> None:
    """A registered department's group by its id and name, one the register lacks by its text."""
    ids = {found for found in (_uuid(row[key]) for row in rows) if found is not None}
    names = dict(session.execute(select(departments.c.id, departments.c.name).where(departments.c.id.in_(ids))).all()
                 ) if ids else {}
    for row in rows:
        department = _uuid(row[key])
        if department in names:
            row[key], row[f"{key}_name"] = str(department), names[department]
        else:
            row[f"{key}_name"] = row[key] or NONE


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value is not None else None
    except ValueError:
        return None


def stored_report(session: Session, estate_id: UUID, period: str) -> dict[str, Any]:
    """The report of an estate and month (a ``YYYY-MM`` the API checked), or NotFound."""
    row = session.execute(select(monthly_reports).where(monthly_reports.c.estate_id == estate_id,
                                                        monthly_reports.c.period == period)).mappings().first()
    if row is None:
        raise NotFound(f"no monthly report of this estate for {period}", f"本小区尚无 {period} 的月度报告")
    return dict(row)
