"""A completed notice's reach is kept on it (issue 23: the estate dashboard's reach must not count
every message of its finished notices), and the estate's reach from the kept numbers is the reach
counted from the messages: at completion, after an in-app message read late, a late receipt, a
resend by another channel, a read racing the completion, and for notices completed before the
migration that keeps them."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from notify.receipts.use_cases import apply_pending
from notify.service import SERVICE
from notify.tables import messages, notices, receipts
from notify.tracking import kept_reach, views
from notify.tracking.completion import complete_finished
from servicekit.db import make_engine
from servicekit.migrate import alembic_config, upgrade

from .conftest import T0, World

URL = "/api/v1/notices"
NOW = T0 + timedelta(minutes=10)
SINCE = T0 - timedelta(days=1)
FIELDS = ("notices", "recipients", "reached", "excluded", "reach_rate")


def reach(client, auth, estate) -> dict[str, Any]:
    """The estate's reach as the dashboard asks for it."""
    answer = client.get(f"{URL}/reach", query_string={"estate_id": str(estate), "since": SINCE.isoformat()},
                        headers=auth("estate_manager", [estate]))
    assert answer.status_code == 200, answer.json
    return {k: answer.json[k] for k in FIELDS}


def counted(engine, estate) -> dict[str, Any]:
    """The estate's reach counted from its recipients and messages: with no notice's reach kept."""
    with Session(engine) as session:
        session.execute(update(notices).values(kept_reach.FORGOTTEN))
        found = views.estate_reach(session, estate, SINCE)
        session.rollback()
    return {k: found[k] for k in FIELDS}


def kept(engine, notice_id) -> tuple[Any, Any, Any]:
    with engine.connect() as conn:
        return tuple(conn.execute(select(notices.c.kept_recipients, notices.c.kept_excluded, notices.c.kept_reached)
                                  .where(notices.c.id == notice_id)).one())


def complete(engine) -> int:
    with Session(engine) as session:
        closed = complete_finished(session, NOW)
        session.commit()
    return closed


