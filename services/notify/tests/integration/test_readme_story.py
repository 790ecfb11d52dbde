"""README's notify story, step by step (issue 15): send the fee notice with the line `notify
load-demo` prints; the demo households whose SMS the stand-in fails fall back to the app's inbox,
where nobody has read it yet; they are listed as not reached; "resend by e-mail" reaches them
(they have addresses); the totals say how many each channel reached."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from notify import demo
from notify.domain import channels
from notify.providers.base import Outgoing, Rejected, SendResult
from notify.providers.in_app import InApp
from notify.sending.worker import Sender
from notify.service import SERVICE
from notify.tables import messages
from servicekit.demo import load_demo

from .test_demo import _copy

AT = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
README = Path(__file__).resolve().parents[4] / "README.md"


class StandinSms:
    """The SMS stand-in as `make run` starts it: every number ending in the demo's fail suffix is
    refused for good, every other one accepted and delivered."""

    provider, channel = "standin", channels.SMS

    def plan(self, outgoing: Sequence[Outgoing]) -> list[list[Outgoing]]:
        return [list(outgoing)]

    def send(self, call_id: uuid.UUID, outgoing: Sequence[Outgoing]) -> SendResult:
        bad = [o for o in outgoing if o.address.endswith(demo.FAIL_SUFFIX)]
        return SendResult(provider_ref=call_id.hex, delivered_on_send=True,
                          accepted={o.message_id: call_id.hex for o in outgoing if o not in bad},
                          rejected=[Rejected(o.message_id, "MN:0001", "空号", True) for o in bad])

    def find_sent(self, call_id: uuid.UUID, outgoing: Sequence[Outgoing], started_at: datetime) -> None:
        return None


def test_the_readme_line_is_the_request_the_demo_prints() -> None:
    request = demo.fee_notice_request(uuid.uuid4(), uuid.uuid4(), AT)
    readme = README.read_text(encoding="utf-8")
    assert f'"channels": {json.dumps(request["channels"])}' in readme


def test_resend_by_email_reaches_the_households_the_sms_failed(client, db, auth, settings, capsys) -> None:
    estate = _copy(db)  # its first household's mobile ends in the fail suffix; it has an e-mail
    assert load_demo(SERVICE, settings, demo.DEMO, at=AT) == 0
    body = json.loads(re.search(r"-d '(.+)'$", capsys.readouterr().out, re.M).group(1))
    desk = auth("service_desk_agent", [str(estate)])
    answer = client.post("/api/v1/notices", json={**body, "urgent": True}, headers=desk)  # README: "urgent" at night
    assert answer.status_code == 201, answer.get_data(as_text=True)
    notice = answer.json["id"]
    sender = Sender(db, settings, {"sms": StandinSms(), "in_app": InApp()}, name="test:1")
    for _ in range(4):
        sender.round()
    with db.connect() as conn:
        states = conn.execute(select(messages.c.channel, messages.c.state, messages.c.address)
                              .where(messages.c.notice_id == uuid.UUID(notice))).all()
    assert [(c, s) for c, s, _ in states if c == "in_app"] == [("in_app", "delivered")]  # the failed SMS's fallback

    totals = client.get(f"/api/v1/notices/{notice}/totals", headers=desk).json
    assert totals["recipients"]["not_reached"] == 1 and totals["unread_in_app"] == 1
    assert totals["reached_by_channel"]["sms"] == totals["recipients"]["reached"] == 5
    listed = client.get(f"/api/v1/notices/{notice}/recipients", query_string={"outcome": "not_reached"},
                        headers=desk).json["items"]
    assert [r["mobile"][-3:] for r in listed] == [demo.FAIL_SUFFIX[-3:]]
    resent = client.post(f"/api/v1/notices/{notice}/resend", json={"channel": "email"}, headers=desk)
    assert resent.status_code == 201, resent.get_data(as_text=True)
    assert resent.json["queued"] == 1 and resent.json["skipped"] == []
