"""``POST /api/v1/receipts/aliyun/<token>``: receipts stored once by the web process, applied to their
messages by the sender (``apply_received``), on both databases."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, insert, select, update
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from notify.providers.aliyun import AliyunSms
from notify.receipts.use_cases import APPLY_BATCH, MARK_RECHECK, RECHECK, apply_pending, apply_received
from notify.standins.sms_provider import SmsStandin, StandinConfig
from notify.tables import message_history, messages, receipts

TOKEN = "estatedesk-local-receipts"
URL = f"/api/v1/receipts/aliyun/{TOKEN}"
NOW = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)


def _message(db: Engine, *, state: str = "sent", provider_ref: str | None = "BIZ-1", call_id: uuid.UUID | None = None,
             address: str = "13900000001") -> uuid.UUID:
    id_ = uuid.uuid4()
    with Session(db) as session, session.begin():
        session.execute(insert(messages).values(
            id=id_, estate_id=uuid.uuid4(), channel="sms", address=address, language="zh-CN", body="物业费通知",
            sms_template_code="SMS_100", params={}, state=state, next_attempt_at=NOW, call_id=call_id or uuid.uuid4(),
            provider="aliyun", provider_ref=provider_ref, queued_at=NOW, updated_at=NOW,
            sent_at=NOW if state == "sent" else None))
    return id_


def _apply(db: Engine, at: datetime = NOW) -> int:
    """What the sender does each round: apply the stored receipts (committed)."""
    with Session(db) as session, session.begin():
        return apply_received(session, at)


def _push(client: Any, db: Engine, body: list[dict[str, Any]]) -> Any:
    """The provider pushes ``body``; then the sender's round applies it."""
    answer = client.post(URL, json=body)
    _apply(db)
    return answer


def _report(biz_id: str = "BIZ-1", number: str = "13900000001", *, success: bool = True, out_id: str | None = None,
            code: str | None = None) -> dict[str, Any]:
    return {"phone_number": number, "send_time": "2026-03-05 09:00:00", "report_time": "2026-03-05 09:00:03",
            "success": success, "err_code": code or ("DELIVERED" if success else "MN:0001"),
            "err_msg": "用户接收成功" if success else "空号", "sms_size": "1", "biz_id": biz_id,
            "out_id": out_id}


def _row(db: Engine, message_id: uuid.UUID) -> Any:
    with db.connect() as conn:
        return conn.execute(select(messages).where(messages.c.id == message_id)).one()


def _history(db: Engine, message_id: uuid.UUID) -> list[tuple[str, str | None]]:
    with db.connect() as conn:
        return [tuple(r) for r in conn.execute(select(message_history.c.state, message_history.c.code)
                                               .where(message_history.c.message_id == message_id))]


def _receipts(db: Engine) -> list[Any]:
    with db.connect() as conn:
        return conn.execute(select(receipts)).all()


def test_a_delivery_receipt_delivers_the_sent_message(client, db) -> None:
    message_id = _message(db)
    answer = client.post(URL, json=[_report()])  # no bearer token: the provider has none
    assert answer.status_code == 200 and answer.get_json() == {"code": 0, "msg": "成功"}
    [stored] = _receipts(db)
    assert stored.applied_at is None and _row(db, message_id).state == "sent"  # stored, not applied yet
    assert _apply(db) == 1
    row = _row(db, message_id)
    assert row.state == "delivered" and row.version == 2
    assert row.delivered_at == datetime(2026, 3, 5, 1, 0, 3, tzinfo=UTC)  # 09:00:03 in Beijing
    assert _history(db, message_id) == [("delivered", "DELIVERED")]
    [stored] = _receipts(db)
    assert stored.applied_at is not None and stored.success


def test_a_failure_receipt_fails_the_message_with_the_code_and_reason(client, db) -> None:
    message_id = _message(db)
    assert _push(client, db, [_report(success=False)]).status_code == 200
    row = _row(db, message_id)
    assert (row.state, row.failure_code, row.failure_reason) == ("failed", "MN:0001", "空号")
    assert _history(db, message_id) == [("failed", "MN:0001")]


