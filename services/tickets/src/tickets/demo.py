"""The demo tickets: a few hundred tickets of the demo estate (阳光花园, code ``DEMO``) across every
stage of the procedure, so that lists, stage reports and the monthly reports have something to show.

``tickets load-demo`` (run by ``make run`` after owners' demo reached the copy) makes them through
the use cases, exactly as the desk would, over the last 90 days; a seeded generator chooses who
called about what and how far each ticket got, so every run tells the same story. It loads once:
a second run finds the demo tickets and makes nothing. The copy of owners' data is filled by the
tickets consumer from owners' events; when it holds no demo estate yet, the command says so and
fails (servicekit.demo is the command's frame).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from servicekit.demo import DEMO_DESK, Demo, DemoRun, NotReady
from servicekit.errors import Conflict, DomainError
from tickets.callbacks import use_cases as callbacks
from tickets.calls import use_cases as calls
from tickets.desk_demo import load_desk_demo
from tickets.diary import use_cases as diary
from tickets.reports import monthly
from tickets.reports import use_cases as reports
from tickets.shifts import use_cases as shifts
from tickets.sla.timer import sweep
from tickets.tables import callbacks as callbacks_table
from tickets.tables import categories, estates, occupancies, people, staff, tickets, units
from tickets.tickets.timeline import Actor
from tickets.tickets.use_cases import entry, procedure

CODE = "DEMO"
SEED = 20261201
COUNT = 300
DESK = Actor(DEMO_DESK, "service_desk_agent")

# The operator's categories every estate starts with: (kind, code, zh-CN, en, skill).
CATEGORIES = (
    ("repair", "plumbing", "水管漏水", "Plumbing", "plumbing"),
    ("repair", "electrical", "电路故障", "Electrical", "electrical"),
    ("repair", "gas", "燃气", "Gas", "gas"),
    ("repair", "hvac", "空调暖通", "Heating and air conditioning", "hvac"),
    ("repair", "access_control", "门禁对讲", "Access control", "access_control"),
    ("inquiry", "fees", "物业费", "Fees", None),
    ("inquiry", "parking", "停车", "Parking", None),
    ("inquiry", "renovation", "装修", "Renovation", None),
)
COMPLAINTS = (  # (class, aspect, title)
    ("facilities", None, "电梯经常停运"), ("facilities", None, "地下车库积水"),
    ("management", "attitude", "门岗保安态度差"), ("management", "timeliness", "报修三天无人上门"),
    ("management", "environment", "楼道垃圾未清理"), ("management", "safety", "消防通道被占用"),
    ("fees", None, "物业费计算有误"), ("emergency", None, "电梯困人"), ("emergency", None, "楼上漏水淹了天花板"),
)
TITLES = {"plumbing": "厨房水管漏水", "electrical": "卧室插座没电", "gas": "燃气灶打不着火", "hvac": "中央空调不制冷",
          "access_control": "单元门禁刷卡失灵", "fees": "物业费怎么交", "parking": "临时车位怎么办理",
          "renovation": "装修需要办什么手续"}
# How far tickets got, by weight: the last step each takes along its kind's path.
PATH = ("acknowledge", "dispatch", "arrive", "resolve", "inform_owner", "evaluate", "archive")
DEPTH_WEIGHTS = (1, 2, 2, 3, 3, 3, 4, 12)  # 0 = just received ... 7 = archived
# Seconds from one step to the next, (at least, below): a desk that mostly keeps its targets (a
# complaint acknowledged within a minute, a handler on site within three) and sometimes does not.
DELAYS = {"acknowledge": (10, 90), "dispatch": (30, 600), "arrive": (60, 300), "resolve": (600, 6 * 3600)}


def _demo_estate(run: DemoRun, session: Session) -> uuid.UUID:
    return run.from_copy(session, select(estates.c.id).where(estates.c.code == CODE), what=f"demo estate ({CODE})")


def _loaded(run: DemoRun) -> str | None:
    with run.sessions() as session:
        estate_id = _demo_estate(run, session)
        made = session.execute(select(func.count()).select_from(tickets).where(
            tickets.c.estate_id == estate_id, tickets.c.created_by == DESK.subject)).scalar_one()
    return f"the demo tickets are loaded already ({made} tickets of {CODE})" if made else None


def _load(run: DemoRun) -> str:
    count = run.options.get("count", COUNT)
    with run.sessions() as session:
        estate_id = _demo_estate(run, session)
        _add_categories(session)
        session.commit()
        place = _place(session, estate_id)
    if not place["units"] or not place["technicians"]:
        raise NotReady(f"the tickets copy of {CODE} has no units or no technicians yet: let the consumer catch up")
    uow = run.unit_of_work
    stages = make_tickets(uow, estate_id, place, random.Random(SEED), count, run.at)
    # The monthly reports of the months the demo covers, made (again) over the whole of them: the
    # running timer may have made last month's while the demo was still filling it.
    with run.sessions() as session:
        latest = monthly.last_month(run.at, monthly.estate_timezone(session, estate_id))
    week = make_desk_week(uow, estate_id, random.Random(SEED + 1), run.at)
    offers = load_desk_demo(uow, estate_id, place, random.Random(SEED + 1), run.at)
    for back in range(3):
        reports.generate(uow(), estate_id, monthly.shift(latest, -back), run.at, regenerate=True)
    summary = ", ".join(f"{stage} {n}" for stage, n in sorted(stages.items()))
    return f"loaded {count} demo tickets of {CODE}: {summary}; the desk's week: {week}; {offers}"


def _add_categories(session: Any) -> None:
    have = {(r.kind, r.code) for r in session.execute(
        select(categories.c.kind, categories.c.code).where(categories.c.estate_id.is_(None)))}
    for kind, code, zh, en, skill in CATEGORIES:
        if (kind, code) not in have:
            session.execute(insert(categories).values(id=uuid.uuid4(), estate_id=None, kind=kind, code=code,
                                                      name_zh=zh, name_en=en, skill=skill, active=True))


def _place(session: Any, estate_id: uuid.UUID) -> dict[str, Any]:
    """The estate's units with their occupants, and its technicians, in a stable order."""
    occupants: dict[uuid.UUID, list[uuid.UUID]] = {}
    for unit_id, person_id in session.execute(
            select(occupancies.c.unit_id, occupancies.c.person_id).where(
                occupancies.c.estate_id == estate_id, occupancies.c.moved_out_on.is_(None))
            .order_by(occupancies.c.unit_id, occupancies.c.person_id)):
        occupants.setdefault(unit_id, []).append(person_id)
    unit_ids = session.execute(select(units.c.id).where(units.c.estate_id == estate_id)
                               .order_by(units.c.building_id, units.c.number)).scalars().all()
    people_ids = session.execute(select(people.c.id).where(people.c.estate_id == estate_id)
                                 .order_by(people.c.id)).scalars().all()
    technicians = session.execute(select(staff.c.id).where(
        staff.c.estate_id == estate_id, staff.c.role == "technician", staff.c.active.is_(True))
        .order_by(staff.c.name, staff.c.id)).scalars().all()
    return {"units": list(unit_ids), "occupants": occupants, "people": list(people_ids),
            "technicians": list(technicians)}


