"""surveys' demo, for the demo estate (阳光花园, code ``DEMO``) of surveys' copy of owners.

``surveys load-demo`` (run by ``make run`` once the consumer has copied the demo estate) makes:

* the estate's own copy of the built-in nine-element questionnaire, published;
* the two quarters before this one as past waves, each answered by about three in five of its
  sample (on paper or by phone, entered by the demo's desk), with the estate's weak spots showing
  (fees and efficiency lower, the buildings differing, the later quarter a little better: a trend);
* this quarter's wave, running, answered by about one in four so far;
* the follow-up visits the low scores and complaints opened; the past ones visited, with their
  rectification actions verified, and one visit of this quarter visited with an action still open;
* last quarter's bulletin, published with its author;
* this quarter's owners' forum, held already: households invited in turn, who came, and two
  suggestions tracked as actions (one verified, one open).

Each wave is made whole in one transaction (DemoRun.together): opened, answered and followed up, so
surveys' timer running beside the loader never closes a past wave before its answers are in.
Everything is made through the use cases as the demo's desk (:data:`servicekit.demo.DEMO_DESK`),
inside the demo's history (servicekit.demo): notify sends none of it, and what the timer does later
to the demo's waves and actions (reminders, closings, an action falling overdue) is history too. It
loads once: a second run finds the questionnaire and makes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.demo import DEMO_DESK, Demo, DemoRun
from servicekit.unit_of_work import UnitOfWork
from surveys.actions.use_cases import move, open_action, open_suggestion
from surveys.answers.use_cases import enter
from surveys.bulletins import use_cases as bulletins
from surveys.domain import periods
from surveys.domain.questionnaires import DEFAULT_ID, ELEMENT_CODES
from surveys.follow_ups.use_cases import flag, record_visit
from surveys.forums import use_cases as forums
from surveys.forums import views as forum_views
from surveys.questionnaires import use_cases
from surveys.tables import answers, estates, follow_ups, questionnaires, staff, wave_households
from surveys.waves.use_cases import open_wave

Units = Callable[[], UnitOfWork]  # units of work joined to one transaction (DemoRun.together)
CODE = "DEMO"
CREATED_BY = "demo-manager"
SEED = 20261206
# The estate's habits: each element's usual score (fees and efficiency are its weak spots).
USUAL = {"attitude": 4.3, "equipment": 3.9, "skills": 4.1, "services": 3.8, "flexibility": 3.9,
         "procedures": 4.0, "fees": 3.2, "rules": 4.0, "efficiency": 3.4}
COMMENTS = ("电梯经常停运，希望尽快修好", "楼道灯坏了一周没人管", "车库漏水一直没处理", "物业费偏高，服务跟不上",
            "前台很热情，谢谢", "保安巡逻很认真")
OWNER_SAID = ("业主反映车库顶棚渗水，雨天更严重，希望月底前修好", "业主认为电梯维保不及时，要求公示维保记录",
              "业主对收费明细不清楚，希望在公告栏公示")
ACTIONS = ("修复车库顶棚渗水并做防水", "公示电梯维保记录，每周检查一次", "在公告栏和业主群公示物业费收支明细")
BULLETIN_AUTHOR = "阳光花园客服中心"
BULLETIN_SUMMARY = ("感谢各位业主参与上季度满意度调查。收费合理和服务效率得分仍偏低，"
                    "我们已公示物业费收支明细，并将报修响应时限缩短至30分钟。")
FORUM_TITLE = "本季度业户座谈会"
FORUM_PLACE = "会所二楼多功能厅"
SUGGESTIONS = ("增加夜间保安巡逻频次", "儿童游乐区增设遮阳棚")


def _estate(run: DemoRun):  # noqa: ANN202  (the demo estate's id)
    with run.sessions() as session:
        return run.from_copy(session, select(estates.c.id).where(estates.c.code == CODE), what="demo estate")


def loaded(run: DemoRun) -> str | None:
    estate_id = _estate(run)
    with run.sessions() as session:
        found = session.execute(select(questionnaires.c.id).where(
            questionnaires.c.estate_id == estate_id, questionnaires.c.copied_from == DEFAULT_ID)).first()
    return None if found is None else f"surveys' demo of {CODE} is there already"


def _quarter(day: date, back: int) -> str:
    index = day.year * 4 + (day.month - 1) // 3 - back
    return f"{index // 4}-Q{index % 4 + 1}"


def _score(rng: random.Random, usual: float, lift: float) -> int:
    return max(1, min(5, round(rng.gauss(usual + lift, 0.8))))


def _answers(session: Session, uow: Units, wave: dict[str, Any], share: float, lift: float, rng: random.Random,
             at: datetime) -> int:
    """Answers for ``share`` of the wave's sample, entered by the demo's desk at ``at``."""
    sampled = list(session.execute(select(wave_households.c.unit_id, wave_households.c.building_id)
                                   .where(wave_households.c.wave_id == wave["id"])
                                   .order_by(wave_households.c.unit_id)).all())
    buildings = sorted({b for _u, b in sampled})
    entered = 0
    for unit_id, building_id in sampled:
        if rng.random() >= share:
            continue
        slant = (buildings.index(building_id) % 3 - 1) * 0.25  # some buildings happier than others
        items: dict[str, Any] = {code: {"score": _score(rng, USUAL[code], lift + slant)} for code in ELEMENT_CODES}
        items["overall"] = {"score": _score(rng, 3.9, lift + slant)}
        if rng.random() < 0.12:
            code = rng.choice(ELEMENT_CODES)
            items[code]["comment"] = rng.choice(COMMENTS)
        enter(uow(), DEMO_DESK, at, wave_id=wave["id"], channel=rng.choice(("paper", "phone")),
              items=items, unit_id=unit_id)
        entered += 1
    return entered


def _responsible(session: Session, estate_id: Any) -> Any:  # noqa: ANN401
    return session.execute(select(staff.c.id).where(staff.c.estate_id == estate_id, staff.c.active.is_(True))
                           .order_by(staff.c.role != "supervisor", staff.c.name)).scalar()


def _follow_through(session: Session, uow: Units, wave: dict[str, Any], at: datetime, timezone: str, *,
                    verify: bool, rng: random.Random) -> tuple[int, int]:
    """Visit a few of the wave's follow-ups and open an action each: verified (a past wave) or open."""
    responsible = _responsible(session, wave["estate_id"])
    opened = list(session.execute(select(follow_ups.c.id).where(follow_ups.c.wave_id == wave["id"])
                                  .order_by(follow_ups.c.opened_at, follow_ups.c.id).limit(3)).scalars())
    if responsible is None:
        return 0, 0
    if not opened and not verify:  # no answer of this quarter asked for a visit yet: the desk flags the latest
        latest = session.execute(select(answers.c.id).where(answers.c.wave_id == wave["id"])
                                 .order_by(answers.c.submitted_at.desc(), answers.c.id).limit(1)).scalar()
        if latest is not None:
            note = "电话回访时业主口头反映门禁常坏"
            opened = [flag(uow(), DEMO_DESK, at, answer_id=latest, note=note)["id"]]
    actions = 0
    for n, follow_up_id in enumerate(opened if verify else opened[:1]):
        record_visit(uow(), follow_up_id, DEMO_DESK, at, owner_said=OWNER_SAID[n % 3])
        local = at.astimezone(ZoneInfo(timezone)).date()
        action = open_action(uow(), DEMO_DESK, at, timezone, follow_up_id=follow_up_id,
                             description=ACTIONS[n % 3], responsible_id=responsible,
                             due_on=local + timedelta(days=rng.choice((10, 14, 21))))
        actions += 1
        if verify:
            move(uow(), action["id"], "done", DEMO_DESK, at + timedelta(days=7), timezone)
            move(uow(), action["id"], "verified", CREATED_BY, at + timedelta(days=9), timezone,
                 note="回访业主确认已整改")
    return len(opened), actions


