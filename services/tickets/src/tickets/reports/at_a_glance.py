"""An estate's desk at a glance (the estate dashboard's part from tickets, GW-2): its open tickets by
stage, and its service-level warnings and breaches today and this month (days and months in the
estate's zone), counted now."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.orm import Session

from tickets.tables import OPEN_STAGE, deadlines, tickets


def at_a_glance(session: Session, estate_id: UUID, now: datetime, zone: str) -> dict[str, Any]:
    local = now.astimezone(ZoneInfo(zone))
    today = datetime.combine(local.date(), time(), tzinfo=local.tzinfo)
    month = today.replace(day=1)
    t, d = tickets.c, deadlines.c
    by_stage = dict(session.execute(select(t.stage, func.count()).where(
        t.estate_id == estate_id, text(OPEN_STAGE)).group_by(t.stage)).all())

    opened_today = session.execute(select(func.count()).select_from(tickets).where(
        t.estate_id == estate_id, t.created_at >= today)).scalar_one()
    # The four counts in one statement over the deadlines warned or breached this month (an index each).
    this_month = and_(d.estate_id == estate_id, or_(d.warned_at.between(month, now), d.breached_at.between(month, now)))
    warned_today, breached_today, warned_this_month, breached_this_month = session.execute(select(
        *(func.count().filter(column.between(since, now)) for column, since in (
            (d.warned_at, today), (d.breached_at, today), (d.warned_at, month), (d.breached_at, month))),
    ).where(this_month)).one()
    return {"estate_id": estate_id, "at": now, "timezone": zone, "open_by_stage": by_stage,
            "open": sum(by_stage.values()), "opened_today": opened_today,
            "sla": {"warned_today": warned_today, "breached_today": breached_today,
                    "warned_this_month": warned_this_month, "breached_this_month": breached_this_month}}