def test_a_failure_receipt_falls_back_to_the_next_channel_once(client, db, monkeypatch) -> None:
    calls: list[tuple[Any, datetime]] = []
    monkeypatch.setattr("notify.receipts.use_cases.fall_back",
                        lambda session, row, now: calls.append((row["id"], row["state"])))
    message_id = _message(db)
    assert _push(client, db, [_report(success=False)]).status_code == 200
    assert calls == [(message_id, "failed")]
    assert _push(client, db, [_report(success=False)]).status_code == 200  # a duplicate: no second fallback
    assert len(calls) == 1


def test_a_receipt_pushed_again_changes_nothing(client, db) -> None:
    message_id = _message(db)
    for _ in range(3):
        assert _push(client, db, [_report(), _report()]).get_json()["code"] == 0  # twice in a push, too
    assert len(_receipts(db)) == 1
    assert _history(db, message_id) == [("delivered", "DELIVERED")] and _row(db, message_id).version == 2


def test_a_receipt_before_the_call_is_marked_waits_for_apply_pending(client, db) -> None:
    call_id = uuid.uuid4()
    message_id = _message(db, state="sending", provider_ref=None, call_id=call_id)
    assert _push(client, db, [_report(out_id=str(call_id))]).status_code == 200  # the round finds it sending
    [stored] = _receipts(db)
    assert stored.applied_at is None and _row(db, message_id).state == "sending"
    with Session(db) as session, session.begin():  # the sender marks the call, then applies what waited
        session.execute(update(messages).where(messages.c.id == message_id).values(state="sent", provider_ref="BIZ-1"))
        assert apply_pending(session, ["BIZ-1"], NOW) == 1
    assert _row(db, message_id).state == "delivered"
    assert _receipts(db)[0].applied_at is not None
    with Session(db) as session, session.begin():
        assert apply_pending(session, ["BIZ-1"], NOW) == 0  # once


def test_a_receipt_the_mark_passed_by_is_applied_soon_after(client, db) -> None:
    """A receipt of a call not marked yet, looked at by a batch: when the mark then leaves it (another
    sender's batch held it that moment), the next look, MARK_RECHECK later, applies it; not RECHECK."""
    call_id = uuid.uuid4()
    message_id = _message(db, state="sending", provider_ref=None, call_id=call_id)
    assert _push(client, db, [_report(out_id=str(call_id))]).status_code == 200  # the round finds it sending
    assert _row(db, message_id).state == "sending" and _receipts(db)[0].applied_at is None  # waits for the mark
    with Session(db) as session, session.begin():  # marked without it (the mark skipped it)
        session.execute(update(messages).where(messages.c.id == message_id).values(state="sent", provider_ref="BIZ-1"))
    assert _apply(db) == 0
    assert _apply(db, NOW + MARK_RECHECK) == 1
    assert _row(db, message_id).state == "delivered"


