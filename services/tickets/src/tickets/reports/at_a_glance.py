"""An estate's desk at a glance (the estate dashboard's part from tickets, GW-2): its open tickets by
stage, and its service-level warnings and breaches today and this month (days and months in the
estate's zone), counted now."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tickets.domain.stages import CLOSED
from tickets.tables import deadlines, tickets


def at_a_glance(session: Session, estate_id: UUID, now: datetime, zone: str) -> dict[str, Any]:
    local = now.astimezone(ZoneInfo(zone))
    today = datetime.combine(local.date(), time(), tzinfo=local.tzinfo)
    month = today.replace(day=1)
    t, d = tickets.c, deadlines.c
    by_stage = dict(session.execute(select(t.stage, func.count()).where(
        t.estate_id == estate_id, t.stage.not_in([s.value for s in CLOSED])).group_by(t.stage)).all())

    def counted(column: Any, since: datetime) -> int:
        return session.execute(select(func.count()).select_from(deadlines).where(
            d.estate_id == estate_id, column >= since, column <= now)).scalar_one()

    opened_today = session.execute(select(func.count()).select_from(tickets).where(
        t.estate_id == estate_id, t.created_at >= today)).scalar_one()
    return {"estate_id": estate_id, "at": now, "timezone": zone, "open_by_stage": by_stage,
            "open": sum(by_stage.values()), "opened_today": opened_today,
            "sla": {"warned_today": counted(d.warned_at, today), "breached_today": counted(d.breached_at, today),
                    "warned_this_month": counted(d.warned_at, month),
                    "breached_this_month": counted(d.breached_at, month)}}