def load(run: DemoRun) -> str:
    estate_id = _estate(run)
    made = use_cases.copy(run.unit_of_work(), None, None, CREATED_BY, estate_id=estate_id,
                          name_zh="阳光花园业户满意度调查", name_en="Sunshine Garden owners' satisfaction survey")
    use_cases.publish(run.unit_of_work(), made["id"], CREATED_BY)
    settings, rng = run.settings, random.Random(SEED)
    zone = ZoneInfo(settings.timezone)
    today = run.at.astimezone(zone).date()
    lines = [f"loaded surveys' demo of {CODE}: questionnaire {made['id']}"]
    for back, share, lift in ((2, 0.6, -0.1), (1, 0.62, 0.1), (0, 0.25, 0.15)):
        period = _quarter(today, back)
        first, last = periods.bounds(period)
        opens_on = first + timedelta(days=7) if back else min(first + timedelta(days=7), today)
        opened_at = datetime.combine(opens_on, time(9), zone).astimezone(UTC)
        if back == 0:
            opened_at = min(opened_at, run.at)
        # The wave, its answers and its follow-through in one transaction: surveys' timer, running
        # beside the loader, would otherwise close a past quarter's wave (its closing day long gone)
        # between its opening and its answers, which a closed wave refuses.
        with run.together() as (session, uow):
            wave = open_wave(uow(), None, DEMO_DESK, estate_id=estate_id, period=period,
                             percent=settings.sample_percent, lookback=settings.lookback_waves,
                             answer_url=settings.answer_url, timezone=settings.timezone, questionnaire_id=made["id"],
                             opens_on=opens_on, closes_on=last, seed=SEED + back, at=opened_at)
            answered_at = opened_at + (timedelta(days=20) if back else (run.at - opened_at) / 2)
            answered = _answers(session, uow, wave, share, lift, rng, answered_at)
            visits_at = answered_at + timedelta(days=3) if back else run.at
            visited, actions = _follow_through(session, uow, wave, visits_at, settings.timezone, verify=bool(back),
                                               rng=rng)
            if back == 1:  # last quarter's results, published a week after it closed
                published_at = min(datetime.combine(last + timedelta(days=7), time(10), zone).astimezone(UTC), run.at)
                bulletins.publish(uow(), wave["id"], CREATED_BY, published_at, author=BULLETIN_AUTHOR,
                                  summary=BULLETIN_SUMMARY)
        state = "closed at its end" if back else "running"
        lines.append(f"  wave {period} ({state}): {wave['sampled']} asked, {answered} answered; "
                     f"{visited} follow-ups visited, {actions} rectification actions"
                     f"{' verified' if back else ' open'}{'; its bulletin published' if back == 1 else ''}")
    lines.append(_forum(run, estate_id, today))
    return "\n".join(lines)


