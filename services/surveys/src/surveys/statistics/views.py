"""The statistics of a wave, added up by the database from the submitted scores (answer_scores)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func, select

from surveys.domain import statistics as figures
from surveys.domain.questionnaires import ELEMENT_CODES
from surveys.domain.statistics import Figures
from surveys.tables import answer_scores, answers, buildings, invitations, waves
from surveys.waves.views import one

TREND_WAVES = 4


def _sums(session, wave_ids: list[UUID], *group: Any) -> list[Any]:  # noqa: ANN001
    statement = (select(*group, func.count(), func.sum(answer_scores.c.score),
                        func.sum(answer_scores.c.score * answer_scores.c.score))
                 .where(answer_scores.c.wave_id.in_(wave_ids), answer_scores.c.element.is_not(None))
                 .group_by(*group))
    return session.execute(statement).all()


def _figures(row: Any) -> Figures:
    return Figures(int(row[-3]), int(row[-2] or 0), int(row[-1] or 0))


def latest_statistics(session, estate_id: UUID) -> dict[str, Any]:  # noqa: ANN001
    """An estate's latest wave (as the list of its waves orders them) with its statistics; both null
    before its first wave."""
    row = session.execute(select(waves).where(waves.c.estate_id == estate_id)
                          .order_by(waves.c.opens_on.desc(), waves.c.id).limit(1)).mappings().first()
    if row is None:
        return {"wave": None, "statistics": None}
    wave = dict(row)
    return {"wave": wave, "statistics": statistics_of(session, wave)}


def wave_statistics(session, wave_id: UUID) -> dict[str, Any]:  # noqa: ANN001
    """A wave's response rate; each element's count, mean and spread in the estate and per building;
    the weakest elements; the buildings most below the estate's mean; each element's mean in the
    estate's earlier waves (the trend, the latest first)."""
    return statistics_of(session, one(session, wave_id))


def statistics_of(session, wave: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """The statistics of the wave (its row)."""
    wave_id = wave["id"]
    invited, answered = session.execute(select(
        func.count(), func.count().filter(invitations.c.state == "answered"))
        .where(invitations.c.wave_id == wave_id)).one()
    submitted = session.execute(select(answers.c.channel, func.count()).where(
        answers.c.wave_id == wave_id, answers.c.state == "submitted").group_by(answers.c.channel)).all()
    # One scan of the wave's scores, by building and element; the estate's figures are their sums.
    per_building: dict[Any, dict[str, Figures]] = {}
    for row in _sums(session, [wave_id], answer_scores.c.building_id, answer_scores.c.element):
        per_building.setdefault(row[0], {})[row[1]] = _figures(row)
    by_element: dict[str, Figures] = {}
    for elements_of in per_building.values():
        for element, found in elements_of.items():
            by_element[element] = by_element.get(element, figures.NONE) + found
    names = dict(session.execute(select(buildings.c.id, buildings.c.name)
                                 .where(buildings.c.estate_id == wave["estate_id"])).all())
    estate = figures.summed(by_element.values())
    # An answer of no household (the suggestion box) counts in the estate, in no building.
    building_totals = {b: figures.summed(e.values()) for b, e in per_building.items() if b is not None}
    earlier = session.execute(select(waves.c.id, waves.c.period).where(
        waves.c.estate_id == wave["estate_id"], waves.c.opens_on < wave["opens_on"])
        .order_by(waves.c.opens_on.desc()).limit(TREND_WAVES)).all()
    trend: dict[UUID, dict[str, Figures]] = {}
    for row in _sums(session, [w.id for w in earlier], answer_scores.c.wave_id, answer_scores.c.element):
        trend.setdefault(row[0], {})[row[1]] = _figures(row)
    elements = [*ELEMENT_CODES, *sorted(set(by_element) - set(ELEMENT_CODES))]
    def shown(by: dict[str, Figures]) -> list[dict[str, Any]]:
        return [{"element": e, **f.shown()} for e, f in figures.in_order(elements, by)]

    return {
        "wave_id": wave_id, "estate_id": wave["estate_id"], "period": wave["period"], "invited": invited,
        "answered": answered, "response_rate": figures.rate(answered, invited),
        "answers_by_channel": dict(submitted), "overall": estate.shown(),
        "elements": shown(by_element),
        "buildings": [{"building_id": b, "building_name": names.get(b), **building_totals[b].shown(),
                       "elements": shown(per_building[b])}
                      for b in sorted(building_totals, key=lambda b: str(names.get(b) or b))],
        "weakest": figures.weakest(by_element),
        "below_estate_mean": [{"building_id": b, "building_name": names.get(b), "below_by": gap}
                              for b, gap in figures.below_mean(estate, building_totals)],
        "trend": [{"wave_id": w.id, "period": w.period, "elements": shown(trend.get(w.id, {}))} for w in earlier],
    }