def settle(engine, message_id, state: str, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(update(messages).where(messages.c.id == message_id).values(state=state, **values))


@pytest.fixture
def in_app(world) -> dict[str, Any]:
    """A sending notice over SMS, then in-app: 王's SMS delivered; 张's SMS failed, their in-app
    message lies unread; 李's SMS delivered and an in-app message unread besides; 赵 has two in-app
    messages unread (both final: the notice completes); 孙 excluded."""
    a = world.estate()
    p = {name: world.person(a, name) for name in "王张李赵孙"}
    notice = world.notice(a, channels=["sms", "in_app"])
    r = {name: world.recipient(notice, name, estate_id=a, person_id=p[name], mobile=f"1380000041{i}")
         for i, name in enumerate("王张李赵", 1)}
    r["孙"] = world.recipient(notice, "孙", estate_id=a, person_id=p["孙"], excluded="opted_out")
    m = {"王": world.message(r["王"], "sms", "delivered"), "张sms": world.message(r["张"], "sms", "failed"),
         "李": world.message(r["李"], "sms", "delivered")}
    m["张app"] = world.message(r["张"], "in_app", "delivered", minutes=1, fallback_of=m["张sms"])
    m["李app"] = world.message(r["李"], "in_app", "delivered", minutes=1)
    m["赵1"] = world.message(r["赵"], "in_app", "delivered", minutes=1)
    m["赵2"] = world.message(r["赵"], "in_app", "delivered", minutes=2)
    return {"a": a, "notice": notice, "p": p, "r": r, "m": m}


def test_the_completion_keeps_the_reach_and_the_estates_reach_adds_the_kept(client, auth, db, fee_notice) -> None:
    """Before completion the reach is counted; the completion keeps its counts (6 recipients with 孙
    excluded, 王 and 李 reached), the same answer; from then on the kept numbers are what is read."""
    f = fee_notice
    assert kept(db, f["notice"]) == (None, None, None)
    sending = reach(client, auth, f["a"])
    assert sending == counted(db, f["a"]) == {"notices": 1, "recipients": 5, "reached": 2, "excluded": 1,
                                              "reach_rate": 0.4}
    settle(db, f["m"]["钱"], "failed")
    assert complete(db) == 2
    assert kept(db, f["notice"]) == (6, 1, 2)
    assert reach(client, auth, f["a"]) == counted(db, f["a"]) == sending
    assert reach(client, auth, f["b"]) == counted(db, f["b"])
    with db.begin() as conn:  # read, not counted: a number only the kept reach has
        conn.execute(update(notices).where(notices.c.id == f["notice"]).values(kept_reached=4))
    assert reach(client, auth, f["a"])["reached"] == 4


def test_an_in_app_message_read_after_completion_is_added_once_per_recipient(client, auth, db, in_app) -> None:
    f = in_app
    assert complete(db) == 1
    assert kept(db, f["notice"]) == (5, 1, 2)  # 王, 李 by SMS; unread in-app messages reach nobody
    assert reach(client, auth, f["a"]) == counted(db, f["a"])

    def owner(name: str) -> dict[str, str]:
        return auth("owner", [f["a"]], subject=str(f["p"][name]))

    people = "/api/v1/people"
    opened = client.post(f"{people}/{f['p']['张']}/inbox/{f['m']['张app']}/read", headers=owner("张"))
    assert opened.status_code == 200, opened.json
    assert kept(db, f["notice"])[2] == 3  # 张 reached, by the read
    assert client.post(f"{people}/{f['p']['张']}/inbox/{f['m']['张app']}/read", headers=owner("张")).status_code == 200
    assert client.post(f"{people}/{f['p']['李']}/inbox/{f['m']['李app']}/read", headers=owner("李")).status_code == 200
    assert kept(db, f["notice"])[2] == 3  # opened again; 李 was reached already by SMS
    marked = client.post(f"{people}/{f['p']['赵']}/inbox/read-all", headers=owner("赵"))
    assert marked.json == {"marked": 2}
    assert kept(db, f["notice"])[2] == 4  # 赵's two messages read at once: one recipient reached
    assert reach(client, auth, f["a"]) == counted(db, f["a"]) == {
        "notices": 1, "recipients": 4, "reached": 4, "excluded": 1, "reach_rate": 1.0}


def test_a_late_receipt_of_a_completed_notices_sms_changes_nothing(client, auth, db, world) -> None:
    """An SMS whose receipt never came (``no_receipt``) lets its notice complete; the receipt that
    comes after is recorded and changes neither the message nor the reach."""
    a = world.estate()
    notice = world.notice(a, channels=["sms"])
    r = world.recipient(notice, "王", estate_id=a, mobile="13800000421")
    late = world.message(r, "sms", "no_receipt", provider="aliyun", provider_ref="BIZ-LATE", sent_at=T0)
    assert complete(db) == 1
    assert kept(db, notice) == (1, 0, 0)
    with db.begin() as conn:
        conn.execute(insert(receipts).values(id=uuid.uuid4(), provider="aliyun", provider_ref="BIZ-LATE",
                                             address="13800000421", success=True, code="DELIVRD", received_at=NOW))
    with Session(db) as session:
        assert apply_pending(session, None, NOW) == 1
        session.commit()
    with db.connect() as conn:
        assert conn.execute(select(messages.c.state).where(messages.c.id == late)).scalar_one() == "no_receipt"
    assert kept(db, notice) == (1, 0, 0)
    assert reach(client, auth, a) == counted(db, a)


def test_a_resend_after_completion_is_counted_until_the_notice_completes_again(client, auth, db, fee_notice) -> None:
    f = fee_notice
    settle(db, f["m"]["钱"], "failed")
    complete(db)
    assert kept(db, f["notice"]) == (6, 1, 2)
    answer = client.post(f"{URL}/{f['notice']}/resend", json={"channel": "email"}, headers=auth())
    assert answer.status_code == 201, answer.json
    assert kept(db, f["notice"]) == (None, None, None)  # sending again: counted
    resent = {m["recipient_id"]: uuid.UUID(m["message_id"]) for m in answer.json["messages"]}
    settle(db, resent[str(f["r"]["张"])], "delivered", delivered_at=NOW)
    assert reach(client, auth, f["a"]) == counted(db, f["a"])
    assert reach(client, auth, f["a"])["reached"] == 3  # 张 by e-mail; 钱's e-mail still queued
    settle(db, resent[str(f["r"]["钱"])], "failed")
    assert complete(db) == 1
    assert kept(db, f["notice"]) == (6, 1, 3)
    assert reach(client, auth, f["a"]) == counted(db, f["a"])


@pytest.mark.postgres_only
def test_a_read_while_the_notice_is_being_completed_is_counted(db, in_app) -> None:
    """A read holding the notice (not committed yet) makes a completion skip it, the read then
    counted by the next one; a read coming while a completion holds the notice waits for it and is
    added to what it kept. Either way the kept reach is the counted one."""
    f = in_app
    with Session(db) as reader:  # 张 opens their message; the notice completes meanwhile
        reader.execute(update(messages).where(messages.c.id == f["m"]["张app"]).values(state="read", read_at=NOW))
        kept_reach.count_late_reads(reader, [(f["m"]["张app"], f["notice"], f["r"]["张"])])
        assert complete(db) == 0  # skipped: the reader holds it
        reader.commit()
    assert complete(db) == 1
    assert kept(db, f["notice"]) == (5, 1, 3)

    def read(message_id, recipient_id) -> None:
        with Session(db) as session:
            session.execute(update(messages).where(messages.c.id == message_id).values(state="read", read_at=NOW))
            kept_reach.count_late_reads(session, [(message_id, f["notice"], recipient_id)])
            session.commit()

    with db.begin() as conn:  # the notice sending again (a resend), 赵's message read while it completes
        conn.execute(update(notices).where(notices.c.id == f["notice"]).values(status="sending",
                                                                             **kept_reach.FORGOTTEN))
    with Session(db) as completing:
        assert complete_finished(completing, NOW) == 1
        reader = threading.Thread(target=read, args=(f["m"]["赵1"], f["r"]["赵"]))
        reader.start()
        waiting, deadline = 0, time.monotonic() + 30
        while not waiting:  # the reader waits on the notice the completion holds
            assert time.monotonic() < deadline, "the reader never waited on the notice"
            time.sleep(0.05)
            with db.connect() as conn:
                waiting = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                            "AND datname = current_database()")).scalar_one()
        completing.commit()
        reader.join()
    assert kept(db, f["notice"]) == (5, 1, 4)
    assert counted(db, f["a"])["reached"] == 4


def test_the_migration_keeps_the_reach_of_the_notices_completed_before_it(make_database) -> None:
    url = make_database()
    command.upgrade(alembic_config(SERVICE, url), "0009_reach_indexes")
    engine = make_engine(url)
    try:
        world = World(engine)
        a = world.estate()
        done, sending = world.notice(a, status="sent"), world.notice(a)
        for notice in (done, sending):
            r = {name: world.recipient(notice, name, estate_id=a, mobile=f"1380000043{i}")
                 for i, name in enumerate("王张李", 1)}
            world.recipient(notice, "孙", estate_id=a, excluded="no_contact")
            world.message(r["王"], "sms", "delivered")
            world.message(r["王"], "email", "delivered")  # reached twice: one recipient
            world.message(r["张"], "sms", "failed")
            world.message(r["张"], "in_app", "delivered")  # unread: reaches nobody
            world.message(r["李"], "in_app", "read")
        upgrade(SERVICE, url)
        assert kept(engine, done) == (4, 1, 2)
        assert kept(engine, sending) == (None, None, None)
        with Session(engine) as session:
            assert views.estate_reach(session, a, SINCE)["reached"] == 4
        assert counted(engine, a)["reached"] == 4
    finally:
        engine.dispose()