@pytest.mark.postgres_only
def test_a_mark_committed_while_a_batch_looks_still_applies_in_bulk(client, db, monkeypatch) -> None:
    """Two senders: the other one commits the call's mark between the batch's two lookups of its
    messages (the unmarked read, the marked locked). The message is found all the same and delivered
    with the batch, not looked up again one by one (with two senders a whole call's receipts were)."""
    from notify.receipts import use_cases

    call_id = uuid.uuid4()
    message_id = _message(db, state="sending", provider_ref=None, call_id=call_id)
    assert client.post(URL, json=[_report(out_id=str(call_id))]).status_code == 200
    lookups: list[str] = []

    def the_other_sender_marks(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if "FROM messages" in statement and not lookups:
            lookups.append(statement)
            with db.begin() as other:
                other.execute(update(messages).where(messages.c.id == message_id)
                              .values(state="sent", provider_ref="BIZ-1", sent_at=NOW))

    def one_by_one(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("the receipt was looked up again one by one")

    monkeypatch.setattr(use_cases, "_apply", one_by_one)
    event.listen(db, "after_cursor_execute", the_other_sender_marks)
    try:
        assert _apply(db) == 1
    finally:
        event.remove(db, "after_cursor_execute", the_other_sender_marks)
    assert lookups and _row(db, message_id).state == "delivered" and _receipts(db)[0].applied_at is not None


def test_a_call_found_by_find_sent_gets_its_receipts_by_call_id(client, db) -> None:
    call_id = uuid.uuid4()
    message_id = _message(db, state="sending", provider_ref=None, call_id=call_id)
    assert _push(client, db, [_report(out_id=str(call_id))]).status_code == 200
    with Session(db) as session, session.begin():  # recovery: find_sent's ref is the OutId
        session.execute(update(messages).where(messages.c.id == message_id)
                        .values(state="sent", provider_ref=str(call_id)))
        assert apply_pending(session, [str(call_id)], NOW) == 1
    row = _row(db, message_id)
    assert (row.state, row.provider_ref) == ("delivered", "BIZ-1")


def test_a_receipt_of_an_unknown_biz_id_is_kept(client, db) -> None:
    message_id = _message(db)
    assert _push(client, db, [_report(biz_id="NO-SUCH"), _report(number="13900000999")]).status_code == 200
    assert len(_receipts(db)) == 2 and all(r.applied_at is None for r in _receipts(db))
    assert _apply(db) == 0  # looked at again only RECHECK later, so they never hold up the receipts behind
    assert _apply(db, NOW + RECHECK) == 2
    assert _row(db, message_id).state == "sent"
    with Session(db) as session, session.begin():
        assert apply_pending(session, None, NOW) == 0


def test_a_wrong_token_is_404_and_the_rest_of_the_api_still_needs_a_token(client, db) -> None:
    assert client.post("/api/v1/receipts/aliyun/wrong", json=[_report()]).status_code == 404
    assert _receipts(db) == []
    assert client.get("/api/v1/receipts/aliyun/" + TOKEN).status_code in (401, 405)
    assert client.get("/api/v1/no-such-thing").status_code == 401


def test_a_malformed_body_is_a_400_problem_and_stores_nothing(client, db) -> None:
    for body in ("not json", "[]", "[1]", '[{"phone_number": "13900000001"}]', '{"success": true}',
                 '[{"phone_number": "13900000001", "biz_id": "B", "success": "maybe"}]',
                 '[{"phone_number": "13900000001", "biz_id": "B", "success": true, "report_time": "yesterday"}]'):
        answer = client.post(URL, data=body, content_type="application/json")
        assert answer.status_code == 400, body
        assert answer.mimetype == "application/problem+json"
    assert _receipts(db) == []


def test_the_openapi_document_does_not_ask_for_a_token_here(client) -> None:
    document = client.get("/openapi.json").get_json()
    operation = document["paths"]["/api/v1/receipts/aliyun/{token}"]["post"]
    assert operation["security"] == [] and {"200", "400", "404"} <= set(operation["responses"])
    assert document["security"] == [{"bearer": []}]


def test_the_stand_in_s_receipts_reach_the_service_over_http(app, db, numbers, sms, sms_settings, wait_for) -> None:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    callback = f"http://127.0.0.1:{server.server_port}{URL}"
    config = StandinConfig(key_id="test-key", secret="test-secret", callback=callback, receipt_delay=0.01,
                           fail_suffixes=["07"], duplicate_receipts=True)
    outgoing = [sms(n, month="3月") for n in numbers(120)]
    call_id = uuid.uuid4()
    ids = [_message(db, state="sending", provider_ref=None, call_id=call_id, address=m.address) for m in outgoing]
    try:
        with SmsStandin(config) as standin:
            adapter = AliyunSms(sms_settings(standin.url))
            result = adapter.send(call_id, outgoing)
            assert len(result.accepted) == 120
            with Session(db) as session, session.begin():  # the sender marks the call
                session.execute(update(messages).where(messages.c.id.in_(ids))
                                .values(state="sent", provider_ref=result.provider_ref))
                apply_pending(session, [result.provider_ref], NOW)
            with db.connect() as conn:
                def final() -> bool:
                    _apply(db)  # the sender's rounds
                    return conn.execute(select(func.count()).select_from(messages)
                                        .where(messages.c.state.in_(("delivered", "failed")))).scalar() == 120
                assert wait_for(final)
            assert wait_for(lambda: standin.stats()["receipts_pushed"] == 240)  # each batch twice
            adapter.close()
    finally:
        server.shutdown()
    with db.connect() as conn:
        states = dict(conn.execute(select(messages.c.address, messages.c.state)).all())
        assert len(conn.execute(select(receipts)).all()) == 120  # the duplicates changed nothing
        assert conn.execute(select(func.count()).select_from(message_history)).scalar() == 120
    assert {a for a, s in states.items() if s == "failed"} == {a for a in states if a.endswith("07")}


@pytest.mark.postgres_only
def test_a_receipt_while_the_sender_holds_the_message_is_applied_without_deadlock(client, db, wait_for) -> None:
    call_id = uuid.uuid4()
    first = _message(db, state="sending", provider_ref=None, call_id=call_id, address="13900000001")
    second = _message(db, state="sending", provider_ref=None, call_id=call_id, address="13900000002")
    answers: list[int] = []
    with Session(db) as sender, sender.begin():  # the sender marks the call: both rows locked, not committed
        sender.execute(update(messages).where(messages.c.id.in_([first, second]))
                       .values(state="sent", provider_ref="BIZ-1"))
        pushed = threading.Thread(target=lambda: answers.append(client.post(URL, json=[
            _report(number="13900000002", out_id=str(call_id)), _report(number="13900000001", out_id=str(call_id)),
        ]).status_code))
        pushed.start()
        assert wait_for(lambda: len(_receipts(db)) == 2)  # stored without waiting for the locked rows
        apply_pending(sender, ["BIZ-1"], NOW)
    pushed.join(timeout=30)
    assert answers == [200]
    assert {_row(db, first).state, _row(db, second).state} == {"delivered"}
    assert all(r.applied_at is not None for r in _receipts(db))


def test_a_push_of_10000_receipts_is_stored_in_one_statement_and_applied_by_the_sender_in_batches(
        app, client, db, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 32 * 1024 * 1024)  # notify's own limit (settings)
    call_id = uuid.uuid4()
    numbers = [f"139{n:08d}" for n in range(10_000)]
    with Session(db) as session, session.begin():
        session.execute(insert(messages), [
            {"id": uuid.uuid4(), "estate_id": uuid.uuid4(), "channel": "sms", "address": number, "language": "zh-CN",
             "body": "物业费通知", "sms_template_code": "SMS_100", "params": {}, "state": "sent",
             "next_attempt_at": NOW, "call_id": call_id, "provider": "aliyun", "provider_ref": "BIZ-1",
             "queued_at": NOW, "updated_at": NOW, "sent_at": NOW} for number in numbers])
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if "receipts" in statement:
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        answer = client.post(URL, json=[_report(number=n, out_id=str(call_id)) for n in numbers])
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    assert answer.status_code == 200 and answer.get_json()["code"] == 0
    assert len(statements) == (1 if db.dialect.name == "postgresql" else 3)  # SQLite: a count before and after
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(messages).where(messages.c.state == "sent")).scalar() \
            == 10_000  # nothing applied in the request
    assert [_apply(db) for _ in range(3)] == [APPLY_BATCH, 10_000 - APPLY_BATCH, 0]
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(messages)
                            .where(messages.c.state == "delivered")).scalar() == 10_000
        assert conn.execute(select(func.count()).select_from(message_history)).scalar() == 10_000
        assert conn.execute(select(func.count()).select_from(receipts).where(receipts.c.applied_at.is_(None))
                            ).scalar() == 0


@pytest.mark.postgres_only
def test_the_sender_skips_a_receipt_whose_message_another_holds_and_applies_it_later(client, db) -> None:
    message_id = _message(db)
    assert client.post(URL, json=[_report()]).status_code == 200
    with Session(db) as holder, holder.begin():  # another replica holds the message that moment
        holder.execute(select(messages).where(messages.c.id == message_id).with_for_update())
        assert _apply(db) == 1 and _row(db, message_id).state == "sent"  # looked at, not waited for
    assert _apply(db) == 0  # not again before RECHECK
    assert _apply(db, NOW + RECHECK) == 1
    assert _row(db, message_id).state == "delivered" and _history(db, message_id) == [("delivered", "DELIVERED")]