def make_tickets(uow: Callable[[], Any], estate_id: uuid.UUID, place: dict[str, Any], rng: random.Random,
                 count: int, end: datetime) -> dict[str, int]:
    """Open ``count`` tickets over the 90 days before ``end`` and take each some way; stages reached."""
    reached: dict[str, int] = {}
    for _ in range(count):
        at = end - timedelta(days=90) + timedelta(minutes=rng.randrange(90 * 24 * 60 - 24 * 60))
        body = _entry(estate_id, place, rng)
        ticket = entry.open_ticket(uow(), DESK, body, at=at)["ticket"]
        depth = rng.choices(range(len(DEPTH_WEIGHTS)), weights=DEPTH_WEIGHTS)[0]
        ticket = _walk(uow, ticket, place, rng, depth, at)
        reached[ticket["stage"]] = reached.get(ticket["stage"], 0) + 1
    return reached


def _entry(estate_id: uuid.UUID, place: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    unit_id = rng.choice(place["units"])
    person_id = rng.choice(place["occupants"].get(unit_id) or place["people"] or [None])
    kind = rng.choices(("repair", "complaint", "inquiry", "suggestion", "praise"), weights=(45, 25, 20, 6, 4))[0]
    body: dict[str, Any] = {"estate_id": estate_id, "unit_id": unit_id, "person_id": person_id, "kind": kind,
                            "channel": rng.choice(("desk", "phone", "phone", "app"))}
    if kind == "complaint":
        klass, aspect, title = rng.choice(COMPLAINTS)
        body.update(complaint_class=klass, quality_aspect=aspect, title=title, major=rng.random() < 0.05)
    elif kind in ("repair", "inquiry"):
        code = rng.choice([c[1] for c in CATEGORIES if c[0] == kind])
        body.update(category=code, title=TITLES[code])
    else:
        body["title"] = "建议增设快递柜" if kind == "suggestion" else "感谢维修师傅及时上门"
    return body


def _taken(uow: Callable[[], Any], at: datetime, use_case: Callable[..., dict[str, Any]], ticket_id: uuid.UUID,
           **options: Any) -> dict[str, Any]:
    """Take one step at ``at`` as history would have it: first what the SLA timer would have fired by
    then (warnings, breaches, slipped promises), then the step. The running timer may touch the
    ticket meanwhile (its escalations raise the version): a step refused as "changed meanwhile" is
    taken again on the ticket as it is now."""
    sweep(uow, at, reports=False)
    for attempt in range(3):
        try:
            return use_case(uow(), ticket_id, DESK, at=at, **options)
        except Conflict:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _walk(uow: Callable[[], Any], ticket: dict[str, Any], place: dict[str, Any], rng: random.Random, depth: int,
          at: datetime) -> dict[str, Any]:
    """Take the first ``depth`` steps of the procedure; some tickets take the cannot-be-solved-now
    path (and some wait there still), some wait on the owner, a few are withdrawn."""
    light = ticket["kind"] in ("inquiry", "suggestion", "praise")
    steps = ("acknowledge", "resolve", "archive") if light else PATH
    steps = steps[:min(depth, len(steps))]
    detour = not light and rng.random() < 0.2
    for action in steps:
        at += timedelta(seconds=rng.randrange(*DELAYS.get(action, (120, 4 * 3600))))
        if action == "resolve" and detour:
            promised = at + timedelta(days=rng.randrange(1, 6))
            ticket = _taken(uow, at, procedure.explain, ticket["id"], explanation="需要采购配件，向业主说明",
                            promised_by=promised)
            waiting = rng.random() < (0.5 if action == steps[-1] else 0.2)  # still waiting for the parts
            if waiting and rng.random() < 0.3:
                return ticket
            ticket = _taken(uow, at + timedelta(minutes=5), procedure.escalate, ticket["id"], reason="配件需审批")
            if waiting:
                return ticket
            at += timedelta(days=rng.randrange(1, 8))
        ticket = _step(uow, ticket, action, place, rng, at)
    at += timedelta(minutes=rng.randrange(2, 60))
    if ticket["stage"] in ("received", "acknowledged") and rng.random() < 0.2:
        return _taken(uow, at, procedure.cancel, ticket["id"], reason="业主撤回")
    if ticket["stage"] == "dispatched" and rng.random() < 0.3:
        return _taken(uow, at, procedure.pause, ticket["id"], reason="业主不在家，约定改日上门")
    return ticket


def _step(uow: Callable[[], Any], ticket: dict[str, Any], action: str, place: dict[str, Any], rng: random.Random,
          at: datetime) -> dict[str, Any]:
    id_ = ticket["id"]
    options: dict[str, Any] = {}
    if action == "dispatch":
        options["staff_id"] = rng.choice(place["technicians"])  # drawn for every ticket: the same story
        if ticket["kind"] == "complaint":
            try:  # dispatch chooses someone who handles complaints (customer service), and says why
                return _taken(uow, at, procedure.dispatch, id_)
            except Conflict:  # nobody covers it (an estate without customer service): the desk names one
                pass
    elif action == "inform_owner":
        options["how"] = rng.choice(("phone", "message", "visit"))
    elif action == "evaluate":
        options["score"] = rng.choices((5, 4, 3, 2, 1), (50, 30, 10, 6, 4))[0]
    elif action == "resolve":
        options["resolution"] = "已处理"
    try:
        return _taken(uow, at, getattr(procedure, action), id_, **options)
    except DomainError as refused:  # a generated path the procedure refuses is a bug here
        raise AssertionError(f"demo ticket {ticket['number']}: {action} refused: {refused}") from refused


# --- the desk's week (issue 20): calls, callbacks, visits, handovers ------------------------------

LOCAL = ZoneInfo("Asia/Shanghai")
OUTCOMES = (("answered", 80), ("missed", 8), ("abandoned", 8), ("voicemail", 4))
NOTES = ("业主咨询物业费缴纳方式", "报修厨房水管漏水，已建单", "询问停水通知", "投诉楼上装修噪音", "询问快递柜位置",
         "预约上门维修时间", "反映电梯异响", "感谢维修师傅")


def make_desk_week(uow: Callable[[], Any], estate_id: uuid.UUID, rng: random.Random, end: datetime) -> str:
    """A week of the desk before ``end``, through the use cases as the desk and the call-centre
    system would have made them: two desk lines, the calls (a few missed, each a callback, most
    kept), the technicians' visits (one of them double-booked, warned) and two shift handovers."""
    with uow() as conn:
        team = {role: conn.execute(select(staff.c.id).where(staff.c.estate_id == estate_id, staff.c.role == role,
                                                            staff.c.active.is_(True))
                                   .order_by(staff.c.name, staff.c.id)).scalars().all()
                for role in ("service_desk_agent", "technician", "supervisor")}
        callers = conn.execute(select(people.c.id, people.c.mobile, occupancies.c.unit_id)
                               .join(occupancies, occupancies.c.person_id == people.c.id)
                               .where(people.c.estate_id == estate_id, people.c.mobile.is_not(None),
                                      occupancies.c.moved_out_on.is_(None))
                               .order_by(people.c.id, occupancies.c.unit_id)).all()
    agents, technicians = team["service_desk_agent"], team["technician"]
    if len(agents) < 2 or not technicians or not callers:
        return "no desk week (the copy has too few agents, technicians or residents)"
    start = end - timedelta(days=7)
    lines = [calls.add_line(uow(), {"estate_id": estate_id, "number": "075588880001", "extension": extension,
                                    "label": label, "staff_id": agent})
             for extension, label, agent in (("", "客服中心 24 小时热线", agents[0]), ("2", "前台分机", agents[1]))]
    made = {"calls": 0, "callbacks": 0, "visits": 0, "handovers": 0}
    for day in range(7):
        opening = datetime.combine((start + timedelta(days=day)).astimezone(LOCAL).date(), time(8), tzinfo=LOCAL)
        moments = sorted(opening + timedelta(minutes=rng.randrange(12 * 60)) for _ in range(rng.randrange(20, 40)))
        for moment in moments:
            if moment >= end:
                break
            made["calls"] += 1
            made["callbacks"] += _demo_call(uow, estate_id, rng, moment, rng.choice(lines), rng.choice(callers),
                                            end)
        made["visits"] += _demo_visits(uow, estate_id, rng, opening, technicians, callers, end)
    for hours_ago, signed in ((24, True), (2, False)):
        at = end - timedelta(hours=hours_ago)
        handover = shifts.write(uow(), {"estate_id": estate_id, "desk": "客服中心前台", "outgoing_staff_id": agents[0],
                                        "incoming_staff_id": agents[1], "note": "交接班",
                                        "notes": ["2号电梯停用待修", "3栋访客登记本已满，已换新本"],
                                        "visitors": [{"name": "王先生", "unit_id": callers[0].unit_id,
                                                      "since": at - timedelta(hours=1), "note": "装修监理"}]},
                                sign_minutes=30, at=at)
        if signed:
            shifts.sign(uow, DESK, handover["id"], agents[1], at=at + timedelta(minutes=10))
        made["handovers"] += 1
    sweep(uow, end, reports=False)
    return ", ".join(f"{n} {what}" for what, n in made.items())


def _demo_call(uow: Callable[[], Any], estate_id: uuid.UUID, rng: random.Random, moment: datetime,
               line: dict[str, Any], caller: Any, end: datetime) -> int:
    """One call at ``moment``; a missed one's callback is kept, kept late or (lately) left open."""
    sweep(uow, moment, reports=False)
    outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
    answered = moment + timedelta(seconds=rng.choice((2, 4, 5, 7, 9, 11, 14, 16, 19, 24))) \
        if outcome == "answered" else None
    inbound = rng.random() < 0.85
    if not inbound and outcome != "answered":
        outcome, answered = "missed", None
    call, _ = calls.log_call(uow(), DESK, {
        "estate_id": estate_id, "direction": "inbound" if inbound else "outbound", "number": caller.mobile,
        "desk_line_id": line["id"], "ring_started_at": moment, "answered_at": answered, "outcome": outcome,
        "ended_at": (answered or moment) + timedelta(seconds=rng.randrange(20, 400)),
        "notes": rng.choice(NOTES) if answered else "", "person_id": caller.id, "unit_id": caller.unit_id},
        key=None, due_minutes=30, warn_minutes=10, at=moment + timedelta(minutes=5))
    if not inbound or outcome == "answered":
        return 0
    with uow() as conn:
        callback = conn.execute(select(callbacks_table.c.id, callbacks_table.c.due_at)
                                .where(callbacks_table.c.call_id == call["id"])).one()
    done_at = moment + timedelta(minutes=rng.choice((12, 20, 28, 45)))
    if done_at < end:
        sweep(uow, done_at, reports=False)
        callbacks.finish(uow(), callback.id, {"state": "done", "note": "已回电"}, at=done_at)
    return 1


def _demo_visits(uow: Callable[[], Any], estate_id: uuid.UUID, rng: random.Random, opening: datetime,
                 technicians: list[uuid.UUID], callers: list[Any], end: datetime) -> int:
    """Two or three repair visits of the day, two hours each, one of them now and then on a
    technician already booked (the diary warns)."""
    made = 0
    for slot in range(rng.randrange(2, 4)):
        starts = opening + timedelta(hours=1 + 2 * slot + rng.choice((0, 0, 1)))
        caller = rng.choice(callers)
        booked_at = starts - timedelta(hours=20)
        if booked_at >= end:
            continue
        technician = technicians[rng.randrange(min(2, len(technicians)))]  # now and then one booked twice
        diary.book(uow(), DESK, {"estate_id": estate_id, "kind": "appointment",
                                 "title": rng.choice(tuple(TITLES.values())[:5]), "staff_id": technician,
                                 "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                                 "unit_id": caller.unit_id, "person_id": caller.id}, on_conflict="warn", at=booked_at)
        made += 1
    return made


DEMO = Demo(loaded=_loaded, load=_load)
