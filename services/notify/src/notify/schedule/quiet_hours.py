"""Quiet hours: no non-urgent SMS between an estate's quiet_start and quiet_end (local; the window
may wrap midnight, e.g. 21:00–08:00). A message due inside the window waits for its end."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from notify.domain.channels import SMS
from notify.estate_settings.views import settings_of
from notify.schedule.clock import instant, wall_time, zone
from servicekit.rows import Executes


def is_quiet(local: time, start: time, end: time) -> bool:
    if start == end:  # no window
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def next_allowed(at: datetime, tz: ZoneInfo, start: time, end: time) -> datetime:
    """The first instant at or after ``at`` (UTC) when a non-urgent SMS may go."""
    local = at.astimezone(tz)
    if not is_quiet(local.time().replace(tzinfo=None), start, end):
        return at
    day = local.date()
    if start > end and local.time().replace(tzinfo=None) >= start:
        day += timedelta(days=1)  # the window wraps: it ends tomorrow morning
    return max(at, instant(day, end, tz))


def first_attempt_at(session: Executes, estate_id: UUID, channel: str, urgent: bool, now: datetime) -> datetime:
    """When a new message may first be taken: now, or — a non-urgent SMS inside the estate's quiet
    hours — when they end. Urgent messages (emergencies, SLA breaches, login codes) always go."""
    if urgent or channel != SMS:
        return now
    local = settings_of(session, estate_id)
    return next_allowed(now, zone(local["timezone"]), wall_time(local["quiet_start"], "quiet_start"),
                        wall_time(local["quiet_end"], "quiet_end"))
