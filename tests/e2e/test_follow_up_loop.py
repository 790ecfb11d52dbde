"""Follow-up and rectification (SRV-4) with the real relays, timer, consumer and sender on the real
PostgreSQL and RabbitMQ: a wave's invitation SMS at the stand-in with the link -> the owner answers
by the link with a low score and a complaint -> surveys opens a follow-up visit for the staff member
whose territory covers the building, who gets an SMS (notify's built-in rule) -> the visit is
recorded and a rectification action opened -> done -> verified. And an action left open past its
due date -> surveys' timer (two replicas) records it overdue once -> the responsible person's
reminder SMS at the stand-in, once.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.orm import sessionmaker

from notify import tables as notify_tables
from notify.service import SERVICE as NOTIFY
from servicekit.testing import free_port, processes_suite, service_process, wait_for
from surveys import tables as surveys_tables
from surveys.actions.use_cases import move, open_action
from surveys.app import create_app as surveys_app
from surveys.domain.questionnaires import ELEMENT_CODES
from surveys.follow_ups.use_cases import record_visit
from surveys.service import SERVICE as SURVEYS
from surveys.waves.use_cases import open_wave

pytestmark = pytest.mark.slow
OWNER_MOBILE, KEEPER_MOBILE = "13812340088", "13912340066"
TZ = "Asia/Shanghai"


def _seed(engines: dict, ids: dict) -> None:
    """One building of five occupied units in surveys' copy of owners, a housekeeper (管家) whose
    territory is the building, and the same people and staff in notify's copy (as the consumers
    would have them from owners' events)."""
    s, n = surveys_tables, notify_tables
    units = [uuid.uuid4() for _ in range(5)]
    people = [ids["owner"], *(uuid.uuid4() for _ in range(4))]
    with engines["surveys"].begin() as db:
        db.execute(insert(s.estates).values(id=ids["estate"], code="FUP", name="回访花园", version=1))
        db.execute(insert(s.buildings).values(id=ids["building"], estate_id=ids["estate"], code="1", name="1栋",
                                              version=1))
        for i, (unit, person) in enumerate(zip(units, people, strict=True)):
            db.execute(insert(s.units).values(id=unit, estate_id=ids["estate"], building_id=ids["building"],
                                              number=f"1-{101 + i}", version=1))
            db.execute(insert(s.people).values(id=person, estate_id=ids["estate"], name=f"业主{i}", version=1))
            db.execute(insert(s.occupancies).values(id=uuid.uuid4(), estate_id=ids["estate"], unit_id=unit,
                                                    person_id=person, role="owner", moved_in_on=date(2020, 1, 1),
                                                    version=1))
        db.execute(insert(s.staff).values(id=ids["keeper"], estate_id=ids["estate"], name="李管家",
                                          role="customer_service", active=True, version=1))
        db.execute(insert(s.territories).values(id=uuid.uuid4(), estate_id=ids["estate"], staff_id=ids["keeper"],
                                                building_id=ids["building"], released=False, version=1))
    with engines["notify"].begin() as db:
        db.execute(insert(n.estates).values(id=ids["estate"], code="FUP", name="回访花园", version=1))
        db.execute(insert(n.estate_settings).values(estate_id=ids["estate"], timezone=TZ, quiet_start="00:00",
                                                    quiet_end="00:00", sms_sign_name="回访物业", version=1))
        for i, person in enumerate(people):
            db.execute(insert(n.people).values(id=person, estate_id=ids["estate"], name=f"业主{i}",
                                               language="zh-CN", preferred_channel="sms",
                                               mobile=OWNER_MOBILE if i == 0 else f"1381234010{i}", version=1))
        db.execute(insert(n.staff).values(id=ids["keeper"], estate_id=ids["estate"], name="李管家",
                                          role="customer_service", mobile=KEEPER_MOBILE, active=True, version=1))


@pytest.fixture
def suite(make_database, amqp_vhost_url: str) -> Iterator[dict]:
    with processes_suite(make_database, amqp_vhost_url, (SURVEYS, NOTIFY), NOTIFY_SENDER_INTERVAL_SECONDS="0.05",
                         SURVEYS_TIMER_INTERVAL_SECONDS="0.2") as suite:
        yield suite


