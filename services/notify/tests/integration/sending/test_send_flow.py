"""The sender's round over a fake SMS provider and the in-app inbox: marks, retries with backoff,
throttling, fallback to the next channel, unknown outcomes settled by find_sent, dead senders."""

from __future__ import annotations

import time
import uuid
from collections import Counter

import pytest
from sqlalchemy import select

from notify.providers.in_app import InApp
from notify.receipts.use_cases import Receipt, store
from notify.sending.worker import Sender
from notify.service import SERVICE
from notify.tables import messages, provider_calls


def sender(db, settings, clock, sms, **more):  # noqa: ANN001, ANN201
    return Sender(db, settings, {"sms": sms, "in_app": InApp(), **more}, clock=clock, name="test:1")


def test_accepted_messages_are_sent_with_their_ref_and_history(db, settings, clock, kit) -> None:
    notice = kit.add_notice(db)
    ids = kit.add_messages(db, notice, 5)
    sms = kit.FakeSms()
    done = sender(db, settings, clock, sms).round()
    assert (done.calls, done.messages) == (1, 5)
    rows = kit.states_of(db, notice["id"])
    assert {r["state"] for r in rows} == {"sent"}
    assert all(r["provider_ref"].startswith("biz-") and r["attempts"] == 1 and r["call_id"] for r in rows)
    # No history row for "sending": it lasts a call, the row records it (call_id), the mark writes "sent".
    assert kit.history_of(db, ids[0]) == [("sent", None)]
    with db.connect() as conn:
        assert conn.execute(select(provider_calls.c.state, provider_calls.c.messages)).all() == [("accepted", 5)]
    assert sender(db, settings, clock, sms).round().calls == 0  # nothing is sent twice


def test_only_messages_of_sending_notices_or_of_none_are_taken_urgent_first(db, settings, clock, kit) -> None:
    paused = kit.add_notice(db, status="paused")
    kit.add_messages(db, paused, 3)
    loose = kit.add_messages(db, None, 2)
    urgent = kit.add_messages(db, None, 1, urgent=True, now=clock.now)
    sms = kit.FakeSms(per_call=1)
    sender(db, settings.__class__(**{**settings.__dict__, "sender_batch": 1}), clock, sms).round()
    assert list(sms.sent) == urgent  # one per batch: the urgent one first
    sender(db, settings, clock, sms).round()
    assert set(sms.sent) == {*urgent, *loose}  # the paused notice's messages wait


def test_a_temporary_failure_is_retried_with_backoff_then_the_next_channels(db, settings, clock, kit) -> None:
    notice = kit.add_notice(db, channels_=("sms", "in_app"))
    [id_] = kit.add_messages(db, notice, 1)
    sms = kit.FakeSms("reject")
    worker = sender(db, settings, clock, sms)
    waits = []
    for _ in range(settings.max_attempts):
        worker.round()
        [row] = [r for r in kit.states_of(db, notice["id"]) if r["id"] == id_]
        if row["state"] == "queued":
            waits.append((row["next_attempt_at"] - clock.now).total_seconds())
            worker.round()  # not due yet: not taken
            assert sms.calls == len(waits)
            clock.now = row["next_attempt_at"]
    base = settings.retry_backoff_seconds
    assert waits == [base * 2 ** n for n in range(settings.max_attempts - 1)]
    assert (row["state"], row["attempts"], row["failure_code"]) == ("failed", settings.max_attempts, "isp.SYSTEM_ERROR")
    worker.round()  # the fallback: in-app (the notice names no e-mail)
    rows = kit.states_of(db, notice["id"])
    [inbox] = [r for r in rows if r["fallback_of"] == id_]
    assert (inbox["channel"], inbox["state"], inbox["address"]) == ("in_app", "delivered", None)


def test_a_bad_number_falls_back_to_email_then_in_app(db, settings, clock, kit) -> None:
    notice = kit.add_notice(db)
    [id_] = kit.add_messages(db, notice, 1)

    class Bounce:  # an e-mail provider that refuses the address for good
        provider, channel = "bounce", "email"
        plan = kit.FakeSms.plan
        per_call = 10

        def send(self, call_id, outgoing):  # noqa: ANN001, ANN201
            return kit.FakeSms("refuse").send(call_id, outgoing)

    worker = sender(db, settings, clock, kit.FakeSms("refuse"), email=Bounce())
    worker.round()  # SMS refused → e-mail queued, and sent in the same round (refused too) → in-app queued
    worker.round()
    rows = {r["channel"]: r for r in kit.states_of(db, notice["id"])}
    assert (rows["sms"]["state"], rows["sms"]["attempts"]) == ("failed", 1)
    assert (rows["email"]["state"], rows["email"]["address"], rows["email"]["fallback_of"]) == (
        "failed", "owner0@example.com", id_)
    assert (rows["in_app"]["state"], rows["in_app"]["fallback_of"]) == ("delivered", rows["email"]["id"])


