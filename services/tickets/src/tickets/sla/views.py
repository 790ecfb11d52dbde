"""The read side of service levels: SLA policies, business calendars and escalation rules of the
caller's estates, the time left to each of a ticket's targets (for its stage report), and the
configuration warnings of the caller's estates (an estate whose escalations cannot reach the role
the rules name: :mod:`tickets.domain.chain`).

A row with ``estate_id`` null is the operator's, for every estate: the API's scope lets only a
caller who sees every estate (the operator) name one; a manager's lists hold their estates' rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Table, exists, func, literal, or_, select, true, union_all

from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import Executes, get_row
from tickets.domain.chain import EXPECTED_ROLES, WARNINGS
from tickets.sla.calendar import business_seconds_between
from tickets.sla.policies import clock_for, targets_for
from tickets.tables import (
    calendar_days,
    calendars,
    deadlines,
    departments,
    escalation_rules,
    estates,
    sla_policies,
    staff,
)

# What each table's row is called in answers, in English and Chinese.
NAMES = {sla_policies: ("SLA policy", "时效规则"), calendars: ("calendar", "工作日历"),
         escalation_rules: ("escalation rule", "升级规则")}


def one(conn: Executes, table: Table, row_id: UUID) -> dict[str, Any]:
    """A policy, calendar or rule by id, or :class:`~servicekit.errors.NotFound`."""
    what, what_zh = NAMES[table]
    return get_row(conn, table, row_id, what, what_zh=what_zh)


def _page(session: Any, principal: Principal, table: Table, args: dict[str, Any], *order: str) -> dict[str, Any]:
    """The caller's estates' rows of ``table`` (one estate's with ``estate_id``), a page in ``order``."""
    statement = scoped(select(table), table.c.estate_id, principal)
    if args.get("estate_id"):
        statement = statement.where(table.c.estate_id == args["estate_id"])
    return page_of(session, statement.order_by(*(table.c[name] for name in order)), args)


def policy_page(session: Any, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """The SLA policies of the caller's estates, the operator's (estate null) first for the operator."""
    return _page(session, principal, sla_policies, args, "estate_id", "kind", "complaint_class", "priority", "id")


def policy(session: Any, policy_id: UUID) -> dict[str, Any]:
    return one(session, sla_policies, policy_id)


def rule_page(session: Any, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """The escalation rules of the caller's estates, by trigger and level."""
    return _page(session, principal, escalation_rules, args, "estate_id", "trigger", "level", "action", "id")


def rule(session: Any, rule_id: UUID) -> dict[str, Any]:
    return one(session, escalation_rules, rule_id)


def calendar_page(session: Any, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """The business calendars of the caller's estates, each with its holidays and make-up days."""
    page = _page(session, principal, calendars, args, "estate_id")
    page["items"] = [with_days(session, row) for row in page["items"]]
    return page


def calendar(session: Executes, calendar_id: UUID) -> dict[str, Any]:
    """One calendar with its holidays and make-up working days."""
    return with_days(session, one(session, calendars, calendar_id))


def with_days(conn: Executes, row: Mapping[str, Any]) -> dict[str, Any]:
    days = conn.execute(select(calendar_days).where(calendar_days.c.calendar_id == row["id"])
                        .order_by(calendar_days.c.day)).mappings().all()
    return {**row, "days": [dict(d) for d in days]}


def sla_summaries(conn: Any, ticket_ids: list[Any], now: datetime) -> dict[Any, dict[str, Any]]:
    """For a list of tickets, in one query: each one's service levels at a glance — the worst of its
    running or paused targets (breached, warned, on_time, paused; none when no target is left) and
    the running target due first, and each running or paused target's deadline (due first)."""
    found: dict[Any, dict[str, Any]] = {i: {"state": "none", "next_target": None, "next_due_at": None,
                                            "targets": []} for i in ticket_ids}
    if not ticket_ids:
        return found
    rows = conn.execute(select(deadlines.c.ticket_id, deadlines.c.target, deadlines.c.state, deadlines.c.due_at,
                               deadlines.c.warn_at)
                        .where(deadlines.c.ticket_id.in_(ticket_ids), deadlines.c.state.in_(("running", "paused")))
                        .order_by(deadlines.c.due_at)).mappings()
    rank = {"none": 0, "paused": 1, "on_time": 2, "warned": 3, "breached": 4}
    for row in rows:
        summary = found[row["ticket_id"]]
        summary["targets"].append({"target": row["target"], "state": row["state"], "due_at": row["due_at"],
                                   "warn_at": row["warn_at"]})
        if row["state"] == "paused":
            state = "paused"
        elif row["due_at"] is not None and row["due_at"] <= now:
            state = "breached"
        elif row["warn_at"] is not None and row["warn_at"] <= now:
            state = "warned"
        else:
            state = "on_time"
        if rank[state] > rank[summary["state"]]:
            summary["state"] = state
        if row["state"] == "running" and row["due_at"] is not None and summary["next_due_at"] is None:
            summary["next_target"], summary["next_due_at"] = row["target"], row["due_at"]
    return found


def time_left(conn: Any, ticket: Mapping[str, Any], now: datetime) -> list[dict[str, Any]]:
    """For the stage report (TKT-7): each of the ticket's deadlines, its state, and the business
    seconds still left to it (negative when overdue by that much; the paused keep theirs; None once
    met, missed or dropped). A promise whose date passed unresolved shows ``slipped``."""
    rows = conn.execute(select(deadlines).where(deadlines.c.ticket_id == ticket["id"])
                        .order_by(deadlines.c.started_at, deadlines.c.target)).mappings().all()
    calendar = None
    if any(r["business_hours"] for r in rows):
        calendar = clock_for(conn, ticket, targets_for(conn, ticket))
    answer = []
    for row in rows:
        clock = calendar if row["business_hours"] else None
        left: float | None = None
        if row["state"] == "paused":
            left = row["remaining_seconds"]
        elif row["state"] == "running" and row["due_at"] is not None:
            left = (business_seconds_between(now, row["due_at"], clock) if row["due_at"] >= now
                    else -business_seconds_between(row["due_at"], now, clock))
        answer.append({
            "target": row["target"], "state": row["state"], "started_at": row["started_at"],
            "due_at": row["due_at"], "warn_at": row["warn_at"], "seconds_left": left,
            "warned_at": row["warned_at"], "breached_at": row["breached_at"], "met_at": row["met_at"],
            "business_hours": bool(row["business_hours"]),
            "slipped": row["target"] == "promise" and row["breached_at"] is not None,
        })
    return answer


def _missing_roles() -> tuple[Any, Any]:
    """Every (estate, expected role) pair of the copy that no active member of the estate holds,
    and the role column (a statement to scope, page or count)."""
    expected = union_all(*(select(literal(role).label("role")) for role in EXPECTED_ROLES)).subquery("expected")
    held = exists().where(staff.c.estate_id == estates.c.id, staff.c.role == expected.c.role,
                          staff.c.active.is_(True))
    statement = (select(estates.c.id.label("estate_id"), estates.c.code.label("estate_code"),
                        estates.c.name.label("estate_name"), expected.c.role)
                 .select_from(estates.join(expected, true())).where(~held))
    return statement, expected.c.role


def configuration_warning_page(session: Any, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """The caller's estates that lack an active supervisor or first responsible person (their
    escalations go up the chain every time), one warning per missing role, by estate code."""
    statement, role = _missing_roles()
    statement = scoped(statement, estates.c.id, principal)
    if args.get("estate_id"):
        statement = statement.where(estates.c.id == args["estate_id"])
    page = page_of(session, statement.order_by(estates.c.code, estates.c.id, role), args)
    page["items"] = [_warning(row) for row in page["items"]]
    return page


def _warning(row: Mapping[str, Any]) -> dict[str, Any]:
    code, english, chinese = WARNINGS[row["role"]]
    return {**row, "code": code, "message_en": english, "message_zh": chinese}


def configuration_warning_counts(session: Any) -> dict[str, int]:
    """For the metric: how many estates of the whole copy lack each expected role (0 included)."""
    statement, role = _missing_roles()
    found = dict(session.execute(select(statement.subquery().c.role, func.count()).group_by("role")).all())
    counts = {WARNINGS[name][0]: found.get(name, 0) for name in EXPECTED_ROLES}
    return {**counts, DEPARTMENT_WITHOUT_SUPERVISOR: vacant_departments(session)}


DEPARTMENT_WITHOUT_SUPERVISOR = "department_without_supervisor"


def vacant_departments(session: Any) -> int:
    """Open departments of the copy whose supervisor's post is vacant (none, or off the roster): a
    complaint routed to one is reported past it, to the estate's supervisor."""
    holder = staff.alias("holder")
    return int(session.execute(
        select(func.count()).select_from(departments.outerjoin(holder, holder.c.id == departments.c.supervisor_id))
        .where(departments.c.active.is_(True), or_(holder.c.id.is_(None), holder.c.active.is_(False)))).scalar_one())
