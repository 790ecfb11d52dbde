"""A missed call reaches the assignee's phone (issue 20): the call-centre system pushes a missed
call to tickets; tickets schedules a callback for whoever answers the line; tickets' timer warns
before it is due (tickets.callback.warned.v1); notify's built-in rule answers the event; the sender
sends the SMS to the provider stand-in, which receives it for the assignee's mobile (the
callback template's code, with the caller's last four digits and the due time)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from notify.providers.aliyun import AliyunSms
from notify.providers.in_app import InApp
from notify.rules.answer import answer_event
from notify.sending.worker import Sender
from notify.tables import estate_settings
from notify.tables import estates as notify_estates
from notify.tables import staff as notify_staff
from servicekit.db import make_engine
from servicekit.envelope import parse
from servicekit.migrate import upgrade
from tickets import events
from tickets.calls import use_cases as calls
from tickets.service import SERVICE as TICKETS
from tickets.sla.timer import sweep
from tickets.tables import estates, outbox, people, staff
from tickets.tickets.timeline import Actor

AGENT_MOBILE = "13900000042"


def test_a_missed_call_reminds_the_lines_agent_by_sms(make_database, db, settings, standin, sms_settings) -> None:
    tickets_db = make_database()
    upgrade(TICKETS, tickets_db)
    engine = make_engine(tickets_db)
    sessions = sessionmaker(engine)
    estate, agent = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(insert(estates).values(id=estate, code="SUN", name="阳光花园", version=1))
        conn.execute(insert(staff).values(id=agent, estate_id=estate, name="王小红", role="service_desk_agent",
                                          skills=[], active=True, version=1))
        conn.execute(insert(people).values(id=uuid.uuid4(), estate_id=estate, name="李伟", mobile="13812345678",
                                           version=1))
    with db.begin() as conn:  # notify's copy of the same staff member, with her mobile
        conn.execute(insert(notify_estates).values(id=estate, code="SUN", name="阳光花园", version=1))
        conn.execute(insert(notify_staff).values(id=agent, estate_id=estate, name="王小红", role="service_desk_agent",
                                                 mobile=AGENT_MOBILE, email=None, active=True, version=1))
        conn.execute(insert(estate_settings).values(estate_id=estate, quiet_start="00:00", quiet_end="00:00"))

    def uow():  # noqa: ANN202
        return TICKETS.unit_of_work(sessions)

    line = calls.add_line(uow(), {"estate_id": estate, "number": "075588880001", "staff_id": agent})
    rang = datetime.now(UTC)
    call, _ = calls.log_call(uow(), Actor("call-centre", "integration_client"), {
        "estate_id": estate, "direction": "inbound", "number": "13812345678", "desk_line_id": line["id"],
        "ring_started_at": rang, "ended_at": rang + timedelta(seconds=30), "outcome": "missed"},
        key=None, due_minutes=30, warn_minutes=10)
    swept = sweep(uow, rang + timedelta(minutes=21), reports=False)
    assert swept.callbacks_warned == 1
    with engine.connect() as conn:
        [body] = conn.execute(select(outbox.table.c.body)
                              .where(outbox.table.c.event_type == events.CALLBACK_WARNED)).scalars().all()
    engine.dispose()
    warned = parse(body.encode() if isinstance(body, str) else body)
    assert warned.data["callback"]["call_id"] == str(call["id"])

    with Session(db) as session, session.begin():
        [queued] = answer_event(session, warned, rang + timedelta(minutes=21))
    assert (queued["channel"], queued["address"], str(queued["staff_id"])) == ("sms", AGENT_MOBILE, str(agent))

    adapter = AliyunSms(sms_settings(standin.url))
    try:
        done = Sender(db, settings, {"sms": adapter, "in_app": InApp()}, name="test:1",
                      clock=lambda: rang + timedelta(minutes=22)).round()
    finally:
        adapter.close()
    assert done.messages == 1
    [received] = standin.received(AGENT_MOBILE)
    assert received["template_code"] == "SMS_ED_CALLBACK_WARNED"
    params = received["params"] if isinstance(received["params"], dict) else json.loads(received["params"])
    assert params["caller_last4"] == "5678" and params["name"] == "王小红"
    assert params["due_at"] and received["err_code"] == "DELIVERED"
