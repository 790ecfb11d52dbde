"""The statistics of a wave, added up by the database from the submitted scores (answer_scores) and the
invitations; a closed wave's never change again, so they are kept when it closes (wave_figures,
surveys.statistics.use_cases.keep) and read as one row. The statements are built once, with bound
parameters, not again on every request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import and_, bindparam, func, or_, select, true

from servicekit.errors import NotFound
from surveys.domain import statistics as figures
from surveys.domain.questionnaires import ELEMENT_CODES
from surveys.domain.statistics import Figures
from surveys.tables import answer_scores, answers, buildings, invitations, wave_figures, waves

TREND_WAVES = 4
s, w, k = answer_scores.c, waves.c, wave_figures.c


@dataclass(frozen=True)
class Counted:
    """What a wave's statistics are made of: who was invited and answered, the answers submitted by
    channel, and the scores' figures by building (None: an answer of no household) and element."""

    invited: int
    answered: int
    by_channel: dict[str, int]
    scores: dict[Any, dict[str, Figures]]


def _sums(*group: Any) -> Any:  # noqa: ANN401
    return (select(*group, func.count(), func.sum(s.score), func.sum(s.score * s.score))
            .where(s.element.is_not(None)).group_by(*group))


# One scan of a wave's scores, by building and element (the estate's figures are their sums); each
# building's name joined to the sums, not to every score.
_summed = _sums(s.building_id, s.element).where(s.wave_id == bindparam("wave_id")).subquery()
SCORES = (select(_summed.c.building_id, buildings.c.name, *list(_summed.c)[1:])
          .outerjoin_from(_summed, buildings, and_(buildings.c.id == _summed.c.building_id,
                                                   buildings.c.estate_id == bindparam("estate_id"))))
TREND_SCORES = _sums(s.wave_id, s.element).where(s.wave_id.in_(bindparam("wave_ids", expanding=True)))
_invited = select(func.count().label("invited"), func.count().filter(invitations.c.state == "answered")
                  .label("answered")).where(invitations.c.wave_id == bindparam("wave_id")).subquery()
_submitted = (select(answers.c.channel, func.count().label("submitted"))
              .where(answers.c.wave_id == bindparam("wave_id"), answers.c.state == "submitted")
              .group_by(answers.c.channel).subquery())
# The invitations' counts (one row) beside each channel's answers: one round trip.
COUNTS = select(*_invited.c, *_submitted.c).select_from(_invited.outerjoin(_submitted, true()))
KEPT = (k.invited.label("kept_invited"), k.answered.label("kept_answered"), k.by_channel.label("kept_by_channel"),
        k.scores.label("kept_scores"))


def _with_earlier(this: Any) -> Any:  # noqa: ANN401
    """The wave of ``this`` (a subquery of one wave's id, estate and opening day) first, then the
    estate's TREND_WAVES waves before it, the latest first; each with its kept figures, if kept."""
    return (select(waves, *KEPT).outerjoin_from(waves, wave_figures, k.wave_id == w.id)
            .join(this, and_(w.estate_id == this.c.estate_id, or_(w.id == this.c.id, w.opens_on < this.c.opens_on)))
            .order_by(w.opens_on.desc(), w.id).limit(1 + TREND_WAVES))


ONE = _with_earlier(select(w.id, w.estate_id, w.opens_on).where(w.id == bindparam("wave_id")).subquery())
LATEST = _with_earlier(select(w.id, w.estate_id, w.opens_on).where(w.estate_id == bindparam("estate_id"))
                       .order_by(w.opens_on.desc(), w.id).limit(1).subquery())
NAMES = select(buildings.c.id, buildings.c.name).where(buildings.c.estate_id == bindparam("estate_id"))


def _figures(row: Any) -> Figures:
    return Figures(int(row[-3]), int(row[-2] or 0), int(row[-1] or 0))


def _counted_now(session, wave_id: UUID, estate_id: UUID | None) -> tuple[Counted, dict[Any, str]]:  # noqa: ANN001
    """A wave's figures as its invitations, answers and scores add up now, and the names of its buildings
    of ``estate_id`` (the wave's; None: no names)."""
    rows = session.execute(COUNTS, {"wave_id": wave_id}).all()
    scores: dict[Any, dict[str, Figures]] = {}
    names: dict[Any, str] = {}
    for row in session.execute(SCORES, {"wave_id": wave_id, "estate_id": estate_id}):
        scores.setdefault(row[0], {})[row[2]] = _figures(row)
        if row[1] is not None:
            names[row[0]] = row[1]
    return Counted(rows[0].invited, rows[0].answered,
                   {r.channel: r.submitted for r in rows if r.channel is not None}, scores), names


