"""An owners' forum's invitations by SMS (SRV-6), across surveys and notify with their real processes
on the real PostgreSQL and RabbitMQ: surveys holds a forum inviting three households in turn; each
invitation is an event (``surveys.forum.invited.v1``) surveys' relay publishes; notify's consumer
answers it by its built-in rule and bilingual template, and its sender sends it to the SMS
stand-in: the zh-CN owner and the English one each get the forum's title, day and place in their
language, and the owner who opted out of survey messages gets nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import sessionmaker

from notify import tables as notify_tables
from notify.service import SERVICE as NOTIFY
from servicekit.testing import free_port, processes_suite, service_process, wait_for
from surveys import tables as surveys_tables
from surveys.forums.use_cases import hold
from surveys.service import SERVICE as SURVEYS

pytestmark = pytest.mark.slow
MOBILES = ("13812340071", "13812340072", "13812340073")  # zh-CN, English, opted out of survey messages
LANGUAGES = ("zh-CN", "en", "zh-CN")


def _seed(engines: dict, estate: uuid.UUID) -> None:
    """Three occupied units in surveys' copy of owners, their owners in notify's copy (as the
    consumers would have them from owners' events), the third opted out of survey messages, and no
    quiet hours (the SMS go whatever the hour the test runs at)."""
    s, n = surveys_tables, notify_tables
    building, people = uuid.uuid4(), [uuid.uuid4() for _ in MOBILES]
    with engines["surveys"].begin() as db:
        db.execute(insert(s.estates).values(id=estate, code="FORUM", name="座谈花园", version=1))
        db.execute(insert(s.buildings).values(id=building, estate_id=estate, code="1", name="1栋", version=1))
        for i, person in enumerate(people):
            unit = uuid.uuid4()
            db.execute(insert(s.units).values(id=unit, estate_id=estate, building_id=building, number=f"1-{101 + i}",
                                              version=1))
            db.execute(insert(s.people).values(id=person, estate_id=estate, name=f"业主{i}", language=LANGUAGES[i],
                                               preferred_channel="sms", version=1))
            db.execute(insert(s.occupancies).values(id=uuid.uuid4(), estate_id=estate, unit_id=unit,
                                                    person_id=person, role="owner", moved_in_on=date(2020, 1, 1),
                                                    version=1))
    with engines["notify"].begin() as db:
        db.execute(insert(n.estates).values(id=estate, code="FORUM", name="座谈花园", version=1))
        db.execute(insert(n.estate_settings).values(estate_id=estate, timezone="Asia/Shanghai", quiet_start="00:00",
                                                    quiet_end="00:00", sms_sign_name="座谈物业", version=1))
        for i, person in enumerate(people):
            db.execute(insert(n.people).values(id=person, estate_id=estate, name=f"业主{i}", language=LANGUAGES[i],
                                               preferred_channel="sms", mobile=MOBILES[i], version=1))
        db.execute(insert(n.opt_outs).values(person_id=people[2], purpose="survey", estate_id=estate,
                                             created_at=datetime.now(UTC)))


@pytest.fixture
def suite(make_database, amqp_vhost_url: str) -> Iterator[dict]:
    with processes_suite(make_database, amqp_vhost_url, (SURVEYS, NOTIFY),
                         NOTIFY_SENDER_INTERVAL_SECONDS="0.05") as suite:
        yield suite


def test_a_forums_invitations_reach_the_households_by_sms_and_an_opt_out_holds(suite) -> None:
    engines, env = suite["engines"], suite["env"]
    estate = uuid.uuid4()
    _seed(engines, estate)
    sms_port = free_port()
    env = {**env, "NOTIFY_SMS_ENDPOINT": f"http://127.0.0.1:{sms_port}"}
    with ExitStack() as stack:
        for service in ("surveys", "notify"):
            stack.enter_context(service_process(service, "topology", env=env)).wait()
        standin = stack.enter_context(service_process("notify", "sms-standin", "--port", str(sms_port), env=env))
        for service, command in (("surveys", "relay"), ("notify", "consume"), ("notify", "send")):
            stack.enter_context(service_process(service, command, env=env))
        http = stack.enter_context(httpx.Client(timeout=10))

        def sms() -> list[dict]:
            if standin.poll() is not None:
                raise AssertionError("the SMS stand-in stopped")
            try:
                found = http.get(f"http://127.0.0.1:{sms_port}/_standin/messages").json()["messages"]
            except httpx.HTTPError:
                return []
            return [m for m in found if m["template_code"] == "SMS_ED_FORUM_INVITATION"]

        def answered() -> int:  # surveys' events notify has applied (an opted-out one too)
            with engines["notify"].connect() as db:
                return db.execute(select(func.count()).select_from(notify_tables.inbox)).scalar_one()

        uow = SURVEYS.unit_of_work(sessionmaker(engines["surveys"], expire_on_commit=False))
        hold(uow, "desk-1", datetime.now(UTC), estate_id=estate, title="第四季度业户座谈会", held_on=date(2026, 12, 19),
             invite=3, place="会所二楼")
        wait_for(lambda: answered() == 3, "notify to answer the forum's three invitations")
        wait_for(lambda: len(sms()) >= 2, "the two forum invitation SMS at the stand-in")
        with engines["notify"].connect() as db:
            queued = {m.address[-11:]: m for m in db.execute(select(
                notify_tables.messages.c.address, notify_tables.messages.c.body))}
        received = {m["number"][-11:]: m for m in sms()}
    assert set(queued) == {MOBILES[0], MOBILES[1]}  # nothing for the owner who opted out of survey messages
    assert set(received) == {MOBILES[0], MOBILES[1]}
    for mobile in MOBILES[:2]:
        params = received[mobile]["params"]
        assert (params["title"], params["held_on"], params["place"]) == ("第四季度业户座谈会", "2026-12-19", "会所二楼")
    assert queued[MOBILES[0]].body.startswith("业主0您好，诚邀您参加2026-12-19举行的业户座谈会「第四季度业户座谈会」")
    assert queued[MOBILES[1]].body.startswith('Dear 业主1, you are invited to the owners\' forum "第四季度业户座谈会"')
