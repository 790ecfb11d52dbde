"""A renovation approval (装修审批, TKT-15) from application to completion, and another refused, with
the owner's SMS at each decision: tickets' real use cases write the decisions to its outbox, notify
applies those very events through its handlers (its built-in rule ``application_decided_to_applicant``),
and notify's sender sends them to the SMS provider stand-in, where they are read back."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from notify.handlers import HANDLERS as NOTIFY_HANDLERS
from notify.providers.registry import build_adapters
from notify.sending.worker import Sender
from notify.service import SERVICE as NOTIFY
from notify.standins.sms_provider import SmsStandin, StandinConfig
from notify.tables import duty_contacts, estate_settings
from notify.tables import staff as notify_staff
from servicekit.db import make_engine
from servicekit.demo import DEMO_DESK, is_demo_history
from servicekit.envelope import CloudEvent, parse
from servicekit.migrate import upgrade
from servicekit.testing import wait_for
from tickets.events import APPLICATION_DECIDED, APPLICATION_STEP_OVERDUE, APPLICATION_WITHDRAWN
from tickets.procedures.use_cases import decide, open_application, withdraw
from tickets.service import SERVICE as TICKETS
from tickets.sla.timer import sweep
from tickets.tables import estates, outbox, people, staff, units
from tickets.tickets.timeline import Actor

MOBILE = "13912345678"
DESK, MANAGER, TECHNICIAN = (Actor("desk-1", "service_desk_agent"), Actor("manager-1", "estate_manager"),
                             Actor("tech-1", "technician"))


@pytest.fixture
def suite(make_database: Callable[[], str]) -> Iterator[dict[str, Any]]:
    """tickets and notify on databases of their own, both holding the estate, its unit and its owner."""
    tickets_url, notify_url = make_database(), make_database()
    upgrade(TICKETS, tickets_url)
    upgrade(NOTIFY, notify_url)
    ids = {"estate": uuid.uuid4(), "building": uuid.uuid4(), "unit": uuid.uuid4(), "person": uuid.uuid4()}
    tickets_db, notify_db = make_engine(tickets_url), make_engine(notify_url)
    with tickets_db.begin() as conn:
        conn.execute(estates.insert().values(id=ids["estate"], code="SUN", name="阳光花园", version=1))
        conn.execute(units.insert().values(id=ids["unit"], estate_id=ids["estate"], building_id=ids["building"],
                                           number="1-101", floor=1, version=1))
        conn.execute(people.insert().values(id=ids["person"], estate_id=ids["estate"], name="李伟", mobile=MOBILE,
                                            version=1))
    for type_, data in (
            ("owners.estate.registered.v1", {"estate_id": str(ids["estate"]), "code": "SUN", "name": "阳光花园",
                                             "version": 1}),
            ("owners.person.registered.v1", {"estate_id": str(ids["estate"]), "person_id": str(ids["person"]),
                                             "name": "李伟", "language": "zh-CN", "preferred_channel": "sms",
                                             "contact_points": [{"kind": "mobile", "value": MOBILE,
                                                                 "preferred": True}], "version": 1})):
        _apply(notify_db, CloudEvent(type=type_, source="/estatedesk/owners", subject=str(uuid.uuid4()), data=data))
    with notify_db.begin() as conn:  # no quiet hours: the test's messages go whatever the hour in Shanghai
        conn.execute(estate_settings.insert().values(estate_id=ids["estate"], quiet_start="00:00", quiet_end="00:00"))
    yield {"ids": ids, "tickets": tickets_db, "notify": notify_db, "notify_url": notify_url}
    tickets_db.dispose()
    notify_db.dispose()


def _apply(engine, event: CloudEvent) -> None:  # noqa: ANN001
    with Session(engine) as session, session.begin():
        NOTIFY_HANDLERS[event.type](session, event)


def _decisions(engine, type_: str = APPLICATION_DECIDED) -> list[CloudEvent]:  # noqa: ANN001
    with engine.connect() as conn:
        bodies = conn.execute(select(outbox.table.c.body).where(outbox.table.c.event_type == type_)
                              .order_by(outbox.table.c.seq)).scalars().all()
    return [parse(body.encode() if isinstance(body, str) else body) for body in bodies]


def _sent(suite, mobiles: list[str], done: Callable[[dict[str, list[dict[str, Any]]]], bool],
          what: str) -> dict[str, list[dict[str, Any]]]:  # noqa: ANN001
    """notify's sender run against the SMS stand-in until ``done``; what each of ``mobiles`` received."""
    with SmsStandin(StandinConfig()) as standin:
        settings = NOTIFY.settings(database_url=suite["notify_url"], amqp_url="amqp://unused", port=0,
                                   log_level="INFO", max_body_bytes=64 * 1024, sms_endpoint=standin.url,
                                   sender_interval_seconds=0.05)
        sender = Sender(suite["notify"], settings, build_adapters(settings, suite["notify"]))
        stop = threading.Event()

        def received() -> dict[str, list[dict[str, Any]]]:
            return {mobile: standin.received(mobile) for mobile in mobiles}

        def sent() -> bool:
            sender.round(stop)
            return done(received())

        wait_for(sent, f"{what} to reach the SMS stand-in", timeout=60)
        return received()