def counted(session, wave_id: UUID) -> Counted:  # noqa: ANN001
    """A wave's figures as its invitations, answers and scores add up now."""
    return _counted_now(session, wave_id, None)[0]


def _wave_of(row: Any) -> tuple[dict[str, Any], Counted | None]:  # noqa: ANN401
    """A row of ONE or LATEST: the wave, and its kept figures (None: not kept)."""
    wave = {column.key: row[column.key] for column in waves.c}
    if row["kept_scores"] is None:
        return wave, None
    return wave, Counted(row["kept_invited"], row["kept_answered"], dict(row["kept_by_channel"]),
                         figures.from_rows(row["kept_scores"]))


def latest_statistics(session, estate_id: UUID) -> dict[str, Any]:  # noqa: ANN001
    """An estate's latest wave (as the list of its waves orders them) with its statistics; both null
    before its first wave."""
    rows = session.execute(LATEST, {"estate_id": estate_id}).mappings().all()
    if not rows:
        return {"wave": None, "statistics": None}
    wave, kept = _wave_of(rows[0])
    return {"wave": wave, "statistics": statistics_of(session, wave, kept, rows[1:])}


def wave_statistics(session, wave_id: UUID) -> dict[str, Any]:  # noqa: ANN001
    """A wave's response rate; each element's count, mean and spread in the estate and per building;
    the weakest elements; the buildings most below the estate's mean; each element's mean in the
    estate's earlier waves (the trend, the latest first)."""
    rows = session.execute(ONE, {"wave_id": wave_id}).mappings().all()
    if not rows:
        raise NotFound("no such wave", "没有此调查")
    return statistics_of(session, *_wave_of(rows[0]), rows[1:])


def statistics_of(session, wave: dict[str, Any], kept: Counted | None,  # noqa: ANN001
                  earlier: list[Any]) -> dict[str, Any]:  # noqa: ANN401
    """The statistics of the wave (its row): from its kept figures if it has them, else added up now;
    the trend of the ``earlier`` waves (rows of ONE or LATEST after the first)."""
    wave_id = wave["id"]
    if kept is None:
        found, names = _counted_now(session, wave_id, wave["estate_id"])
    else:
        found, names = kept, dict(session.execute(NAMES, {"estate_id": wave["estate_id"]}).all())
    per_building = found.scores
    by_element = figures.by_element(per_building)
    estate = figures.summed(by_element.values())
    # An answer of no household (the suggestion box) counts in the estate, in no building.
    building_totals = {b: figures.summed(e.values()) for b, e in per_building.items() if b is not None}
    trend = {w["id"]: figures.by_element(figures.from_rows(w["kept_scores"]))
             for w in earlier if w["kept_scores"] is not None}
    unkept = [w["id"] for w in earlier if w["kept_scores"] is None]
    if unkept:
        for row in session.execute(TREND_SCORES, {"wave_ids": unkept}):
            trend.setdefault(row[0], {})[row[1]] = _figures(row)
    elements = [*ELEMENT_CODES, *sorted(set(by_element) - set(ELEMENT_CODES))]
    def shown(by: dict[str, Figures]) -> list[dict[str, Any]]:
        return [{"element": e, **f.shown()} for e, f in figures.in_order(elements, by)]

    return {
        "wave_id": wave_id, "estate_id": wave["estate_id"], "period": wave["period"], "invited": found.invited,
        "answered": found.answered, "response_rate": figures.rate(found.answered, found.invited),
        "answers_by_channel": found.by_channel, "overall": estate.shown(),
        "elements": shown(by_element),
        "buildings": [{"building_id": b, "building_name": names.get(b), **building_totals[b].shown(),
                       "elements": shown(per_building[b])}
                      for b in sorted(building_totals, key=lambda b: str(names.get(b) or b))],
        "weakest": figures.weakest(by_element),
        "below_estate_mean": [{"building_id": b, "building_name": names.get(b), "below_by": gap}
                              for b, gap in figures.below_mean(estate, building_totals)],
        "trend": [{"wave_id": w["id"], "period": w["period"], "elements": shown(trend.get(w["id"], {}))}
                  for w in earlier],
    }
