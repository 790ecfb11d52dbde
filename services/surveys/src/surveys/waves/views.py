"""The read side of waves: an estate's waves, one wave, its sample with the reasons, and the samples
of an estate's latest waves (what a new sample avoids)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from servicekit.auth import scoped
from servicekit.errors import NotFound
from servicekit.paging import page_of
from surveys.tables import buildings, units, wave_households, wave_schedules, waves


def earlier_samples(session, estate_id: UUID, lookback: int) -> list[set[UUID]]:  # noqa: ANN001
    """The unit ids of the estate's last ``lookback`` waves' samples, the latest first."""
    if lookback <= 0:
        return []
    latest = session.execute(select(waves.c.id).where(waves.c.estate_id == estate_id)
                             .order_by(waves.c.opens_on.desc(), waves.c.period.desc()).limit(lookback)).scalars().all()
    samples: dict[UUID, set[UUID]] = {wave: set() for wave in latest}
    for wave, unit in session.execute(select(wave_households.c.wave_id, wave_households.c.unit_id)
                                      .where(wave_households.c.wave_id.in_(latest))):
        samples[wave].add(unit)
    return [samples[wave] for wave in latest]


def estate_waves(session, principal, args: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """One page of the waves of the caller's estates (of one, if named), the latest first."""
    statement = select(waves).order_by(waves.c.opens_on.desc(), waves.c.id)
    if args.get("estate_id") is not None:
        statement = statement.where(waves.c.estate_id == args["estate_id"])
    return page_of(session, scoped(statement, waves.c.estate_id, principal), args)


def one(session, wave_id: UUID) -> dict[str, Any]:  # noqa: ANN001
    row = session.execute(select(waves).where(waves.c.id == wave_id)).mappings().first()
    if row is None:
        raise NotFound("no such wave", "没有此调查")
    return dict(row)


def sample(session, wave_id: UUID, args: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """One page of a wave's sample, by building and unit, each household with why it was picked."""
    statement = (select(wave_households, units.c.number, buildings.c.name.label("building_name"))
                 .join(units, units.c.id == wave_households.c.unit_id)
                 .join(buildings, buildings.c.id == wave_households.c.building_id)
                 .where(wave_households.c.wave_id == wave_id)
                 .order_by(buildings.c.code, units.c.number, units.c.id))
    if args.get("building_id") is not None:
        statement = statement.where(wave_households.c.building_id == args["building_id"])
    return page_of(session, statement, args)


def schedule(session) -> dict[str, Any]:  # noqa: ANN001
    """The operator's wave schedule, or an inactive one with the defaults when none was set."""
    row = session.execute(select(wave_schedules)).mappings().first()
    if row is not None:
        return dict(row)
    return {"active": False, "open_day": 1, "percent": 20, "lookback": 4, "reminder_days": [7, 21],
            "questionnaire_id": None, "set_by": None, "set_at": None, "version": 0}
