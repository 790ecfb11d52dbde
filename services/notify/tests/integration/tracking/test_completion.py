"""complete_finished: a sending notice whose messages are all final becomes sent, once, with the
completed event (its totals) and an unreached event for each household no channel reached."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from notify.service import SERVICE
from notify.tables import messages, notices, outbox
from notify.tracking.completion import complete_finished

from .conftest import T0

NOW = T0 + timedelta(minutes=10)


def events(engine, type_: str) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(outbox.table.c.body).where(outbox.table.c.event_type == type_)
                            .order_by(outbox.table.c.seq)).scalars()
        return [json.loads(body)["data"] for body in rows]


def complete(engine) -> int:
    with Session(engine) as session:
        closed = complete_finished(session, NOW)
        session.commit()
    return closed


def status(engine, notice_id) -> str:
    with engine.connect() as conn:
        return conn.execute(select(notices.c.status).where(notices.c.id == notice_id)).scalar_one()


def settle(engine, message_id, state: str = "failed") -> None:
    with engine.begin() as conn:
        conn.execute(update(messages).where(messages.c.id == message_id).values(state=state))


def test_a_notice_completes_when_its_last_message_is_final(db, fee_notice) -> None:
    f = fee_notice
    assert complete(db) == 1  # estate B's notice: its one message delivered
    assert status(db, f["notice"]) == "sending"  # 钱's SMS is still queued
    settle(db, f["m"]["钱"])
    assert complete(db) == 1
    assert complete(db) == 0
    with db.connect() as conn:
        finished = conn.execute(select(notices.c.finished_at, notices.c.version)
                                .where(notices.c.id == f["notice"])).one()
    assert finished.finished_at == NOW and finished.version == 2
    completed = [e for e in events(db, "notify.notice.completed.v1") if e["notice_id"] == str(f["notice"])]
    assert len(completed) == 1
    assert completed[0]["totals"]["recipients"] == {"total": 6, "reached": 2, "not_reached": 3, "pending": 0,
                                                    "unreached": 3, "excluded": 1, "opted_out": 0, "no_contact": 1}
    assert completed[0]["totals"]["messages"]["failed"] == 4
    unreached = {e["name"]: e for e in events(db, "notify.recipient.unreached.v1")}
    assert set(unreached) == {"张", "赵", "钱", "孙"}
    assert unreached["孙"]["reason"] == "no_contact" and unreached["孙"]["failures"] == []
    zhang = unreached["张"]
    assert (zhang["reason"], zhang["person_id"], zhang["unit_id"], zhang["unit_label"]) == (
        "failed", str(f["people"]["张"]), str(f["units"][3]), "2栋 3-101")
    assert [(x["channel"], x["code"]) for x in zhang["failures"]] == [("sms", "isv.MOBILE_NUMBER_ILLEGAL")]
    assert "mobile" not in zhang


def test_the_people_a_notice_reached_are_named_with_the_channel_that_reached_them(db, fee_notice) -> None:
    """For each person's activity timeline in owners: 王 by SMS, 李 by the e-mail after the failed SMS;
    estate B's recipient (a list entry, no person) is named nowhere, so its notice publishes none."""
    f = fee_notice
    complete(db)
    assert events(db, "notify.recipients.reached.v1") == []  # estate B's notice reached no one known to owners
    settle(db, f["m"]["钱"])
    complete(db)
    [reached] = events(db, "notify.recipients.reached.v1")
    assert (reached["notice_id"], reached["part"], reached["parts"], reached["title"]) == (
        str(f["notice"]), 1, 1, "12月物业费缴纳通知")
    assert sorted((r["person_id"], r["unit_id"], r["channel"]) for r in reached["recipients"]) == sorted([
        (str(f["people"]["王"]), str(f["units"][1]), "sms"), (str(f["people"]["李"]), str(f["units"][2]), "email")])


def test_a_notice_reaching_more_people_than_a_part_holds_is_named_in_parts(db, world, monkeypatch) -> None:
    monkeypatch.setattr("notify.tracking.completion.REACHED_PART_SIZE", 2)
    a = world.estate()
    unit = world.unit(a, world.building(a, "1"), "1-101")
    notice = world.notice(a)
    for n in range(5):
        person = world.person(a, f"住户{n}", mobile=f"1380000001{n}")
        world.message(world.recipient(notice, f"住户{n}", estate_id=a, person_id=person, unit_id=unit,
                                      unit_label="1栋 1-101", mobile=f"1380000001{n}"), "sms", "delivered")
    complete(db)
    parts = events(db, "notify.recipients.reached.v1")
    assert [(p["part"], p["parts"], len(p["recipients"])) for p in parts] == [(1, 3, 2), (2, 3, 2), (3, 3, 1)]
    assert len({r["person_id"] for p in parts for r in p["recipients"]}) == 5


def test_paused_and_scheduled_notices_are_not_completed(db, world) -> None:
    a = world.estate()
    paused, scheduled = world.notice(a, "paused"), world.notice(a, "scheduled")
    assert complete(db) == 0
    assert (status(db, paused), status(db, scheduled)) == ("paused", "scheduled")


def test_the_events_match_their_contracts(db, fee_notice) -> None:
    settle(db, fee_notice["m"]["钱"])
    complete(db)
    for type_ in ("notify.notice.completed.v1", "notify.recipient.unreached.v1", "notify.recipients.reached.v1"):
        schema = json.loads((SERVICE.contracts / "events" / f"{type_}.json").read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        check = Draft202012Validator(schema, format_checker=FormatChecker())
        for example in schema["examples"]:
            check.validate(example)
        written = events(db, type_)
        assert written, type_
        for data in written:
            check.validate(data)


@pytest.mark.postgres_only
def test_two_callers_at_once_complete_a_notice_once(db, fee_notice) -> None:
    """The first caller is closing the notices and has not committed (the totals of 100,000 messages
    take a while): the second skips them at once, without waiting on their rows, and closes nothing
    (before, a second sender waited there, and two senders were slower than one)."""
    f = fee_notice
    settle(db, f["m"]["钱"])
    with Session(db) as first:
        assert complete_finished(first, NOW) == 2  # both notices, not committed yet
        assert complete(db) == 0  # returns at once: the notices being closed are skipped
        first.commit()
    assert complete(db) == 0
    assert len(events(db, "notify.notice.completed.v1")) == 2
    assert len(events(db, "notify.recipient.unreached.v1")) == 4