def _forum(run: DemoRun, estate_id: Any, today: date) -> str:  # noqa: ANN401
    """This quarter's owners' forum, held already: twelve households invited in turn ten days ahead,
    eight came, two suggestions raised (one done and verified, one still open)."""
    timezone, zone = run.settings.timezone, ZoneInfo(run.settings.timezone)
    first, _last = periods.bounds(_quarter(today, 0))
    held_on = min(first + timedelta(days=20), today)
    invited_at = min(datetime.combine(held_on - timedelta(days=10), time(9), zone).astimezone(UTC), run.at)
    raised_at = min(datetime.combine(held_on, time(16), zone).astimezone(UTC), run.at)
    with run.together() as (session, uow):
        forum = forums.hold(uow(), DEMO_DESK, invited_at, estate_id=estate_id, title=FORUM_TITLE, held_on=held_on,
                            invite=12, place=FORUM_PLACE)
        invited = [i["unit_id"] for i in forum_views.one(session, forum["id"])["invitees"]]
        forums.attended(uow(), forum["id"], unit_ids=invited[:8])
        responsible = _responsible(session, estate_id)
        raised = 0
        for n, description in enumerate(SUGGESTIONS if responsible is not None else ()):
            action = open_suggestion(uow(), DEMO_DESK, raised_at, timezone, forum_id=forum["id"],
                                     description=description, responsible_id=responsible,
                                     due_on=held_on + timedelta(days=30 + 15 * n))
            raised += 1
            if n == 0:
                move(uow(), action["id"], "done", DEMO_DESK, raised_at, timezone)
                move(uow(), action["id"], "verified", CREATED_BY, raised_at, timezone, note="座谈会代表确认已落实")
    return (f"  owners' forum {held_on} ({FORUM_TITLE}): {len(invited)} households invited, 8 came, "
            f"{raised} suggestions tracked as actions")


DEMO = Demo(loaded=loaded, load=load)
