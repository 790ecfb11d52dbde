"""POST /notices/{id}/resend: new queued messages over the channel asked, only for the recipients
not reached who have an address for it; 422 when none can be, 409 for a cancelled notice."""

from __future__ import annotations

import json
import uuid

from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import select, update

from notify.events import NOTICE_RESENT
from notify.service import SERVICE
from notify.tables import message_history, messages, notices, outbox

URL = "/api/v1/notices"


def queued(engine, notice_id) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(messages).where(
            messages.c.notice_id == notice_id, messages.c.state == "queued")).mappings()]


def resent_events(engine) -> list[dict]:
    with engine.connect() as conn:
        bodies = conn.execute(select(outbox.table.c.body).where(outbox.table.c.event_type == NOTICE_RESENT)
                              .order_by(outbox.table.c.seq)).scalars()
        return [json.loads(body) for body in bodies]


def test_resend_by_email_only_to_the_not_reached_with_an_address(client, auth, fee_notice, db) -> None:
    f = fee_notice
    with db.begin() as conn:  # 钱's SMS failed too: 张, 赵 and 钱 are not reached; 赵 has no e-mail
        conn.execute(update(messages).where(messages.c.id == f["m"]["钱"]).values(state="failed"))
        conn.execute(update(notices).where(notices.c.id == f["notice"]).values(status="sent"))
    answer = client.post(f"{URL}/{f['notice']}/resend", json={"channel": "email"},
                         headers=auth("service_desk_agent", [f["a"]]))
    assert answer.status_code == 201, answer.json
    assert answer.json["queued"] == 2
    assert answer.json["skipped"] == [{"recipient_id": str(f["r"]["赵"]), "reason": "no_address"}]
    made = {m["recipient_id"]: m for m in queued(db, f["notice"])}
    assert set(made) == {f["r"]["张"], f["r"]["钱"]}
    assert made[f["r"]["张"]]["channel"] == "email" and made[f["r"]["张"]]["address"] == "13900000003@139.com"
    assert made[f["r"]["张"]]["fallback_of"] == f["m"]["张"]
    # Rendered from the notice's template for e-mail (with its subject), not the SMS's text copied.
    qian = made[f["r"]["钱"]]
    assert (qian["subject"], qian["body"]) == ("12月物业费缴纳通知", "尊敬的钱，请缴纳12月物业费。")
    with db.connect() as conn:
        assert conn.execute(select(notices.c.status).where(notices.c.id == f["notice"])).scalar_one() == "sending"
        history = conn.execute(select(message_history.c.state).where(
            message_history.c.message_id == made[f["r"]["张"]]["id"])).scalars().all()
    assert history == ["queued"]
    again = client.post(f"{URL}/{f['notice']}/resend", json={"channel": "email"}, headers=auth())
    assert again.status_code == 422  # the two are pending now, 赵 still has no e-mail


def test_resend_to_named_recipients_only(client, auth, fee_notice, db) -> None:
    f = fee_notice
    answer = client.post(f"{URL}/{f['notice']}/resend", headers=auth(),
                         json={"channel": "email", "recipients": [str(f["r"]["张"]), str(f["r"]["王"])]})
    assert answer.status_code == 201, answer.json
    assert [m["recipient_id"] for m in answer.json["messages"]] == [str(f["r"]["张"])]
    unknown = client.post(f"{URL}/{f['notice']}/resend", headers=auth(),
                          json={"channel": "sms", "recipients": [str(uuid.uuid4())]})
    assert unknown.status_code == 422


def test_resend_refusals(client, auth, fee_notice, world, db) -> None:
    f = fee_notice
    desk = auth("service_desk_agent", [f["a"]])
    assert client.post(f"{URL}/{f['notice']}/resend", json={"channel": "fax"}, headers=desk).status_code == 422
    assert client.post(f"{URL}/{f['other']}/resend", json={"channel": "email"}, headers=desk).status_code == 404
    reached = world.notice(f["a"])
    r = world.recipient(reached, "王", estate_id=f["a"], email="w@example.com")
    world.message(r, "sms", "delivered")
    none = client.post(f"{URL}/{reached}/resend", json={"channel": "email"}, headers=desk)
    assert none.status_code == 422 and queued(db, reached) == []
    cancelled = world.notice(f["a"], "cancelled")
    r = world.recipient(cancelled, "李", estate_id=f["a"], email="l@example.com")
    world.message(r, "sms", "failed")
    answer = client.post(f"{URL}/{cancelled}/resend", json={"channel": "email"}, headers=desk)
    assert answer.status_code == 409 and queued(db, cancelled) == []


def test_a_sent_notice_resent_is_sending_again_and_says_so_in_an_event_of_its_own(client, auth, fee_notice, db) -> None:
    f = fee_notice
    with db.begin() as conn:
        conn.execute(update(notices).where(notices.c.id == f["notice"]).values(status="sent", version=3))
    answer = client.post(f"{URL}/{f['notice']}/resend", json={"channel": "email"}, headers=auth())
    assert answer.status_code == 201, answer.json
    [event] = resent_events(db)
    assert event["subject"] == str(f["notice"]) and event["source"] == "/estatedesk/notify"
    data = event["data"]
    assert (data["notice"]["status"], data["notice"]["version"]) == ("sending", 4)
    assert (data["channel"], data["queued"]) == ("email", answer.json["queued"])
    schema = json.loads((SERVICE.contracts / "events" / f"{NOTICE_RESENT}.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(data)  # as its contract says
    refused = client.post(f"{URL}/{f['notice']}/resend", json={"channel": "email"}, headers=auth())
    assert refused.status_code == 422 and len(resent_events(db)) == 1  # a refused resend records nothing
