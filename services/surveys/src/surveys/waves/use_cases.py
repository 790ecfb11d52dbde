"""What callers can do with waves: open one for an estate and a period, which draws its sample from
surveys' copy of owners (surveys.domain.sampling) and stores it with each household's reason.

A wave whose ``opens_on`` is today (local time) or past invites its sample at once; one opening
later is ``scheduled`` and the timer invites the sample when its day begins (surveys.waves.timer).
Each reminder step (days after ``opens_on``) is a row the timer fires once; the timer closes the
wave when its closing day ends, and no answer is taken after that."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from servicekit.bulk import insert_rows
from servicekit.errors import Conflict, Invalid
from servicekit.idempotency import KeyedRequest, once
from servicekit.rows import now
from servicekit.unit_of_work import UnitOfWork
from surveys import events
from surveys.domain import periods
from surveys.domain.questionnaires import DEFAULT_VERSION_ID
from surveys.domain.sampling import sample
from surveys.households.views import occupied_households
from surveys.invitations.use_cases import invite_households
from surveys.tables import (
    estates,
    idempotency_keys,
    questionnaire_versions,
    questionnaires,
    wave_households,
    wave_reminders,
    wave_schedules,
    waves,
)
from surveys.waves.views import earlier_samples, one

MAX_SEED = 2**62


DEFAULT_REMINDER_DAYS = (7, 21)


def day_start(day: date, timezone: str) -> datetime:
    """The instant a local day begins."""
    return datetime.combine(day, time(0), ZoneInfo(timezone))


def open_wave(uow: UnitOfWork, key: KeyedRequest | None, opened_by: str, *, estate_id: UUID, period: str,
              percent: int, lookback: int, answer_url: str, timezone: str, questionnaire_id: UUID | None = None,
              opens_on: date | None = None, closes_on: date | None = None, seed: int | None = None,
              reminder_days: list[int] | tuple[int, ...] = DEFAULT_REMINDER_DAYS,
              at: datetime | None = None) -> dict[str, Any]:
    """Open the wave of ``estate_id`` for ``period`` (once per estate and period), draw its sample and
    invite each sampled household now, or (``opens_on`` ahead) when its day begins; the links are
    good until the end of the closing day, local time."""
    at = at or now()
    try:
        first, last = periods.bounds(period)
    except ValueError:
        raise Invalid("a period is a quarter written like 2026-Q4", "调查期应为季度，格式如 2026-Q4",
                      errors={"period": ["a quarter written like 2026-Q4"]}) from None
    today = at.astimezone(ZoneInfo(timezone)).date()
    opens_on, closes_on = opens_on or max(first, today), closes_on or last
    if closes_on <= opens_on:
        raise Invalid("a wave closes after it opens", "调查结束日期须晚于开始日期",
                      errors={"closes_on": ["after opens_on"]})

    def make() -> dict[str, Any]:
        if uow.execute(select(estates.c.id).where(estates.c.id == estate_id)).first() is None:
            raise Invalid("no such estate", "没有此小区", errors={"estate_id": ["no such estate"]})
        if uow.execute(select(waves.c.id).where(waves.c.estate_id == estate_id, waves.c.period == period)).first():
            raise Conflict(f"the estate has a wave of {period} already", f"该小区已有 {period} 的调查")
        version_id = _published_version(uow, estate_id, questionnaire_id)
        households = occupied_households(uow, estate_id, opens_on)
        if not households:
            raise Invalid("the estate has no occupied household in surveys' copy of owners: nobody to ask",
                          "该小区在调查服务中没有入住住户，无人可调查", errors={"estate_id": ["no occupied household"]})
        drawn = secrets.randbelow(MAX_SEED) if seed is None else seed
        picks = sample(households, earlier_samples(uow, estate_id, lookback), percent=percent, seed=drawn,
                       lookback=lookback)
        opens_at, closes_at = day_start(opens_on, timezone), day_start(closes_on + timedelta(days=1), timezone)
        invite_now = opens_at <= at
        wave = {"id": uuid.uuid4(), "estate_id": estate_id, "period": period, "questionnaire_id": questionnaire_id,
                "questionnaire_version_id": version_id, "percent": percent, "lookback": lookback, "seed": drawn,
                "households": len(households), "sampled": len(picks), "opens_on": opens_on, "closes_on": closes_on,
                "opens_at": opens_at, "closes_at": closes_at, "invited_at": at if invite_now else None,
                "closed_at": None, "reminder_days": sorted(set(reminder_days)),
                "state": "open" if invite_now else "scheduled", "opened_by": opened_by, "opened_at": at,
                "version": 1}
        uow.execute(waves.insert().values(wave))
        insert_rows(uow.session, wave_households, [
            {"wave_id": wave["id"], "unit_id": p.unit_id, "estate_id": estate_id, "building_id": p.building_id,
             "reason": p.reason, "waves_ago": p.waves_ago, "quota": p.quota, "building_households": p.households}
            for p in picks])
        steps = [{"id": uuid.uuid4(), "wave_id": wave["id"], "step": n, "due_at": due}
                 for n, due in enumerate((opens_at + timedelta(days=d) for d in wave["reminder_days"]), 1)
                 if at < due < closes_at]  # none for days already past, or after the wave closes
        if steps:
            uow.execute(insert(wave_reminders), steps)
        uow.record(events.WAVE_OPENED, wave["id"], events.wave_payload(wave))
        if invite_now:
            invite_households(uow, wave, [p.unit_id for p in picks], expires_at=closes_at, answer_url=answer_url)
        return wave

    wave, _ = once(uow, idempotency_keys, key, make=make, answer_of=lambda w: str(w["id"]),
                   earlier=lambda id_: one(uow, UUID(id_)))
    return wave


def _published_version(uow: UnitOfWork, estate_id: UUID, questionnaire_id: UUID | None) -> UUID:
    """The version a wave asks: the built-in default's, or the questionnaire's last published one (of
    the estate or the operator, for waves)."""
    if questionnaire_id is None:
        return DEFAULT_VERSION_ID
    found = uow.execute(select(questionnaires).where(questionnaires.c.id == questionnaire_id)).mappings().first()
    if found is None or found["estate_id"] not in (None, estate_id):
        raise Invalid("no such questionnaire for this estate", "该小区没有此问卷",
                      errors={"questionnaire_id": ["no such questionnaire for this estate"]})
    if found["purpose"] != "wave":
        raise Invalid("this questionnaire is not for waves", "此问卷不用于季度调查",
                      errors={"questionnaire_id": ["not a questionnaire for waves"]})
    version = uow.execute(select(questionnaire_versions.c.id)
                          .where(questionnaire_versions.c.questionnaire_id == questionnaire_id,
                                 questionnaire_versions.c.published_at.is_not(None))
                          .order_by(questionnaire_versions.c.number.desc()).limit(1)).scalar()
    if version is None:
        raise Invalid("the questionnaire has no published version yet", "该问卷尚未发布",
                      errors={"questionnaire_id": ["not published"]})
    return version


SCHEDULE_ID = uuid.UUID("6d1f0c2a-7e3b-4a59-9c8d-1b2a3c4d5e6f")  # the operator's one schedule


def set_schedule(uow: UnitOfWork, set_by: str, at: datetime, *, active: bool, open_day: int, percent: int,
                 lookback: int, reminder_days: list[int], questionnaire_id: UUID | None) -> dict[str, Any]:
    """Set the operator's schedule (its one row): from now on the timer opens each quarter's waves by it."""
    with uow:
        if questionnaire_id is not None:
            found = uow.execute(select(questionnaires).where(questionnaires.c.id == questionnaire_id)
                                ).mappings().first()
            if found is None or found["estate_id"] is not None or found["purpose"] != "wave":
                raise Invalid("no operator-wide questionnaire for waves of that id",
                              "没有此适用于所有小区的季度调查问卷",
                              errors={"questionnaire_id": ["no operator-wide questionnaire for waves"]})
        current = uow.execute(select(wave_schedules).where(wave_schedules.c.id == SCHEDULE_ID)
                              .with_for_update()).mappings().first()
        row = {"active": active, "open_day": open_day, "percent": percent, "lookback": lookback,
               "reminder_days": sorted(set(reminder_days)), "questionnaire_id": questionnaire_id, "set_by": set_by,
               "set_at": at, "version": 1 if current is None else current["version"] + 1}
        if current is None:
            uow.execute(insert(wave_schedules).values(id=SCHEDULE_ID, **row))
        else:
            uow.execute(wave_schedules.update().where(wave_schedules.c.id == SCHEDULE_ID).values(row))
        uow.commit()
        return row
