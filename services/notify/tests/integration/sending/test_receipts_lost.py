"""Every notice completes, whatever became of its receipts: an SMS ``sent`` whose receipt never came
within the provider's receipt window is asked about with the provider's send-details query (the
Aliyun stand-in's ``QuerySendDetails``), and failing that ends ``no_receipt``; then the notice
completes (``notify.notice.completed.v1``, the totals showing it) and the desk is told of whom no
report came (``notify.recipient.unreached.v1``, reason ``no_receipt``). Real stand-in, real web
process taking the receipts that do come, the real sender."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select, update
from werkzeug.serving import make_server

from notify.providers.aliyun import AliyunSms
from notify.providers.in_app import InApp
from notify.sending.worker import Sender
from notify.standins.sms_provider import SmsStandin, StandinConfig
from notify.tables import messages, notices, outbox, receipts

TOKEN = "estatedesk-local-receipts"


def _events(db, type_: str) -> list[dict[str, Any]]:  # noqa: ANN001
    with db.connect() as conn:
        rows = conn.execute(select(outbox.table.c.body).where(outbox.table.c.event_type == type_)
                            .order_by(outbox.table.c.seq)).scalars()
        return [json.loads(body)["data"] for body in rows]


def _status(db, notice_id) -> str:  # noqa: ANN001
    with db.connect() as conn:
        return conn.execute(select(notices.c.status).where(notices.c.id == notice_id)).scalar_one()


def _stored_receipts(db) -> int:  # noqa: ANN001
    with db.connect() as conn:
        return len(conn.execute(select(receipts.c.id)).all())


def test_lost_receipts_are_asked_about_then_end_no_receipt_and_the_notice_completes(app, db, settings, kit) -> None:
    clock = kit.Clock(datetime.now(UTC))  # the stand-in lists sends under today's Beijing date
    notice = kit.add_notice(db, channels_=("sms",), now=clock.now)
    ids = kit.add_messages(db, notice, 6, now=clock.now)
    with db.begin() as conn:  # the provider's approved template, as a notice's SMS has
        conn.execute(update(messages).where(messages.c.id.in_(ids)).values(sms_template_code="SMS_100"))
    number = [f"139{n:08d}" for n in range(6)]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = StandinConfig(key_id="test-key", secret="test-secret", receipt_delay=0.01,
                           callback=f"http://127.0.0.1:{server.server_port}/api/v1/receipts/aliyun/{TOKEN}",
                           fail_numbers=[number[2]], lost_receipts=[number[1], number[2]],
                           unreported_numbers=[number[3]])
    try:
        with SmsStandin(config) as standin:
            adapter = AliyunSms(SimpleNamespace(sms_endpoint=standin.url, sms_access_key_id="test-key",
                                                sms_access_key_secret="test-secret", sms_region="cn-hangzhou",
                                                sms_timeout_seconds=5.0))
            sender = Sender(db, settings, {"sms": adapter, "in_app": InApp()}, clock=clock, name="test:1")
            assert sender.round().messages == 6
            deadline = time.monotonic() + 30
            while _stored_receipts(db) < 3 and time.monotonic() < deadline:  # the three that are pushed
                time.sleep(0.02)
            time.sleep(0.2)  # anything else the stand-in would push (it pushes nothing more)
            sender.round()
            assert _stored_receipts(db) == 3
            states = {row["id"]: row["state"] for row in kit.states_of(db, notice["id"])}
            assert [states[id_] for id_ in ids] == ["delivered", "sent", "sent", "sent", "delivered", "delivered"]
            clock.advance(settings.sms_receipt_window_seconds - 1)
            assert sender.round().unreceipted == 0 and _status(db, notice["id"]) == "sending"  # within the window
            clock.advance(2)
            done = sender.round()
            adapter.close()
    finally:
        server.shutdown()
    assert done.unreceipted == 3 and done.completed == 1
    rows = {row["id"]: row for row in kit.states_of(db, notice["id"])}
    assert [rows[id_]["state"] for id_ in ids] == ["delivered", "delivered", "failed", "no_receipt",
                                                  "delivered", "delivered"]
    assert rows[ids[2]]["failure_code"] == "MN:0001"
    assert kit.history_of(db, ids[3])[-1] == ("no_receipt", "no_receipt")
    assert _status(db, notice["id"]) == "sent"
    [completed] = _events(db, "notify.notice.completed.v1")
    assert completed["totals"]["messages"]["no_receipt"] == 1 and completed["totals"]["messages"]["delivered"] == 4
    assert completed["totals"]["by_channel"]["sms"]["no_receipt"] == 1
    unreached = {event["recipient_id"]: event["reason"] for event in _events(db, "notify.recipient.unreached.v1")}
    assert sorted(unreached.values()) == ["failed", "no_receipt"]


def test_a_provider_that_cannot_be_asked_ends_no_receipt_after_the_window(db, settings, clock, kit) -> None:
    notice = kit.add_notice(db, channels_=("sms",))
    ids = kit.add_messages(db, notice, 3)
    sender = Sender(db, settings, {"sms": kit.FakeSms(), "in_app": InApp()}, clock=clock, name="test:1")
    sender.round()
    assert {row["state"] for row in kit.states_of(db, notice["id"])} == {"sent"}
    clock.advance(settings.sms_receipt_window_seconds + 1)
    done = sender.round()  # the fake provider has no send-details query
    assert (done.unreceipted, done.completed) == (3, 1)
    assert {row["state"] for row in kit.states_of(db, notice["id"])} == {"no_receipt"}
    assert kit.history_of(db, ids[0])[-1] == ("no_receipt", "no_receipt")
    assert _events(db, "notify.notice.completed.v1")[0]["totals"]["recipients"]["unreached"] == 3


def test_the_sent_are_looked_through_only_once_one_can_be_due(db, settings, clock, kit, monkeypatch) -> None:
    """Each look walks every sent SMS: a sender polling while idle looks again only when one can be
    due (a window after the oldest was sent), and then settles it on time."""
    from notify.sending import receipt_window

    looks: list[datetime] = []
    settle = receipt_window.settle_silent

    def counted(engine, adapters, now, settings_, *args: Any, **kwargs: Any) -> int:  # noqa: ANN001
        looks.append(now)
        return settle(engine, adapters, now, settings_, *args, **kwargs)

    monkeypatch.setattr(receipt_window, "settle_silent", counted)
    notice = kit.add_notice(db, channels_=("sms",))
    kit.add_messages(db, notice, 3)
    sender = Sender(db, settings, {"sms": kit.FakeSms(), "in_app": InApp()}, clock=clock, name="test:1")
    sender.round()  # sends the three, looks once
    for _ in range(10):
        clock.advance(settings.sms_receipt_window_seconds / 20)
        assert sender.round().unreceipted == 0
    assert len(looks) == 1
    clock.advance(settings.sms_receipt_window_seconds / 2 + 1)  # a window after they were sent
    assert sender.round().unreceipted == 3 and len(looks) == 2