def test_the_owner_gets_an_sms_at_each_decision(suite) -> None:
    ids, uow = suite["ids"], lambda: TICKETS.unit_of_work(sessionmaker(suite["tickets"], expire_on_commit=False))
    approved = open_application(uow(), DESK, {"estate_id": ids["estate"], "procedure": "renovation_approval",
                                              "unit_id": ids["unit"], "person_id": ids["person"],
                                              "title": "厨房卫生间改造"})
    collected = {2: {"documents": [{"name": "装修图纸", "url": "https://files.example.com/plan.pdf"}]},
                 3: {"deposit": Decimal("2000.00")}}
    for position, actor in enumerate((DESK, MANAGER, DESK, TECHNICIAN, MANAGER, TECHNICIAN), start=1):
        decide(uow(), approved["id"], position, actor, decision="approve", **collected.get(position, {}))
    refused = open_application(uow(), DESK, {"estate_id": ids["estate"], "procedure": "renovation_approval",
                                             "unit_id": ids["unit"], "person_id": ids["person"], "title": "拆改承重墙"})
    decide(uow(), refused["id"], 1, DESK, decision="approve")
    decide(uow(), refused["id"], 2, MANAGER, decision="refuse", reason="不得拆改承重墙")
    events = _decisions(suite["tickets"])
    assert len(events) == 8
    for event in events + events[:2]:  # two delivered again: applied once
        _apply(suite["notify"], event)
    received = _sent(suite, [MOBILE], lambda got: len(got[MOBILE]) >= 8, "the eight decisions")[MOBILE]
    assert len(received) == 8 and {r["template_code"] for r in received} == {"SMS_ED_APPLICATION"}
    steps = [(r["params"]["application_number"], r["params"]["step"], r["params"]["decision"]) for r in received]
    assert steps[:6] == [(approved["number"], name, "已通过") for name in (
        "装修申请登记", "资料审核（图纸、施工单位资质）", "缴纳装修押金", "现场查验", "审批开工", "竣工验收")]
    assert steps[6:] == [(refused["number"], "装修申请登记", "已通过"),
                         (refused["number"], "资料审核（图纸、施工单位资质）", "未通过")]
    last = received[-1]["params"]
    assert (last["name"], last["procedure"], last["reason"]) == ("李伟", "装修审批", "不得拆改承重墙")
    assert json.dumps(received, ensure_ascii=False).count(MOBILE) == 8  # to the owner's mobile, and only there


def test_the_owner_is_told_when_the_application_is_withdrawn(suite) -> None:
    """The owner withdraws one application, the desk another: tickets' events reach the owner's
    mobile through notify's built-in rule, each saying who withdrew it and why."""
    ids, uow = suite["ids"], lambda: TICKETS.unit_of_work(sessionmaker(suite["tickets"], expire_on_commit=False))
    opened = [open_application(uow(), DESK, {"estate_id": ids["estate"], "procedure": "renovation_approval",
                                             "unit_id": ids["unit"], "person_id": ids["person"], "title": title})
              for title in ("厨房卫生间改造", "阳台封窗")]
    decide(uow(), opened[0]["id"], 1, DESK, decision="approve")
    withdraw(uow(), opened[0]["id"], Actor(str(ids["person"]), "owner"), reason="业主决定暂缓装修")
    withdraw(uow(), opened[1]["id"], DESK, reason="业主来电要求撤回")
    events = _decisions(suite["tickets"], APPLICATION_WITHDRAWN)
    assert len(events) == 2
    for event in events + events[:1]:  # one delivered again: applied once
        _apply(suite["notify"], event)
    received = _sent(suite, [MOBILE], lambda got: len(got[MOBILE]) >= 2, "the two withdrawals")[MOBILE]
    assert len(received) == 2 and {r["template_code"] for r in received} == {"SMS_ED_APPLICATION_WITHDRAWN"}
    told = sorted((r["params"]["application_number"], r["params"]["withdrawn_by"], r["params"]["reason"])
                  for r in received)
    assert told == sorted([(opened[0]["number"], "您本人", "业主决定暂缓装修"),
                           (opened[1]["number"], "物业服务中心", "业主来电要求撤回")])
    assert {r["params"]["procedure"] for r in received} == {"装修审批"}


AGENTS = {"王小红": "13700000001", "赵敏": "13700000002"}


