"""Repeated failures of one registered common area or item of equipment (OWN-10): how many repairs and
complaints named each item in a period, for the items named at least so often (the lift that stopped
three times this month), most first."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped
from tickets.tables import equipment, tickets

FAILURE_KINDS = ("repair", "complaint")
"""The kinds of ticket that report an item failing."""
NOT_COUNTED = ("merged", "cancelled")
"""A merged or cancelled ticket is no failure of its own."""


def repeat_failures(session: Session, principal: Principal, *, start: datetime, end: datetime,
                    estate_id: UUID | None, at_least: int, kind: str | None) -> list[dict[str, Any]]:
    """The items of the caller's estates named by at least ``at_least`` repairs and complaints opened in
    [``start``, ``end``), with their count and the first and last of them, most first."""
    t = tickets.c
    count = func.count().label("failures")
    counted = (select(t.equipment_id, t.estate_id, count, func.min(t.created_at).label("first_at"),
                      func.max(t.created_at).label("last_at"))
               .where(t.equipment_id.is_not(None), t.kind.in_(FAILURE_KINDS), t.stage.not_in(NOT_COUNTED),
                      t.created_at >= start, t.created_at < end))
    if estate_id is not None:
        counted = counted.where(t.estate_id == estate_id)
    counted = scoped(counted, t.estate_id, principal).group_by(t.equipment_id, t.estate_id) \
        .having(func.count() >= at_least).subquery("counted")
    e = equipment.c
    statement = (select(counted, e.kind, e.identifier, e.name, e.building_id, e.location)
                 .join(equipment, e.id == counted.c.equipment_id)
                 .order_by(counted.c.failures.desc(), e.identifier, e.id))
    if kind is not None:
        statement = statement.where(e.kind == kind)
    return [dict(row) for row in session.execute(statement).mappings()]
