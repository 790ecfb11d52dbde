"""The read side of commissions: the rules in force, a member of staff's monthly statement, and an
estate's monthly summary of every member's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped_with_operator
from tickets.domain.catalogue import ZERO, money
from tickets.tables import commission_rules, commissions, staff, ticket_charges, tickets


def rule_list(session: Session, principal: Principal, args: dict[str, Any]) -> list[dict[str, Any]]:
    """The operator's rules and those of the caller's estates (one estate's with ``estate_id``)."""
    r = commission_rules.c
    statement = scoped_with_operator(select(commission_rules), r.estate_id, principal, args.get("estate_id"))
    if not args.get("include_inactive"):
        statement = statement.where(r.active.is_(True))
    statement = statement.order_by(r.item_code.is_(None), r.item_code, r.category.is_(None), r.category, r.estate_id)
    return [dict(row) for row in session.execute(statement).mappings()]


def statement(session: Session, staff_id: UUID, period: str) -> dict[str, Any]:
    """What ``staff_id`` earned in ``period`` (YYYY-MM): every line, in the order it was paid, and totals."""
    member = session.execute(select(staff.c.name, staff.c.estate_id).where(staff.c.id == staff_id)).one()
    c, t, line, r = commissions.c, tickets.c, ticket_charges.c, commission_rules.c
    rows = session.execute(
        select(c.earned_at, c.ticket_id, t.number, t.title, line.code, line.name_zh, line.name_en, line.quantity,
               c.amount, c.commission, r.item_code, r.category, r.percent, r.per_unit)
        .select_from(commissions.join(tickets, t.id == c.ticket_id).join(ticket_charges, line.id == c.charge_id)
                     .join(commission_rules, r.id == c.rule_id))
        .where(c.staff_id == staff_id, c.estate_id == member.estate_id, c.period == period)
        .order_by(c.earned_at, t.number, line.code)).mappings().all()
    lines = [{"earned_at": row["earned_at"], "ticket_id": row["ticket_id"], "number": row["number"],
              "title": row["title"], "code": row["code"], "item": f"{row['name_zh']} {row['name_en']}",
              "quantity": row["quantity"], "amount": row["amount"], "rule": _terms(row),
              "commission": row["commission"]} for row in rows]
    return {"staff_id": staff_id, "name": member.name, "estate_id": member.estate_id, "period": period,
            "lines": lines, "tickets": len({line["ticket_id"] for line in lines}),
            "amount": money(sum((Decimal(line["amount"]) for line in lines), ZERO)),
            "commission": money(sum((Decimal(line["commission"]) for line in lines), ZERO))}


def summary(session: Session, estate_id: UUID, period: str) -> dict[str, Any]:
    """Every member of staff's commissions of ``period`` in one estate (佣金汇总), most earned first,
    and the estate's totals: tickets, lines, the sales earned on and the commissions."""
    c = commissions.c
    rows = session.execute(select(c.staff_id, staff.c.name, c.ticket_id, c.amount, c.commission)
                           .select_from(commissions.outerjoin(staff, staff.c.id == c.staff_id))
                           .where(c.estate_id == estate_id, c.period == period)).all()
    people: dict[UUID, dict[str, Any]] = {}
    for staff_id, name, ticket_id, amount, earned in rows:
        person = people.setdefault(staff_id, {"staff_id": staff_id, "name": name or str(staff_id), "tickets": set(),
                                              "lines": 0, "amount": ZERO, "commission": ZERO})
        person["tickets"].add(ticket_id)
        person["lines"] += 1
        person["amount"] += Decimal(amount)
        person["commission"] += Decimal(earned)
    staff_rows = sorted(({**p, "tickets": len(p["tickets"]), "amount": money(p["amount"]),
                          "commission": money(p["commission"])} for p in people.values()),
                        key=lambda p: (-p["commission"], p["name"], str(p["staff_id"])))
    return {"estate_id": estate_id, "period": period, "staff": staff_rows,
            "tickets": len({row.ticket_id for row in rows}), "lines": len(rows),
            "amount": money(sum((p["amount"] for p in staff_rows), ZERO)),
            "commission": money(sum((p["commission"] for p in staff_rows), ZERO))}


def _terms(row: Any) -> str:
    scope = (f"item {row['item_code']}" if row["item_code"] else f"category {row['category']}" if row["category"]
             else "every item")
    terms = [f"{row['percent']:.2f}%" if row["percent"] is not None else None,
             f"{row['per_unit']:.2f}/unit" if row["per_unit"] is not None else None]
    return f"{scope}: " + " + ".join(term for term in terms if term)
