"""Managing service levels: SLA policies, business calendars with their holidays and make-up days,
and escalation rules (TKT-4, TKT-5).

A row with ``estate_id`` null is the operator's, for every estate: only a caller who sees every
estate (the operator) may add one (the API checks it: ``ScopedBlueprint.allow(operator_wide=...)``).
A manager cannot name one at all (the API's scope answers 404), so changing and removing rows need
no check of their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Table, delete, insert, select, update

from servicekit.errors import Conflict, Invalid, Message, NotFound
from servicekit.rows import write
from servicekit.unit_of_work import UnitOfWork
from tickets.sla.calendar import parse_week
from tickets.sla.views import one, with_days
from tickets.tables import calendar_days, calendars, escalation_rules, sla_policies

POLICY_KEY = ("estate_id", "kind", "complaint_class", "priority")
POLICY_FIELDS = (*POLICY_KEY, "acknowledge_minutes", "arrive_minutes", "resolve_minutes", "warn_percent",
                 "business_hours")
RULE_KEY = ("estate_id", "trigger", "target", "level", "action")
_POLICY_EXISTS = Message("a policy for this estate, kind, class and priority exists",
                         "该小区、类型、类别和优先级的时效规则已存在")


# --- policies and rules: added for an estate (or by the operator for every estate) ----------------

def create_policy(uow: UnitOfWork, data: Mapping[str, Any]) -> dict[str, Any]:
    """Set targets for an estate (or every estate), a kind, a complaint class and a priority."""
    _check_policy(data)
    return _add(uow, sla_policies, {f: data.get(f) for f in POLICY_FIELDS}, POLICY_KEY,
                _POLICY_EXISTS)


def create_rule(uow: UnitOfWork, data: Mapping[str, Any]) -> dict[str, Any]:
    """Add an escalation rule: on a trigger, at a level, do an action."""
    return _add(uow, escalation_rules, {f: data.get(f) for f in RULE_KEY}, RULE_KEY,
                Message("this rule exists already", "该升级规则已存在"))


def update_policy(uow: UnitOfWork, policy_id: UUID, data: Mapping[str, Any]) -> dict[str, Any]:
    """Change a policy's class, kind, priority and targets (for tickets opened from now on)."""
    _check_policy(data)
    with uow:
        current = one(uow, sla_policies, policy_id)
        values = {f: data.get(f) for f in POLICY_FIELDS if f != "estate_id"}
        _unique(uow, update(sla_policies).where(sla_policies.c.id == policy_id)
                .values(**values, version=sla_policies.c.version + 1), _POLICY_EXISTS, sla_policies,
                {**values, "estate_id": current["estate_id"]}, POLICY_KEY, other_than=policy_id)
        found = one(uow, sla_policies, policy_id)
        uow.commit()
        return found


def delete_policy(uow: UnitOfWork, policy_id: UUID) -> None:
    """Remove a policy: the next less specific one, or the defaults, apply."""
    _delete(uow, sla_policies, policy_id)


def delete_rule(uow: UnitOfWork, rule_id: UUID) -> None:
    """Remove an escalation rule."""
    _delete(uow, escalation_rules, rule_id)


def _add(uow: UnitOfWork, table: Table, values: dict[str, Any], key: tuple[str, ...],
         exists: Message) -> dict[str, Any]:
    row = {"id": uuid.uuid4(), **values}
    with uow:
        _unique(uow, insert(table).values(row), exists, table, row, key)
        found = one(uow, table, row["id"])
        uow.commit()
        return found


def _unique(uow: UnitOfWork, statement: Any, exists: Message, table: Table, row: Mapping[str, Any],
            key: tuple[str, ...], *, other_than: UUID | None = None) -> None:
    """Run ``statement``, or refuse it (a conflict said as ``exists``) when another row has ``row``'s
    ``key``: compared null-safely first (a unique key lets two rows with the same nulls in), then by
    the table's unique key."""
    same = select(table.c.id).where(*(table.c[k].is_not_distinct_from(row[k]) for k in key))
    if other_than is not None:
        same = same.where(table.c.id != other_than)
    if uow.execute(same).first() is not None:
        raise Conflict(exists.en, exists.zh)
    write(uow, statement, conflict=exists)


