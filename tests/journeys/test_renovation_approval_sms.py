"""A renovation approval (装修审批, TKT-15) from application to completion, and another refused, with
the owner's SMS at each decision: tickets' real use cases write the decisions to its outbox, notify
applies those very events through its handlers (its built-in rule ``application_decided_to_applicant``),
and notify's sender sends them to the SMS provider stand-in, where they are read back."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from notify.handlers import HANDLERS as NOTIFY_HANDLERS
from notify.providers.registry import build_adapters
from notify.sending.worker import Sender
from notify.service import SERVICE as NOTIFY
from notify.standins.sms_provider import SmsStandin, StandinConfig
from servicekit.db import make_engine
from servicekit.envelope import CloudEvent, parse
from servicekit.migrate import upgrade
from servicekit.testing import wait_for
from tickets.events import APPLICATION_DECIDED
from tickets.procedures.use_cases import decide, open_application
from tickets.service import SERVICE as TICKETS
from tickets.tables import estates, outbox, people, units
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
    yield {"ids": ids, "tickets": tickets_db, "notify": notify_db, "notify_url": notify_url}
    tickets_db.dispose()
    notify_db.dispose()


def _apply(engine, event: CloudEvent) -> None:  # noqa: ANN001
    with Session(engine) as session, session.begin():
        NOTIFY_HANDLERS[event.type](session, event)


def _decisions(engine) -> list[CloudEvent]:  # noqa: ANN001
    with engine.connect() as conn:
        bodies = conn.execute(select(outbox.table.c.body).where(outbox.table.c.event_type == APPLICATION_DECIDED)
                              .order_by(outbox.table.c.seq)).scalars().all()
    return [parse(body.encode() if isinstance(body, str) else body) for body in bodies]


def test_the_owner_gets_an_sms_at_each_decision(suite) -> None:
    ids, uow = suite["ids"], lambda: TICKETS.unit_of_work(sessionmaker(suite["tickets"], expire_on_commit=False))
    approved = open_application(uow(), DESK, {"estate_id": ids["estate"], "procedure": "renovation_approval",
                                              "unit_id": ids["unit"], "person_id": ids["person"],
                                              "title": "厨房卫生间改造"})
    for position, actor in enumerate((DESK, MANAGER, DESK, TECHNICIAN, MANAGER, TECHNICIAN), start=1):
        decide(uow(), approved["id"], position, actor, decision="approve")
    refused = open_application(uow(), DESK, {"estate_id": ids["estate"], "procedure": "renovation_approval",
                                             "unit_id": ids["unit"], "person_id": ids["person"], "title": "拆改承重墙"})
    decide(uow(), refused["id"], 1, DESK, decision="approve")
    decide(uow(), refused["id"], 2, MANAGER, decision="refuse", reason="不得拆改承重墙")
    events = _decisions(suite["tickets"])
    assert len(events) == 8
    for event in events + events[:2]:  # two delivered again: applied once
        _apply(suite["notify"], event)
    with SmsStandin(StandinConfig()) as standin:
        settings = NOTIFY.settings(database_url=suite["notify_url"], amqp_url="amqp://unused", port=0,
                                   log_level="INFO", max_body_bytes=64 * 1024, sms_endpoint=standin.url,
                                   sender_interval_seconds=0.05)
        sender = Sender(suite["notify"], settings, build_adapters(settings, suite["notify"]))
        stop = threading.Event()

        def sent() -> bool:
            sender.round(stop)
            return len(standin.received(MOBILE)) >= 8

        wait_for(sent, "the eight decisions to reach the SMS stand-in", timeout=60)
        received = standin.received(MOBILE)
    assert len(received) == 8 and {r["template_code"] for r in received} == {"SMS_ED_APPLICATION"}
    steps = [(r["params"]["application_number"], r["params"]["step"], r["params"]["decision"]) for r in received]
    assert steps[:6] == [(approved["number"], name, "已通过") for name in (
        "装修申请登记", "资料审核（图纸、施工单位资质）", "缴纳装修押金", "现场查验", "审批开工", "竣工验收")]
    assert steps[6:] == [(refused["number"], "装修申请登记", "已通过"),
                         (refused["number"], "资料审核（图纸、施工单位资质）", "未通过")]
    last = received[-1]["params"]
    assert (last["name"], last["procedure"], last["reason"]) == ("李伟", "装修审批", "不得拆改承重墙")
    assert json.dumps(received, ensure_ascii=False).count(MOBILE) == 8  # to the owner's mobile, and only there
