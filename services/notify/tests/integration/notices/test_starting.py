"""start_due: a due notice's audience kept, one queued message per reachable recipient, once, even
when called twice or concurrently; quiet hours hold non-urgent SMS; a recurring notice makes its next
occurrence; a paused notice's messages wait; a cancelled notice's queued messages are cancelled."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.events import NOTICE_SCHEDULED, NOTICE_STARTED
from notify.notices import use_cases
from notify.notices.starting import start_due
from notify.service import SERVICE
from notify.tables import message_history, messages, notices, recipients, templates
from notify.tables import outbox as the_outbox
from servicekit.unit_of_work import UnitOfWork

NOON = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
NIGHT = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai


def uow(engine):
    return UnitOfWork(engine.connect, the_outbox, SERVICE.source)


def make(engine, settings, world, template_id, at=NOON, **extra):
    data = {"estate_id": world.estate_id, "template_id": template_id, "title": "三月物业费", "purpose": "fee",
            "audience": {"estate": True}, "variables": {"amount": "320.00", "due_date": "3月31日"},
            "channels": ["sms", "email", "in_app"], **extra}
    return use_cases.create_notice(uow(engine), data, settings, created_by="test", now=at)["notice"]


def start(engine, settings, at):
    with Session(engine) as session:
        return start_due(session, at, settings)


@pytest.fixture
def ready(world):
    world.household("2-1202", "王芳", mobile="13800000001")
    world.household("2-1203", "Tom", mobile=None, email="tom@example.com", language="en")
    world.household("2-1204", "李伟", mobile=None, email=None)  # in-app only
    return world.template()


def rows(engine, statement):
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(statement).mappings()]


def test_a_due_notice_is_started_once(db, settings, world, ready, count, events_of):
    notice = make(db, settings, world, ready)
    assert start(db, settings, NOON - timedelta(minutes=1)) == 0  # not yet due (send_at is now)
    assert start(db, settings, NOON) == 1
    assert start(db, settings, NOON + timedelta(minutes=1)) == 0
    queued = rows(db, select(messages))
    li = next(m["person_id"] for m in queued if m["channel"] == "in_app")
    assert sorted((m["channel"], m["address"]) for m in queued) == [
        ("email", "tom@example.com"), ("in_app", str(li)), ("sms", "13800000001")]
    sms = next(m for m in queued if m["channel"] == "sms")
    assert sms["body"] == "王芳您好：1栋 2-1202本月物业费320.00元，请于3月31日前缴纳。" and sms["segments"] == 1
    assert sms["params"] == {"name": "王芳", "unit": "1栋 2-1202", "amount": "320.00", "due_date": "3月31日"}
    assert sms["state"] == "queued" and sms["next_attempt_at"] == NOON and sms["sms_template_code"] == "SMS_1001"
    email = next(m for m in queued if m["channel"] == "email")
    assert email["language"] == "en" and email["subject"] == "Fee notice"
    assert count(recipients) == 3 and count(message_history) == 3
    [started] = events_of(NOTICE_STARTED)
    assert started["notice"]["id"] == str(notice["id"]) and started["notice"]["status"] == "sending"
    assert started["messages"] == 3


def test_no_contact_recipients_are_kept_without_a_message(db, settings, world, ready, count):
    make(db, settings, world, ready, channels=["sms"])
    world.household("2-1205", "赵六", mobile="13800000005")
    start(db, settings, NOON)
    kept = {r["name"]: r["excluded"] for r in rows(db, select(recipients))}
    assert kept == {"王芳": None, "Tom": "no_contact", "李伟": "no_contact", "赵六": None}  # resolved when sent
    assert count(messages) == 2


def test_quiet_hours_hold_non_urgent_sms_and_not_emergencies(db, settings, world, ready):
    make(db, settings, world, ready, at=NIGHT)
    urgent = world.template("紧急通知：今晚22:30起停水，请${name}做好储水准备。", en=None, variables=(),
                            purpose="emergency")
    make(db, settings, world, urgent, at=NIGHT, purpose="emergency", variables={})
    assert start(db, settings, NIGHT) == 2
    morning = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    due = {(m["urgent"], m["channel"]): m["next_attempt_at"] for m in rows(db, select(messages))}
    assert due[(False, "sms")] == morning and due[(False, "email")] == NIGHT
    assert due[(True, "sms")] == NIGHT


def test_a_recurring_notice_makes_its_next_occurrence(db, settings, world, ready, events_of):
    first = make(db, settings, world, ready, repeat={"every": "month", "day": 5, "time": "09:00"})
    fifth = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    assert first["send_at"] == fifth and first["series_id"] == first["id"]
    assert start(db, settings, fifth) == 1 and start(db, settings, fifth) == 0
    series = rows(db, select(notices).order_by(notices.c.send_at))
    assert [(n["status"], n["send_at"]) for n in series] == [
        ("sending", fifth), ("scheduled", datetime(2026, 4, 5, 1, 0, tzinfo=UTC))]
    assert {n["series_id"] for n in series} == {first["id"]}
    assert len(events_of(NOTICE_SCHEDULED)) == 2


def test_pause_holds_and_cancel_cancels_the_queued_messages(db, settings, world, ready):
    notice = make(db, settings, world, ready)
    start(db, settings, NOON)
    assert use_cases.change_status(uow(db), notice["id"], "pause", NOON)["status"] == "paused"
    # the sender takes only messages of a sending notice (or none): none is takeable now
    takeable = (select(messages.c.id).join(notices, notices.c.id == messages.c.notice_id)
                .where(messages.c.state == "queued", notices.c.status == "sending"))
    assert rows(db, takeable) == []
    use_cases.change_status(uow(db), notice["id"], "resume", NOON)
    assert len(rows(db, takeable)) == 3
    with db.begin() as conn:  # one message already handed to a provider
        sent = conn.execute(select(messages.c.id).where(messages.c.channel == "email")).scalar_one()
        conn.execute(messages.update().where(messages.c.id == sent).values(state="sent"))
    use_cases.change_status(uow(db), notice["id"], "cancel", NOON)
    states = sorted(m["state"] for m in rows(db, select(messages)))
    assert states == ["cancelled", "cancelled", "sent"]
    history = rows(db, select(message_history).where(message_history.c.state == "cancelled"))
    assert len(history) == 2


@pytest.mark.postgres_only
def test_concurrent_starts_make_one_set_of_messages(db, settings, world, ready, count):
    for _ in range(5):
        make(db, settings, world, ready)
    barrier, results = threading.Barrier(4), []

    def run():
        barrier.wait()
        results.append(start(db, settings, NOON))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 5
    assert count(messages) == 15 and count(recipients) == 15
    assert count(notices, notices.c.status == "sending") == 5


def test_a_notice_whose_template_lost_a_variable_is_cancelled_not_stuck(db, settings, world, ready):
    notice = make(db, settings, world, ready)
    with db.begin() as conn:
        conn.execute(templates.update().values(texts={"zh-CN": {"subject": "", "body": "${name} ${penalty}"}}))
    assert start(db, settings, NOON) == 0
    assert rows(db, select(notices.c.status).where(notices.c.id == notice["id"])) == [{"status": "cancelled"}]
