"""When a new message may first be taken by a sender: now, or — a non-urgent SMS during the
estate's quiet hours — when they end (local time from ``estate_settings``; defaults Asia/Shanghai,
21:00–08:00). Urgent messages (SLA breaches, escalations, one-time codes) ignore quiet hours.

Temporary: the notices branch owns the quiet-hours rule for notices; once merged, one function
serves both (same behaviour).
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.domain.channels import SMS
from notify.tables import estate_settings

DEFAULT_TIMEZONE, DEFAULT_QUIET = "Asia/Shanghai", ("21:00", "08:00")


def estate_timezone(session: Session, estate_id: uuid.UUID) -> tuple[str, str, str]:
    """The estate's time zone and quiet hours (start, end), or the defaults."""
    s = estate_settings.c
    row = session.execute(select(s.timezone, s.quiet_start, s.quiet_end).where(s.estate_id == estate_id)).first()
    return (row.timezone, row.quiet_start, row.quiet_end) if row else (DEFAULT_TIMEZONE, *DEFAULT_QUIET)


def _hm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def quiet_until(moment: datetime, timezone: str, start: str, end: str) -> datetime | None:
    """The end of the quiet hours ``moment`` lies in (UTC), or None when it lies outside them."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    begin, finish = _hm(start), _hm(end)
    clock = local.time()
    if begin == finish:
        return None
    inside = (begin <= clock < finish) if begin < finish else (clock >= begin or clock < finish)
    if not inside:
        return None
    day = local.date() if clock < finish else local.date() + timedelta(days=1)
    return datetime.combine(day, finish, tzinfo=zone).astimezone(moment.tzinfo)


def first_attempt_at(session: Session, estate_id: uuid.UUID, channel: str, urgent: bool, now: datetime) -> datetime:
    if urgent or channel != SMS:
        return now
    timezone, start, end = estate_timezone(session, estate_id)
    return quiet_until(now, timezone, start, end) or now
