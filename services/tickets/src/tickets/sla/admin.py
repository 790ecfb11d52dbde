"""Managing service levels: SLA policies, business calendars with their holidays and make-up days,
and escalation rules (the use cases and views behind ``tickets.api.sla``).

A row with ``estate_id`` null is the operator's, for every estate: only a caller who sees every
estate (the operator) may read or write one; a manager sees their estates' own rows only (another
estate's row, and the operator's, are 404 to them).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from servicekit.auth import Principal, scoped
from servicekit.errors import Conflict, Invalid, NotFound
from servicekit.paging import page_of
from servicekit.unit_of_work import UnitOfWork
from tickets.sla.calendar import parse_week
from tickets.tables import calendar_days, calendars, escalation_rules, sla_policies

KINDS = ("inquiry", "repair", "complaint", "suggestion", "praise")
COMPLAINT_CLASSES = ("facilities", "management", "fees", "emergency")
PRIORITIES = ("low", "normal", "high", "urgent")
_ZH = {"SLA policy": "时效规则", "calendar": "工作日历", "escalation rule": "升级规则"}
_POLICY_EXISTS = ("a policy for this estate, kind, class and priority exists",
                  "该小区、类型、类别和优先级的时效规则已存在")
POLICY_FIELDS = ("estate_id", "kind", "complaint_class", "priority", "acknowledge_minutes", "arrive_minutes",
                 "resolve_minutes", "warn_percent", "business_hours")


def _may_write(principal: Principal, estate_id: UUID | None) -> None:
    if estate_id is None and principal.estates is not None:
        raise Invalid("only the operator sets rows for every estate; name an estate",
                      "只有运营方可以设置适用于所有小区的规则，请指定小区",
                      errors={"estate_id": ["is required"]})


def _visible(table: Table, principal: Principal) -> Any:
    return scoped(select(table), table.c.estate_id, principal)


def _one(conn: Any, table: Table, row_id: UUID, what: str) -> dict[str, Any]:
    row = conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
    if row is None:
        raise NotFound(f"no such {what}", f"没有此{_ZH[what]}")
    return dict(row)


def _unique(uow: UnitOfWork, statement: Any, message: tuple[str, str], *, table: Table | None = None,
            key: Mapping[str, Any] | None = None, row_id: UUID | None = None) -> None:
    """Run ``statement``, answering 409 on a duplicate: of the unique key, or of ``key`` in ``table``
    compared null-safely (a unique key lets two rows with the same nulls in)."""
    if table is not None and key is not None:
        same = select(table.c.id).where(*(table.c[k].is_not_distinct_from(v) for k, v in key.items()))
        if row_id is not None:
            same = same.where(table.c.id != row_id)
        if uow.execute(same).first() is not None:
            raise Conflict(*message)
    try:
        uow.execute(statement)
        uow.session.flush()
    except IntegrityError:
        raise Conflict(*message) from None


# --- policies -----------------------------------------------------------------------------------

def _check_policy(data: Mapping[str, Any]) -> None:
    if data.get("complaint_class") is not None and data.get("kind") not in (None, "complaint"):
        raise Invalid("a complaint class goes with complaints", "只有投诉才有投诉类别",
                      errors={"complaint_class": ["only for complaints"]})
    if all(data.get(f"{t}_minutes") is None for t in ("acknowledge", "arrive", "resolve")):
        raise Invalid("a policy sets at least one target", "时效规则至少要设置一项时限",
                      errors={"resolve_minutes": ["set one target"]})


def list_policies(session: Any, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    statement = _visible(sla_policies, principal)
    if args.get("estate_id"):
        statement = statement.where(sla_policies.c.estate_id == args["estate_id"])
    p = sla_policies.c
    return page_of(session, statement.order_by(p.estate_id, p.kind, p.complaint_class, p.priority, p.id), args)


def policy(session: Any, policy_id: UUID) -> dict[str, Any]:
    return _one(session, sla_policies, policy_id, "SLA policy")


def create_policy(uow: UnitOfWork, principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    _may_write(principal, data.get("estate_id"))
    _check_policy(data)
    with uow:
        row = {"id": uuid.uuid4(), **{f: data.get(f) for f in POLICY_FIELDS}}
        _unique(uow, insert(sla_policies).values(row), _POLICY_EXISTS,
                table=sla_policies, key={k: row[k] for k in POLICY_FIELDS[:4]})
        found = _one(uow, sla_policies, row["id"], "SLA policy")
        uow.commit()
        return found


def update_policy(uow: UnitOfWork, principal: Principal, policy_id: UUID, data: dict[str, Any]) -> dict[str, Any]:
    _check_policy(data)
    with uow:
        current = _one(uow, sla_policies, policy_id, "SLA policy")
        _may_write(principal, current["estate_id"])
        values = {f: data.get(f) for f in POLICY_FIELDS if f != "estate_id"}
        _unique(uow, update(sla_policies).where(sla_policies.c.id == policy_id)
                .values(**values, version=sla_policies.c.version + 1),
                _POLICY_EXISTS, table=sla_policies,
                key={"estate_id": current["estate_id"], **{k: values[k] for k in POLICY_FIELDS[1:4]}},
                row_id=policy_id)
        found = _one(uow, sla_policies, policy_id, "SLA policy")
        uow.commit()
        return found


def delete_row(uow: UnitOfWork, principal: Principal, table: Table, row_id: UUID, what: str) -> None:
    with uow:
        current = _one(uow, table, row_id, what)
        _may_write(principal, current["estate_id"])
        uow.execute(delete(table).where(table.c.id == row_id))
        uow.commit()


# --- calendars ----------------------------------------------------------------------------------

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
                      "工作日历须有营业时间；不设日历的小区按全天候计时",
                      errors={"week": ["has no open interval"]})


def _calendar_answer(conn: Any, row: Mapping[str, Any]) -> dict[str, Any]:
    days = conn.execute(select(calendar_days).where(calendar_days.c.calendar_id == row["id"])
                        .order_by(calendar_days.c.day)).mappings().all()
    return {**row, "days": [dict(d) for d in days]}


def list_calendars(session: Any, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    statement = scoped(select(calendars), calendars.c.estate_id, principal).order_by(calendars.c.estate_id)
    page = page_of(session, statement, args)
    page["items"] = [_calendar_answer(session, row) for row in page["items"]]
    return page


def calendar(session: Any, calendar_id: UUID) -> dict[str, Any]:
    return _calendar_answer(session, _one(session, calendars, calendar_id, "calendar"))


def create_calendar(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    _check_calendar(data)
    with uow:
        row = {"id": uuid.uuid4(), "estate_id": data["estate_id"], "timezone": data["timezone"], "week": data["week"]}
        _unique(uow, insert(calendars).values(row),
                ("the estate has a calendar already; change that one", "该小区已有工作日历，请修改现有日历"))
        found = _calendar_answer(uow, _one(uow, calendars, row["id"], "calendar"))
        uow.commit()
        return found


def update_calendar(uow: UnitOfWork, calendar_id: UUID, data: dict[str, Any]) -> dict[str, Any]:
    _check_calendar(data)
    with uow:
        _one(uow, calendars, calendar_id, "calendar")
        uow.execute(update(calendars).where(calendars.c.id == calendar_id)
                    .values(timezone=data["timezone"], week=data["week"], version=calendars.c.version + 1))
        found = _calendar_answer(uow, _one(uow, calendars, calendar_id, "calendar"))
        uow.commit()
        return found


def delete_calendar(uow: UnitOfWork, calendar_id: UUID) -> None:
    with uow:
        _one(uow, calendars, calendar_id, "calendar")
        uow.execute(delete(calendar_days).where(calendar_days.c.calendar_id == calendar_id))
        uow.execute(delete(calendars).where(calendars.c.id == calendar_id))
        uow.commit()


def set_day(uow: UnitOfWork, calendar_id: UUID, day: date, kind: str, name: str) -> dict[str, Any]:
    """A holiday, or a make-up working day (调休), of a calendar; setting a day again replaces it."""
    with uow:
        _one(uow, calendars, calendar_id, "calendar")
        uow.execute(delete(calendar_days).where(calendar_days.c.calendar_id == calendar_id,
                                                calendar_days.c.day == day))
        uow.execute(insert(calendar_days).values(calendar_id=calendar_id, day=day, kind=kind, name=name))
        found = _calendar_answer(uow, _one(uow, calendars, calendar_id, "calendar"))
        uow.commit()
        return found


def delete_day(uow: UnitOfWork, calendar_id: UUID, day: date) -> None:
    with uow:
        _one(uow, calendars, calendar_id, "calendar")
        gone = uow.execute(delete(calendar_days).where(calendar_days.c.calendar_id == calendar_id,
                                                       calendar_days.c.day == day))
        if gone.rowcount == 0:
            raise NotFound("the calendar has no such day", "日历中没有这一天")
        uow.commit()


# --- escalation rules ---------------------------------------------------------------------------

def list_rules(session: Any, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    statement = _visible(escalation_rules, principal)
    if args.get("estate_id"):
        statement = statement.where(escalation_rules.c.estate_id == args["estate_id"])
    r = escalation_rules.c
    return page_of(session, statement.order_by(r.estate_id, r.trigger, r.level, r.action, r.id), args)


def rule(session: Any, rule_id: UUID) -> dict[str, Any]:
    return _one(session, escalation_rules, rule_id, "escalation rule")


def create_rule(uow: UnitOfWork, principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    _may_write(principal, data.get("estate_id"))
    with uow:
        row = {"id": uuid.uuid4(), "estate_id": data.get("estate_id"), "trigger": data["trigger"],
               "target": data.get("target"), "level": data["level"], "action": data["action"]}
        _unique(uow, insert(escalation_rules).values(row), ("this rule exists already", "该升级规则已存在"),
                table=escalation_rules,
                key={k: row[k] for k in ("estate_id", "trigger", "target", "level", "action")})
        found = _one(uow, escalation_rules, row["id"], "escalation rule")
        uow.commit()
        return found