def test_a_low_score_is_followed_up_rectified_and_verified_and_an_overdue_action_reminded_once(suite) -> None:
    engines, env = suite["engines"], suite["env"]
    ids = {name: uuid.uuid4() for name in ("estate", "building", "owner", "keeper")}
    _seed(engines, ids)
    sms_port = free_port()
    env = {**env, "NOTIFY_SMS_ENDPOINT": f"http://127.0.0.1:{sms_port}"}
    uow = lambda: SURVEYS.unit_of_work(sessionmaker(engines["surveys"], expire_on_commit=False))  # noqa: E731
    with ExitStack() as stack:
        for service in ("surveys", "notify"):
            stack.enter_context(service_process(service, "topology", env=env)).wait()
        standin = stack.enter_context(service_process("notify", "sms-standin", "--port", str(sms_port), env=env))
        for service, command in (("surveys", "relay"), ("surveys", "timer"), ("surveys", "timer"),
                                 ("notify", "consume"), ("notify", "send")):
            stack.enter_context(service_process(service, command, env=env))
        http = stack.enter_context(httpx.Client(timeout=10))

        def sms(template: str) -> list[dict]:
            if standin.poll() is not None:
                raise AssertionError("the SMS stand-in stopped")
            try:
                found = http.get(f"http://127.0.0.1:{sms_port}/_standin/messages").json()["messages"]
            except httpx.HTTPError:
                return []
            return [m for m in found if m["template_code"] == template]

        today = datetime.now(ZoneInfo(TZ)).date()  # the estate's day: after 16:00 UTC it is tomorrow in Shanghai
        period = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
        open_wave(uow(), None, "manager-1", estate_id=ids["estate"], period=period, percent=100, lookback=4,
                  answer_url="http://localhost:8000/survey/", timezone=TZ)
        wait_for(lambda: any(m["number"].endswith(OWNER_MOBILE) for m in sms("SMS_ED_SURVEY_INVITATION")),
                 "the owner's invitation SMS at the stand-in")
        invitation = next(m for m in sms("SMS_ED_SURVEY_INVITATION") if m["number"].endswith(OWNER_MOBILE))
        token = invitation["params"]["link"].rsplit("/", 1)[1]

        client = surveys_app(SURVEYS.settings(database_url=suite["urls"]["surveys"], amqp_url="amqp://unused",
                                              port=0, log_level="WARNING", max_body_bytes=64 * 1024)).test_client()
        items = {**{code: {"score": 4} for code in ELEMENT_CODES}, "overall": {"score": 3},
                 "equipment": {"score": 1, "comment": "单元门禁坏了两周没人管"}}
        done = client.post(f"/api/v1/answers/{token}/submission", json={"items": items})
        assert done.status_code == 201, done.json

        wait_for(lambda: sms("SMS_ED_FOLLOW_UP"), "the housekeeper's follow-up SMS")
        [told] = sms("SMS_ED_FOLLOW_UP")
        assert told["number"].endswith(KEEPER_MOBILE) and told["params"]["unit_number"] == "1-101"
        with engines["surveys"].connect() as db:
            follow_up = db.execute(select(surveys_tables.follow_ups)).mappings().one()
        assert follow_up["assignee_id"] == ids["keeper"]
        assert [r["kind"] for r in follow_up["reasons"]] == ["low_score", "complaint"]

        now = datetime.now(UTC)
        record_visit(uow(), follow_up["id"], "manager-1", now, owner_said="门禁读卡器坏了，希望一周内修好")
        fixed = open_action(uow(), "manager-1", now, TZ, follow_up_id=follow_up["id"],
                            description="更换1栋单元门禁读卡器", responsible_id=ids["keeper"],
                            due_on=today + timedelta(days=7))
        move(uow(), fixed["id"], "done", "keeper", now, TZ)
        verified = move(uow(), fixed["id"], "verified", "manager-1", now, TZ, note="业主确认可用")
        assert verified["state"] == "verified"

        late = open_action(uow(), "manager-1", now, TZ, follow_up_id=follow_up["id"], description="清理车库积水",
                           responsible_id=ids["keeper"], due_on=today)
        with engines["surveys"].begin() as db:  # its due date passes
            db.execute(update(surveys_tables.actions).where(surveys_tables.actions.c.id == late["id"])
                       .values(due_at=datetime.now(UTC) - timedelta(seconds=1)))
        wait_for(lambda: sms("SMS_ED_ACTION_OVERDUE"), "the responsible person's overdue reminder SMS")
        [reminder] = sms("SMS_ED_ACTION_OVERDUE")
        assert reminder["number"].endswith(KEEPER_MOBILE) and reminder["params"]["action"] == "清理车库积水"
        time.sleep(1.5)  # several sweeps of both timers later: still once
        assert len(sms("SMS_ED_ACTION_OVERDUE")) == 1
        with engines["surveys"].connect() as db:
            verified_row = db.execute(select(surveys_tables.actions.c.state).where(
                surveys_tables.actions.c.id == fixed["id"])).scalar_one()
        assert verified_row == "verified"
