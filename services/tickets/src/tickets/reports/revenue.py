"""Revenue and margin of the paid services (特约服务的收入与毛利, TKT-11): what the owners paid for
catalogue services, what the services cost, what the company kept, and the commissions paid on
them, by estate, service and month.

A ticket's fee counts when it is paid in full (as commissions are earned), in the month it was
paid in its estate's time zone; each of its lines counts under its service (the catalogue code).
Per line: ``revenue`` its amount (the price when it was added times the quantity), ``cost`` the
unit cost then times the quantity (to the fen), ``margin`` revenue − cost, ``commission`` what the
line earned its handler, ``net`` margin − commission; ``margin_share`` margin / revenue. Amounts
are summed exactly (``Decimal``) here, not by the database (SQLite has no exact decimals).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped
from tickets.domain.catalogue import ZERO, money
from tickets.reports.monthly import estate_timezone
from tickets.tables import commissions, estates, ticket_charges, ticket_fees

AMOUNTS = ("revenue", "cost", "margin", "commission", "net")


def paid_services(session: Session, principal: Principal, *, start: datetime, end: datetime,
                  estate_id: UUID | None) -> dict[str, Any]:
    """The rows (estate, month, service) of the fees paid in full in [``start``, ``end``) in the
    caller's estates (one with ``estate_id``), and the totals."""
    f, line, c = ticket_fees.c, ticket_charges.c, commissions.c
    statement = (select(f.estate_id, f.ticket_id, f.paid_at, line.code, line.name_zh, line.name_en, line.quantity,
                        line.unit_cost, line.amount, c.commission)
                 .select_from(ticket_fees.join(ticket_charges, line.ticket_id == f.ticket_id)
                              .outerjoin(commissions, c.charge_id == line.id))
                 .where(f.payment_state == "paid", f.paid_at >= start, f.paid_at < end))
    if estate_id is not None:
        statement = statement.where(f.estate_id == estate_id)
    lines = session.execute(scoped(statement, f.estate_id, principal)).mappings().all()
    ids = {row["estate_id"] for row in lines}
    names = dict(session.execute(select(estates.c.id, estates.c.name).where(estates.c.id.in_(ids))).all()
                 ) if ids else {}
    zones = {estate: ZoneInfo(estate_timezone(session, estate)) for estate in ids}
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in lines:
        month = row["paid_at"].astimezone(zones[row["estate_id"]]).strftime("%Y-%m")
        key = (names.get(row["estate_id"], str(row["estate_id"])), str(row["estate_id"]), month, row["code"])
        group = groups.setdefault(key, {
            "estate_id": row["estate_id"], "estate": key[0], "month": month, "code": row["code"],
            "service": f"{row['name_zh']} {row['name_en']}", "tickets": set(), "quantity": Decimal(0),
            **{name: ZERO for name in AMOUNTS}})
        _add(group, row)
    return {"rows": [_finished(groups[key]) for key in sorted(groups)], "totals": _finished(_total(groups.values()))}


def _add(group: dict[str, Any], line: Mapping[str, Any]) -> None:
    revenue = Decimal(line["amount"])
    cost = money(Decimal(line["unit_cost"]) * Decimal(line["quantity"]))
    commission = Decimal(line["commission"]) if line["commission"] is not None else ZERO
    group["tickets"].add(line["ticket_id"])
    group["quantity"] += Decimal(line["quantity"])
    group["revenue"] += revenue
    group["cost"] += cost
    group["margin"] += revenue - cost
    group["commission"] += commission
    group["net"] += revenue - cost - commission


def _total(groups: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Every group together: its tickets once each (a ticket may pay for several services)."""
    total: dict[str, Any] = {"tickets": set(), **{name: ZERO for name in AMOUNTS}}
    for group in groups:
        total["tickets"] |= group["tickets"]
        for name in AMOUNTS:
            total[name] += group[name]
    return total


def _finished(group: dict[str, Any]) -> dict[str, Any]:
    """Amounts to the fen, the tickets counted, and the margin's share of the revenue (None for none)."""
    done = {**group, **{name: money(group[name]) for name in AMOUNTS}, "tickets": len(group["tickets"])}
    if "quantity" in group:
        done["quantity"] = money(group["quantity"])
    done["margin_share"] = (done["margin"] / done["revenue"]).quantize(Decimal("0.0001")) if done["revenue"] else None
    return done
