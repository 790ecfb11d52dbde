"""Earning commissions when a ticket's fee is paid in full (TKT-11).

Each charge line earns by the rule that fits it best (:func:`tickets.domain.catalogue.best_rule`)
for the ticket's handler (its assignee), in the month it was paid (in the estate's time zone).
A line no rule fits earns nothing; a paid ticket with no handler earns nothing for anyone, and
says so in its timeline and the log (a commission that reaches nobody is not lost silently).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, or_, select

from tickets.domain.catalogue import best_rule, commission
from tickets.reports.monthly import estate_timezone
from tickets.tables import commission_rules, commissions
from tickets.tickets.timeline import Actor, add_step

log = logging.getLogger(__name__)


def earn(uow: Any, ticket: Mapping[str, Any], lines: list[Mapping[str, Any]], at: datetime,
         actor: Actor) -> list[dict[str, Any]]:
    """Write the commissions of ``ticket``'s paid ``lines``, earned ``at``; the rows written."""
    handler = ticket["assignee_id"]
    if handler is None:
        log.warning("ticket %s was paid with no handler: no commission earned", ticket["number"])
        add_step(uow, ticket, "commission_unassigned", actor, at,
                 note="paid with no handler: no commission earned / 无处理人，未计佣金")
        return []
    r = commission_rules.c
    rules = [dict(row) for row in uow.execute(select(commission_rules).where(
        r.active.is_(True), or_(r.estate_id.is_(None), r.estate_id == ticket["estate_id"]))).mappings()]
    period = at.astimezone(ZoneInfo(estate_timezone(uow, ticket["estate_id"]))).strftime("%Y-%m")
    earned = []
    for line in lines:
        rule = best_rule(rules, ticket["estate_id"], line["code"], line["category"])
        if rule is None:
            continue
        earned.append({"id": uuid.uuid4(), "estate_id": ticket["estate_id"], "staff_id": handler,
                       "ticket_id": ticket["id"], "charge_id": line["id"], "rule_id": rule["id"],
                       "amount": line["amount"], "commission": commission(rule, Decimal(line["amount"]),
                                                                           Decimal(line["quantity"])),
                       "earned_at": at, "period": period})
    if earned:
        uow.execute(insert(commissions), earned)
    return earned