def test_an_overdue_step_reminds_the_holders_of_its_role_once(suite) -> None:
    """The application's first step (the desk's, 24 hours) still open a day later: tickets' timer,
    swept by two timers and again later, reminds each service-desk agent of the estate once, and
    notify's built-in rule texts each of them; the technician (another role) gets nothing."""
    ids, uow = suite["ids"], lambda: TICKETS.unit_of_work(sessionmaker(suite["tickets"], expire_on_commit=False))
    people_ = [(uuid.uuid4(), name, "service_desk_agent", mobile) for name, mobile in AGENTS.items()]
    people_.append((uuid.uuid4(), "李师傅", "technician", "13700000003"))
    with suite["tickets"].begin() as conn:
        conn.execute(staff.insert(), [{"id": id_, "estate_id": ids["estate"], "name": name, "role": role,
                                       "skills": [], "active": True, "version": 1} for id_, name, role, _ in people_])
    with suite["notify"].begin() as conn:
        conn.execute(notify_staff.insert(), [{"id": id_, "estate_id": ids["estate"], "name": name, "role": role,
                                              "mobile": mobile, "email": None, "active": True, "version": 1}
                                             for id_, name, role, mobile in people_])
    opened = open_application(uow(), DESK, {"estate_id": ids["estate"], "procedure": "renovation_approval",
                                            "unit_id": ids["unit"], "person_id": ids["person"], "title": "阳台封窗"})
    due = next(step["due_at"] for step in opened["steps"] if step["state"] == "open")
    assert sweep(uow, due - timedelta(minutes=1), reports=False).steps_overdue == 0
    threads = [threading.Thread(target=sweep, args=(uow, due + timedelta(minutes=1)), kwargs={"reports": False})
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sweep(uow, due + timedelta(hours=5), reports=False).steps_overdue == 0  # once, not again
    reminders = _decisions(suite["tickets"], APPLICATION_STEP_OVERDUE)
    assert sorted(e.data["staff"]["name"] for e in reminders) == sorted(AGENTS)
    assert {(e.data["step"]["key"], e.data["application"]["number"]) for e in reminders} == {
        ("application", opened["number"])}
    for event in reminders + reminders[:1]:  # one delivered again: applied once
        _apply(suite["notify"], event)
    received = _sent(suite, [*AGENTS.values(), "13700000003"],
                     lambda got: all(got[mobile] for mobile in AGENTS.values()), "the overdue step's reminders")
    for name, mobile in AGENTS.items():
        assert len(received[mobile]) == 1 and received[mobile][0]["template_code"] == "SMS_ED_APPLICATION_OVERDUE"
        params = received[mobile][0]["params"]
        assert (params["name"], params["application_number"], params["step"]) == (name, opened["number"],
                                                                                  "装修申请登记")
    assert received["13700000003"] == []


def test_an_overdue_step_nobody_in_the_estate_can_see_to_reaches_the_operator_s_duty_contacts(suite) -> None:
    """Nobody in the estate holds the step's role, nor any role up the chain: tickets' timer names
    nobody (past the top of the chain), and notify's rule texts the operator's duty contact (集团值班)."""
    ids, uow = suite["ids"], lambda: TICKETS.unit_of_work(sessionmaker(suite["tickets"], expire_on_commit=False))
    duty_mobile = "13700000009"
    with suite["notify"].begin() as conn:
        conn.execute(duty_contacts.insert().values(id=uuid.uuid4(), name="集团值班 周敏", mobile=duty_mobile,
                                                   email=None, created_at=datetime.now(UTC)))
    opened = open_application(uow(), DESK, {"estate_id": ids["estate"], "procedure": "renovation_approval",
                                            "unit_id": ids["unit"], "person_id": ids["person"], "title": "阳台封窗"})
    due = next(step["due_at"] for step in opened["steps"] if step["state"] == "open")
    assert sweep(uow, due + timedelta(minutes=1), reports=False).steps_overdue == 1
    [reminder] = _decisions(suite["tickets"], APPLICATION_STEP_OVERDUE)
    assert reminder.data["staff"] is None and reminder.data["fallback"]["reached"] == "operator_admins"
    _apply(suite["notify"], reminder)
    received = _sent(suite, [duty_mobile], lambda got: bool(got[duty_mobile]), "the duty contact's reminder")
    [sms] = received[duty_mobile]
    assert sms["template_code"] == "SMS_ED_APPLICATION_OVERDUE"
    assert (sms["params"]["name"], sms["params"]["application_number"], sms["params"]["step"]) == (
        "集团值班 周敏", opened["number"], "装修申请登记")


def test_a_demo_applications_overdue_step_is_the_demos_history(suite) -> None:
    """The demo's made-up application messages nobody whenever its steps fall due (after `make run`
    loads it): its reminders are recorded as the demo's history, which notify leaves alone."""
    ids, uow = suite["ids"], lambda: TICKETS.unit_of_work(sessionmaker(suite["tickets"], expire_on_commit=False))
    with suite["tickets"].begin() as conn:
        conn.execute(staff.insert().values(id=uuid.uuid4(), estate_id=ids["estate"], name="王前台",
                                           role="service_desk_agent", skills=[], active=True, version=1))
    made_up = open_application(uow(), Actor(DEMO_DESK, "service_desk_agent"), {
        "estate_id": ids["estate"], "procedure": "renovation_approval", "unit_id": ids["unit"],
        "person_id": ids["person"], "title": "厨房改造"})
    due = next(step["due_at"] for step in made_up["steps"] if step["state"] == "open")
    assert sweep(uow, due + timedelta(minutes=1), reports=False).steps_overdue == 1
    [reminder] = _decisions(suite["tickets"], APPLICATION_STEP_OVERDUE)
    assert reminder.data["application"]["number"] == made_up["number"] and is_demo_history(reminder)