def test_throttled_messages_wait_without_counting_an_attempt(db, settings, clock, kit) -> None:
    notice = kit.add_notice(db)
    kit.add_messages(db, notice, 3)
    worker = sender(db, settings, clock, kit.FakeSms("throttle"))
    worker.round()
    rows = kit.states_of(db, notice["id"])
    assert {(r["state"], r["attempts"]) for r in rows} == {("queued", 0)}
    assert {(r["next_attempt_at"] - clock.now).total_seconds() for r in rows} == {5.0}
    clock.advance(5)
    accepting = kit.FakeSms()
    sender(db, settings, clock, accepting).round()
    assert {(r["state"], r["attempts"]) for r in kit.states_of(db, notice["id"])} == {("sent", 1)}


@pytest.mark.parametrize("found", [True, False])
def test_an_unknown_outcome_is_settled_by_find_sent_before_anything_is_resent(db, settings, clock, kit,
                                                                            found: bool) -> None:
    notice = kit.add_notice(db)
    ids = kit.add_messages(db, notice, 4)
    sms = kit.FakeSms("lose")
    worker = sender(db, settings, clock, sms)
    worker.round()
    assert {r["state"] for r in kit.states_of(db, notice["id"])} == {"sending"}
    with db.connect() as conn:
        assert conn.execute(select(provider_calls.c.state)).scalars().all() == ["unknown"]
    if not found:
        sms.known.clear()  # the provider never got it after all
    sms.mode = "accept"
    clock.advance(1)
    worker.round()  # settles the call; what was not found is queued again, and sent in this round
    assert sms.sent == Counter({id_: 1 if found else 2 for id_ in ids})
    rows = kit.states_of(db, notice["id"])
    assert {r["state"] for r in rows} == {"sent"}
    assert kit.history_of(db, ids[0]) == (  # the lost call's outcome says it went or was queued again
        [("sent", "found")] if found else [("queued", "unknown_outcome"), ("sent", None)])


def test_a_provider_that_cannot_be_asked_just_now_gets_nothing_resent_until_it_answers(db, settings, clock,
                                                                                       kit) -> None:
    notice = kit.add_notice(db)
    ids = kit.add_messages(db, notice, 3)
    sms = kit.FakeSms("lose", answerable="down")
    worker = sender(db, settings, clock, sms)
    worker.round()
    sms.mode = "accept"
    clock.advance(1)
    worker.round()  # the send-details query fails: the call stays open, nothing is sent again
    assert sms.sent == Counter(dict.fromkeys(ids, 1))
    assert {r["state"] for r in kit.states_of(db, notice["id"])} == {"sending"}
    sms.answerable = True
    clock.advance(31)
    worker.round()
    assert sms.sent == Counter(dict.fromkeys(ids, 1))
    assert {r["state"] for r in kit.states_of(db, notice["id"])} == {"sent"}


def test_the_calls_of_a_dead_sender_are_settled_after_their_lease(db, settings, clock, kit) -> None:
    from sqlalchemy.orm import Session

    from notify.sending import calls, claim

    notice = kit.add_notice(db)
    ids = kit.add_messages(db, notice, 6)
    sms = kit.FakeSms(per_call=3)
    with Session(db) as session, session.begin():  # a sender records two calls, makes one, and dies
        recorded = calls.record(session, sms, claim.due(session, clock.now, "sms", 10), clock.now, "dead:1",
                                settings.sender_lease_seconds)
    sms.send(recorded[0].id, recorded[0].messages)
    worker = sender(db, settings, clock, sms)
    assert worker.round().calls == 0  # within the lease: nobody touches them
    clock.advance(settings.sender_lease_seconds + 1)
    worker.round()
    assert sms.sent == Counter(dict.fromkeys(ids, 1))  # the made call found, the other made now
    assert {r["state"] for r in kit.states_of(db, notice["id"])} == {"sent"}


def test_a_stopped_sender_puts_back_the_calls_it_has_not_made(db, settings, clock, kit) -> None:
    import threading

    notice = kit.add_notice(db)
    kit.add_messages(db, notice, 4)
    stop = threading.Event()

    class StopsAfterOne(kit.FakeSms):
        def send(self, call_id, outgoing):  # noqa: ANN001, ANN201
            stop.set()  # SIGTERM arrives during the first call
            return super().send(call_id, outgoing)

    sms = StopsAfterOne(per_call=1)
    sender(db, settings, clock, sms).round(stop)
    rows = kit.states_of(db, notice["id"])
    assert sorted(r["state"] for r in rows) == ["queued", "queued", "queued", "sent"]
    with db.connect() as conn:
        assert sorted(conn.execute(select(provider_calls.c.state)).scalars()) == ["accepted", *["released"] * 3]
        queued = select(messages.c.call_id).where(messages.c.state == "queued")
        assert conn.execute(queued).scalars().all() == [None] * 3


