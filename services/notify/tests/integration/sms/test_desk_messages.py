"""The desk's messages reach phones (issue 20), from tickets' use case to the provider stand-in:

* a missed call pushed by the call-centre system schedules a callback for whoever answers the
  line; tickets' timer warns before it is due (tickets.callback.warned.v1); notify's built-in rule
  answers it and the sender sends the SMS to the assignee's mobile;
* a ticket's dispatch with a visit window (tickets.diary.booked.v1) sends the owner the window and
  the technician the booking;
* a shift handover left unsigned (tickets.handover.unsigned.v1) reaches the supervisor, the incoming
  and the outgoing staff member, once however often the timer sweeps.

What the stand-in receives is checked: the number, the template's code and its parameters."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from notify.providers.aliyun import AliyunSms
from notify.providers.in_app import InApp
from notify.rules.answer import answer_event
from notify.sending.worker import Sender
from notify.tables import estate_settings
from notify.tables import estates as notify_estates
from notify.tables import people as notify_people
from notify.tables import staff as notify_staff
from servicekit.db import make_engine
from servicekit.envelope import parse
from servicekit.migrate import upgrade
from tickets import events
from tickets.calls import use_cases as calls
from tickets.diary import use_cases as diary
from tickets.service import SERVICE as TICKETS
from tickets.shifts import use_cases as shifts
from tickets.sla.timer import sweep
from tickets.tables import estates, outbox, people, staff, tickets
from tickets.tickets.timeline import Actor

AGENT_MOBILE, OWNER_MOBILE, TECHNICIAN_MOBILE = "13900000042", "13812345678", "13700000007"
SUPERVISOR_MOBILE, NIGHT_AGENT_MOBILE = "13600000003", "13500000005"


class Desk:
    """tickets' database with an estate, its desk agent, a technician and an owner, and notify's
    copy of the same people with their mobiles (no quiet hours)."""

    def __init__(self, url: str, notify_db: Any) -> None:
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine)
        self.estate, self.agent, self.technician, self.owner = (uuid.uuid4() for _ in range(4))
        self.supervisor, self.night_agent = uuid.uuid4(), uuid.uuid4()
        team = [(self.agent, "王小红", "service_desk_agent", AGENT_MOBILE),
                (self.technician, "李师傅", "technician", TECHNICIAN_MOBILE),
                (self.supervisor, "赵主管", "supervisor", SUPERVISOR_MOBILE),
                (self.night_agent, "陈晓", "service_desk_agent", NIGHT_AGENT_MOBILE)]
        with self.engine.begin() as conn:
            conn.execute(insert(estates).values(id=self.estate, code="SUN", name="阳光花园", version=1))
            conn.execute(insert(staff), [
                {"id": staff_id, "estate_id": self.estate, "name": name, "role": role,
                 "skills": ["plumbing"] if role == "technician" else [], "active": True, "version": 1}
                for staff_id, name, role, _ in team])
            conn.execute(insert(people).values(id=self.owner, estate_id=self.estate, name="李伟", mobile=OWNER_MOBILE,
                                               version=1))
        with notify_db.begin() as conn:
            conn.execute(insert(notify_estates).values(id=self.estate, code="SUN", name="阳光花园", version=1))
            conn.execute(insert(notify_staff), [
                {"id": staff_id, "estate_id": self.estate, "name": name, "role": role, "mobile": mobile,
                 "email": None, "active": True, "version": 1} for staff_id, name, role, mobile in team])
            conn.execute(insert(notify_people).values(id=self.owner, estate_id=self.estate, name="李伟",
                                                      language="zh-CN", preferred_channel="sms", mobile=OWNER_MOBILE,
                                                      email=None, version=1))
            conn.execute(insert(estate_settings).values(estate_id=self.estate, quiet_start="00:00", quiet_end="00:00"))

    def uow(self):  # noqa: ANN201  (a unit of work of tickets)
        return TICKETS.unit_of_work(self.sessions)

    def published(self, event_type: str) -> list[Any]:
        with self.engine.connect() as conn:
            bodies = conn.execute(select(outbox.table.c.body).where(outbox.table.c.event_type == event_type)
                                  .order_by(outbox.table.c.seq)).scalars().all()
        return [parse(body.encode() if isinstance(body, str) else body) for body in bodies]


@pytest.fixture
def desk(make_database: Callable[[], str], db: Any) -> Iterator[Desk]:
    url = make_database()
    upgrade(TICKETS, url)
    made = Desk(url, db)
    yield made
    made.engine.dispose()


def send(db: Any, settings: Any, standin: Any, sms_settings: Any, event: Any, at: datetime) -> list[dict[str, Any]]:
    """notify answers ``event`` at ``at`` and sends what it queued to the stand-in; the messages queued."""
    with Session(db) as session, session.begin():
        queued = answer_event(session, event, at)
    adapter = AliyunSms(sms_settings(standin.url))
    try:
        Sender(db, settings, {"sms": adapter, "in_app": InApp()}, name="test:1", clock=lambda: at + timedelta(minutes=1)
               ).round()
    finally:
        adapter.close()
    return queued


def params(received: dict[str, Any]) -> dict[str, Any]:
    return received["params"] if isinstance(received["params"], dict) else json.loads(received["params"])


def test_a_missed_call_reminds_the_lines_agent_by_sms(desk, db, settings, standin, sms_settings) -> None:
    line = calls.add_line(desk.uow(), {"estate_id": desk.estate, "number": "075588880001", "staff_id": desk.agent})
    rang = datetime.now(UTC)
    call, _ = calls.log_call(desk.uow(), Actor("call-centre", "integration_client"), {
        "estate_id": desk.estate, "direction": "inbound", "number": OWNER_MOBILE, "desk_line_id": line["id"],
        "ring_started_at": rang, "ended_at": rang + timedelta(seconds=30), "outcome": "missed"},
        key=None, due_minutes=30, warn_minutes=10)
    assert sweep(desk.uow, rang + timedelta(minutes=21), reports=False).callbacks_warned == 1
    [warned] = desk.published(events.CALLBACK_WARNED)
    assert warned.data["callback"]["call_id"] == str(call["id"])
    [queued] = send(db, settings, standin, sms_settings, warned, rang + timedelta(minutes=21))
    assert (queued["channel"], queued["address"], str(queued["staff_id"])) == ("sms", AGENT_MOBILE, str(desk.agent))
    [received] = standin.received(AGENT_MOBILE)
    assert received["template_code"] == "SMS_ED_CALLBACK_WARNED" and received["err_code"] == "DELIVERED"
    assert params(received)["caller_last4"] == "5678" and params(received)["name"] == "王小红"
    assert params(received)["due_at"]


def test_a_dispatch_with_a_visit_window_sends_the_owner_the_window(desk, db, settings, standin, sms_settings) -> None:
    at = datetime.now(UTC)
    ticket = {"id": uuid.uuid4(), "number": "T261201000002", "estate_id": desk.estate, "person_id": desk.owner,
              "kind": "repair", "channel": "phone", "category": "plumbing", "priority": "normal",
              "title": "厨房水管漏水", "stage": "acknowledged", "created_by": "test", "created_at": at,
              "updated_at": at, "common_area": "3栋地下车库"}
    with desk.engine.begin() as conn:
        conn.execute(insert(tickets).values(ticket))
    window = datetime(2026, 12, 9, 6, 0, tzinfo=UTC)  # 14:00 to 16:00 in Shanghai
    diary.book_visit(desk.uow, Actor("desk", "service_desk_agent"), {
        "ticket_id": ticket["id"], "staff_id": desk.technician, "starts_at": window,
        "ends_at": window + timedelta(hours=2)}, on_conflict="warn")
    [booked] = desk.published(events.DIARY_BOOKED)
    queued = send(db, settings, standin, sms_settings, booked, at)
    assert sorted(m["address"] for m in queued) == sorted([OWNER_MOBILE, TECHNICIAN_MOBILE])
    [to_owner] = standin.received(OWNER_MOBILE)
    assert to_owner["template_code"] == "SMS_ED_VISIT_BOOKED"
    assert (params(to_owner)["window_start"], params(to_owner)["window_end"]) == ("2026-12-09 14:00",
                                                                                 "2026-12-09 16:00")
    [to_technician] = standin.received(TECHNICIAN_MOBILE)
    assert to_technician["template_code"] == "SMS_ED_DIARY_BOOKED"
    assert params(to_technician)["entry_title"] == "T261201000002 厨房水管漏水"


def test_an_unsigned_handover_reaches_the_supervisor_and_both_staff_members_once(desk, db, settings, standin,
                                                                               sms_settings) -> None:
    written = datetime.now(UTC)
    shifts.write(desk.uow(), {"estate_id": desk.estate, "desk": "客服中心前台", "outgoing_staff_id": desk.agent,
                              "incoming_staff_id": desk.night_agent, "notes": ["3栋访客王先生仍在楼内"]},
                 sign_minutes=30, at=written)
    late = written + timedelta(minutes=31)
    assert sweep(desk.uow, late, reports=False).handovers_escalated == 1
    assert sweep(desk.uow, late + timedelta(minutes=30), reports=False).handovers_escalated == 0
    told = desk.published(events.HANDOVER_UNSIGNED)
    queued = [m for event in told for m in send(db, settings, standin, sms_settings, event, late)]
    assert sorted(m["address"] for m in queued) == sorted([SUPERVISOR_MOBILE, NIGHT_AGENT_MOBILE, AGENT_MOBILE])
    assert all(m["urgent"] for m in queued)
    for mobile, name in ((SUPERVISOR_MOBILE, "赵主管"), (NIGHT_AGENT_MOBILE, "陈晓"), (AGENT_MOBILE, "王小红")):
        [received] = standin.received(mobile)
        assert received["template_code"] == "SMS_ED_HANDOVER_UNSIGNED" and received["err_code"] == "DELIVERED"
        assert params(received)["name"] == name
        assert (params(received)["outgoing_name"], params(received)["incoming_name"]) == ("王小红", "陈晓")
        assert params(received)["open_items"] == "1" and params(received)["desk"] == "客服中心前台"
    for event in told:  # the consumer given the same events again sends nothing more
        assert send(db, settings, standin, sms_settings, event, late) == []
    assert sum(len(standin.received(m)) for m in (SUPERVISOR_MOBILE, NIGHT_AGENT_MOBILE, AGENT_MOBILE)) == 3
