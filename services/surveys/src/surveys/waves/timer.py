"""The waves' part of surveys' timer (``surveys timer``, surveys.timer): waves run by themselves.

* **Opening on its day**: a ``scheduled`` wave invites its sample when its ``opens_on`` begins
  (local time), not when it was made.
* **Reminders**: each reminder step of a wave (days after ``opens_on``) reminds those not answered
  yet, once per step; a step that falls due after the wave closed reminds nobody.
* **Closing**: a wave closes when its ``closes_on`` ends; no answer is taken after that (409), so its
  figures are kept as it closes (surveys.statistics.use_cases.keep).
* **The schedule** (``wave_schedules``): on the ``open_day``-th day of every quarter, a wave of the
  quarter for every estate of the copy that has none yet.

Waves, their reminder steps and closings are deadline rows swept by :mod:`servicekit.sweeps`:
each fired exactly once however many timers sweep. A scheduled opening is made by the waves use
case, whose one wave per estate and period (a unique key) makes it once across replicas too: a
replica that loses the race is told the wave exists, and moves on. A demo wave (made by the
demo's desk) opens, reminds and closes as the demo's history: it messages nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from servicekit.demo import DEMO_DESK, history
from servicekit.errors import Conflict, Invalid
from servicekit.sweeps import RowDeadline
from servicekit.unit_of_work import UnitOfWork
from surveys import events
from surveys.domain import periods
from surveys.invitations.use_cases import invite_households, remind_unanswered
from surveys.statistics.use_cases import keep
from surveys.tables import estates, wave_households, wave_reminders, wave_schedules, waves
from surveys.waves.use_cases import open_wave

log = logging.getLogger(__name__)
SCHEDULE = "schedule"
w, r = waves.c, wave_reminders.c


def _as_history(uow: UnitOfWork, wave: Mapping[str, Any], record: Callable[[], None]) -> None:
    if wave["opened_by"] != DEMO_DESK:
        record()
        return
    uow.flush_events()
    with history("surveys"):
        record()
        uow.flush_events()


class WaveTimer:
    """The deadlines of waves, with the settings their firing needs (the link's address)."""

    def __init__(self, settings: Any) -> None:  # noqa: ANN401
        self.settings = settings
        self.opening = RowDeadline(waves, w.opens_at, w.invited_at, (w.state == "scheduled",), self._open)
        self.reminding = RowDeadline(wave_reminders, r.due_at, r.sent_at, (), self._remind)
        self.closing = RowDeadline(waves, w.closes_at, w.closed_at, (w.state.in_(("open", "scheduled")),), self._close)

    def _open(self, uow: UnitOfWork, row: Mapping[str, Any], now: datetime) -> None:
        wave = {**row, "state": "open", "version": row["version"] + 1}
        uow.execute(update(waves).where(w.id == row["id"]).values(state="open", version=wave["version"]))
        units = list(uow.execute(select(wave_households.c.unit_id).where(wave_households.c.wave_id == row["id"])
                                 ).scalars())

        def record() -> None:
            uow.record(events.WAVE_OPENED, wave["id"], events.wave_payload(wave))
            invite_households(uow, wave, units, expires_at=wave["closes_at"], answer_url=self.settings.answer_url)

        _as_history(uow, wave, record)

    def _remind(self, uow: UnitOfWork, row: Mapping[str, Any], now: datetime) -> None:
        wave = uow.execute(select(waves).where(w.id == row["wave_id"]).with_for_update()).mappings().one()
        if wave["state"] != "open" or now >= wave["closes_at"]:
            uow.execute(update(wave_reminders).where(r.id == row["id"]).values(reminded=0))
            return
        counted: list[int] = []
        _as_history(uow, wave, lambda: counted.append(remind_unanswered(uow, dict(wave), self.settings.answer_url)))
        uow.execute(update(wave_reminders).where(r.id == row["id"]).values(reminded=counted[0]))

    def _close(self, uow: UnitOfWork, row: Mapping[str, Any], now: datetime) -> None:
        wave = {**row, "state": "closed", "version": row["version"] + 1, "closed_at": now}
        uow.execute(update(waves).where(w.id == row["id"]).values(state="closed", version=wave["version"]))
        keep(uow, row["id"], now)  # its statistics never change again: read from one row from now on
        _as_history(uow, wave, lambda: uow.record(events.WAVE_CLOSED, wave["id"], events.wave_payload(wave)))

    def sweep(self, uow_factory: Callable[[], UnitOfWork], now: datetime, batch: int) -> dict[str, int]:
        opened = open_scheduled(uow_factory, now, self.settings)
        return {"waves_scheduled": opened, "waves_opened": self.opening.sweep(uow_factory, now, batch),
                "wave_reminders": self.reminding.sweep(uow_factory, now, batch),
                "waves_closed": self.closing.sweep(uow_factory, now, batch)}

    def next_due(self, conn: Any) -> list[datetime]:  # noqa: ANN401
        return [t for t in (self.opening.next_due(conn), self.reminding.next_due(conn), self.closing.next_due(conn))
                if t is not None]


def quarter_opening(day: date, open_day: int) -> tuple[str, date]:
    """The quarter ``day`` falls in and the day its scheduled waves open (its ``open_day``-th day)."""
    period = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    first, _last = periods.bounds(period)
    return period, first + timedelta(days=open_day - 1)


def open_scheduled(uow_factory: Callable[[], UnitOfWork], now: datetime, settings: Any) -> int:  # noqa: ANN401
    """Open the current quarter's wave of every estate that has none, if the operator's schedule is
    active and its day has come; how many this call opened."""
    with uow_factory() as uow:
        schedule = uow.execute(select(wave_schedules)).mappings().first()
        if schedule is None or not schedule["active"]:
            return 0
        today = now.astimezone(ZoneInfo(settings.timezone)).date()
        period, opens_on = quarter_opening(today, schedule["open_day"])
        if today < opens_on:
            return 0
        has_wave = select(func.count()).select_from(waves).where(w.estate_id == estates.c.id, w.period == period)
        missing = list(uow.execute(select(estates.c.id).where(has_wave.scalar_subquery() == 0)
                                   .order_by(estates.c.id)).scalars())
    opened = 0
    for estate_id in missing:
        try:
            open_wave(uow_factory(), None, SCHEDULE, estate_id=estate_id, period=period, percent=schedule["percent"],
                      lookback=schedule["lookback"], answer_url=settings.answer_url, timezone=settings.timezone,
                      questionnaire_id=schedule["questionnaire_id"], opens_on=opens_on,
                      reminder_days=schedule["reminder_days"], at=now)
            opened += 1
        except Conflict:
            continue  # another timer opened it first: once
        except Invalid as refused:  # no occupied household yet, a questionnaire gone: said, not silent
            log.warning("the schedule could not open an estate's wave", extra={
                "estate_id": str(estate_id), "period": period, "reason": refused.message.en})
    return opened