def _delete(uow: UnitOfWork, table: Table, row_id: UUID) -> None:
    with uow:
        one(uow, table, row_id)
        uow.execute(delete(table).where(table.c.id == row_id))
        uow.commit()


def _check_policy(data: Mapping[str, Any]) -> None:
    if data.get("complaint_class") is not None and data.get("kind") not in (None, "complaint"):
        raise Invalid("a complaint class goes with complaints", "只有投诉才有投诉类别",
                      errors={"complaint_class": ["only for complaints"]})
    if all(data.get(f"{t}_minutes") is None for t in ("acknowledge", "arrive", "resolve")):
        raise Invalid("a policy sets at least one target", "时效规则至少要设置一项时限",
                      errors={"resolve_minutes": ["set one target"]})


# --- calendars ----------------------------------------------------------------------------------

def create_calendar(uow: UnitOfWork, data: Mapping[str, Any]) -> dict[str, Any]:
    """Give an estate business hours (one calendar per estate)."""
    _check_calendar(data)
    with uow:
        row = {"id": uuid.uuid4(), "estate_id": data["estate_id"], "timezone": data["timezone"], "week": data["week"]}
        _unique(uow, insert(calendars).values(row),
                Message("the estate has a calendar already; change that one", "该小区已有工作日历，请修改现有日历"),
                calendars, row, ("estate_id",))
        return _calendar_done(uow, row["id"])


def update_calendar(uow: UnitOfWork, calendar_id: UUID, data: Mapping[str, Any]) -> dict[str, Any]:
    """Change a calendar's time zone or its week's open hours."""
    _check_calendar(data)
    with uow:
        one(uow, calendars, calendar_id)
        uow.execute(update(calendars).where(calendars.c.id == calendar_id)
                    .values(timezone=data["timezone"], week=data["week"], version=calendars.c.version + 1))
        return _calendar_done(uow, calendar_id)


def delete_calendar(uow: UnitOfWork, calendar_id: UUID) -> None:
    """Remove the calendar, its days with it: the estate runs 24x7 from now on."""
    with uow:
        one(uow, calendars, calendar_id)
        uow.execute(delete(calendar_days).where(calendar_days.c.calendar_id == calendar_id))
        uow.execute(delete(calendars).where(calendars.c.id == calendar_id))
        uow.commit()


def set_day(uow: UnitOfWork, calendar_id: UUID, day: date, kind: str, name: str) -> dict[str, Any]:
    """A holiday, or a make-up working day (调休), of a calendar; setting a day again replaces it."""
    with uow:
        one(uow, calendars, calendar_id)
        uow.execute(delete(calendar_days).where(calendar_days.c.calendar_id == calendar_id,
                                                calendar_days.c.day == day))
        uow.execute(insert(calendar_days).values(calendar_id=calendar_id, day=day, kind=kind, name=name))
        return _calendar_done(uow, calendar_id)


def delete_day(uow: UnitOfWork, calendar_id: UUID, day: date) -> None:
    """Make a day an ordinary day of its week again."""
    with uow:
        one(uow, calendars, calendar_id)
        gone = uow.execute(delete(calendar_days).where(calendar_days.c.calendar_id == calendar_id,
                                                       calendar_days.c.day == day))
        if gone.rowcount == 0:
            raise NotFound("the calendar has no such day", "日历中没有这一天")
        uow.commit()


def _calendar_done(uow: UnitOfWork, calendar_id: UUID) -> dict[str, Any]:
    found = with_days(uow, one(uow, calendars, calendar_id))
    uow.commit()
    return found


def _check_calendar(data: Mapping[str, Any]) -> None:
    try:
        ZoneInfo(data["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("unknown time zone", "未知的时区",
                      errors={"timezone": [f"{data['timezone']!r} is no IANA time zone"]}) from None
    try:
        week = parse_week(data["week"])
    except (ValueError, TypeError, AttributeError) as exc:
        raise Invalid("the week's open hours are malformed", "每周营业时间格式有误",
                      errors={"week": [str(exc)]}) from None
    if not any(week.values()):
        raise Invalid("a calendar has open hours; an estate without a calendar runs 24x7",
                      "工作日历须有营业时间；不设日历的小区按全天候计时", errors={"week": ["has no open interval"]})