def test_a_round_starts_the_notices_due_and_sends_them_with_the_estate_s_signature(db, settings, clock, kit) -> None:
    """The sender's round runs start_due (which commits notice by notice) and then sends what it
    queued: the SMS signed with the estate's own signature (签名), which the provider requires."""
    from sqlalchemy import insert

    from notify.tables import buildings, estate_settings, estates, notices, occupancies, people, templates, units

    estate, building, unit, person, template = (uuid.uuid4() for _ in range(5))
    texts = {"zh-CN": {"subject": "停水通知", "body": "${name}您好：明日9:00至12:00停水。"}}
    with db.begin() as conn:
        conn.execute(insert(estates).values(id=estate, code="SUN", name="阳光花园", version=1))
        conn.execute(insert(estate_settings).values(estate_id=estate, timezone="Asia/Shanghai", quiet_start="23:00",
                                                    quiet_end="06:00", sms_sign_name="阳光物业", version=1))
        conn.execute(insert(buildings).values(id=building, estate_id=estate, code="1", name="1栋", version=1))
        conn.execute(insert(units).values(id=unit, estate_id=estate, building_id=building, number="101", version=1))
        conn.execute(insert(people).values(id=person, estate_id=estate, name="张三", mobile="13800000001", version=1))
        conn.execute(insert(occupancies).values(id=uuid.uuid4(), estate_id=estate, unit_id=unit, person_id=person,
                                                role="owner", version=1))
        conn.execute(insert(templates).values(id=template, estate_id=estate, code="water", purpose="service",
                                              texts=texts, variables=[], sms_template_code="SMS_WATER",
                                              created_at=clock.now, updated_at=clock.now))
        conn.execute(insert(notices).values(
            id=uuid.uuid4(), estate_id=estate, template_id=template, purpose="service", title="停水通知",
            channels=["sms"], audience={"estate": True}, variables={}, status="scheduled", send_at=clock.now,
            created_by="test", created_at=clock.now))
    sms = kit.FakeSms()
    done = sender(db, settings, clock, sms).round()
    assert (done.started, len(sms.sent), sms.signs) == (1, 1, ["阳光物业"])


def test_an_idle_round_looks_for_notices_to_complete_once_a_second(db, settings, clock, kit, monkeypatch) -> None:
    from notify.sending import worker as the_worker

    looked = []
    complete = the_worker.complete_finished
    monkeypatch.setattr(the_worker, "complete_finished", lambda session, now: looked.append(now) or complete(session,
                                                                                                             now))
    notice = kit.add_notice(db)
    kit.add_messages(db, notice, 3)
    sms = kit.FakeSms()
    worker = sender(db, settings, clock, sms)
    worker.round()  # sends: looks
    for _ in range(5):  # idle (no receipt comes from the fake): looks no more, the clock standing still
        worker.round()
    assert len(looked) == 1
    with db.begin() as conn:  # the messages become final outside any round (as the API's changes do)
        conn.execute(messages.update().where(messages.c.notice_id == notice["id"]).values(state="delivered"))
    clock.advance(0.5)
    worker.round()
    assert len(looked) == 1
    clock.advance(0.6)  # a second after the last look: an idle round looks again, and completes it
    assert worker.round().completed == 1 and len(looked) == 2


@pytest.mark.postgres_only
def test_a_round_applies_the_stored_receipts_while_its_calls_are_made(db, settings, clock, kit) -> None:
    """On PostgreSQL the stored receipts are applied in a thread of their own while the round sends,
    so a round takes the longer of its marks and its receipts, not their sum (SQLite, one writer at
    a time, applies them after the calls)."""
    earlier = kit.add_notice(db)
    kit.add_messages(db, earlier, 3)
    sender(db, settings, clock, kit.FakeSms()).round()
    with db.connect() as conn:
        sent = conn.execute(select(messages.c.call_id, messages.c.address, messages.c.provider_ref)
                            .where(messages.c.notice_id == earlier["id"], messages.c.state == "sent")).all()
    assert len(sent) == 3
    store(SERVICE.unit_of_work(db), "fake-sms", [
        Receipt(provider_ref=ref, address=address, success=True, code="DELIVERED", detail=None, out_id=str(call),
                reported_at=clock.now) for call, address, ref in sent], clock.now)
    kit.add_messages(db, kit.add_notice(db), 1)

    def delivered() -> bool:
        with db.connect() as conn:
            return set(conn.execute(select(messages.c.state).where(messages.c.notice_id == earlier["id"]))
                       .scalars()) == {"delivered"}

    seen = []

    class Watching(kit.FakeSms):
        def send(self, call_id, outgoing):  # noqa: ANN001, ANN202
            waiting_until = time.monotonic() + 5
            while not delivered() and time.monotonic() < waiting_until:
                time.sleep(0.02)
            seen.append(delivered())  # the earlier notice's receipts applied while this call is made
            return super().send(call_id, outgoing)

    done = sender(db, settings, clock, Watching()).round()
    assert (seen, done.calls, done.receipts) == ([True], 1, 3)
