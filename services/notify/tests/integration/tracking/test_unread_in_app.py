"""Reached means the household got it (issue 15): an in-app message counts as reached only once it
is read. Until then the household is pending, the completion names it among those to call, a
resend by e-mail reaches it, and the totals say how many each channel reached."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from notify.tables import messages, notices, outbox
from notify.tracking.completion import complete_finished

from .conftest import T0

URL = "/api/v1/notices"
NOW = T0 + timedelta(minutes=10)


@pytest.fixture
def fell_back(world) -> dict[str, Any]:
    """A fee notice over SMS, then the in-app inbox: 王 got the SMS; 张's SMS failed (a number the
    provider fails) and fell back to an in-app message that nobody has read; 李's in-app message
    was read."""
    a = world.estate()
    p = {name: world.person(a, name, mobile=f"1380000039{i}") for i, name in enumerate("王张李", 1)}
    notice = world.notice(a, channels=["sms", "in_app"])
    r = {name: world.recipient(notice, name, estate_id=a, person_id=p[name], mobile=f"1380000039{i}",
                               email=f"{name}@example.com") for i, name in enumerate("王张李", 1)}
    m = {"王": world.message(r["王"], "sms", "delivered"), "张sms": world.message(r["张"], "sms", "failed"),
         "李sms": world.message(r["李"], "sms", "failed")}
    m["张app"] = world.message(r["张"], "in_app", "delivered", minutes=1, fallback_of=m["张sms"])
    m["李app"] = world.message(r["李"], "in_app", "read", minutes=1, fallback_of=m["李sms"])
    return {"a": a, "notice": notice, "r": r, "m": m}


def test_an_unread_in_app_message_leaves_the_household_pending(client, auth, fell_back) -> None:
    f = fell_back
    desk = auth("service_desk_agent", [f["a"]])
    totals = client.get(f"{URL}/{f['notice']}/totals", headers=desk).json
    assert totals["recipients"]["reached"] == 2 and totals["recipients"]["pending"] == 1
    assert totals["reached_by_channel"] == {"sms": 1, "in_app": 1}
    assert totals["unread_in_app"] == 1
    page = client.get(f"{URL}/{f['notice']}/recipients", query_string={"outcome": "not_reached"}, headers=desk).json
    assert [(r["name"], r["outcome"], r["reached_over"]) for r in page["items"]] == [("张", "pending", None)]
    li = client.get(f"{URL}/{f['notice']}/recipients/{f['r']['李']}", headers=desk).json
    assert (li["outcome"], li["reached_over"]) == ("reached", "in_app")


def test_the_completion_names_the_unread_among_those_to_call(db, fell_back) -> None:
    with Session(db) as session:
        assert complete_finished(session, NOW) == 1  # an unread in-app message is final for the sender
        session.commit()
    with db.connect() as conn:
        bodies = conn.execute(select(outbox.table.c.event_type, outbox.table.c.body)).all()
    found = {type_: [json.loads(body)["data"] for t, body in bodies if t == type_] for type_, _ in bodies}
    unreached = found["notify.recipient.unreached.v1"]
    assert [(e["name"], e["reason"]) for e in unreached] == [("张", "unread")]
    totals = found["notify.notice.completed.v1"][0]["totals"]
    assert totals["recipients"]["reached"] == 2 and totals["recipients"]["not_reached"] == 1
    assert totals["reached_by_channel"] == {"sms": 1, "in_app": 1} and totals["unread_in_app"] == 1


def test_resend_by_email_reaches_the_household_whose_in_app_message_lies_unread(client, auth, db,
                                                                                 fell_back) -> None:
    f = fell_back
    with db.begin() as conn:
        conn.execute(update(notices).where(notices.c.id == f["notice"]).values(status="sent"))
    answer = client.post(f"{URL}/{f['notice']}/resend", json={"channel": "email"}, headers=auth())
    assert answer.status_code == 201, answer.json
    assert [m["recipient_id"] for m in answer.json["messages"]] == [str(f["r"]["张"])]
    with db.begin() as conn:  # the e-mail is delivered: 张 is reached by e-mail
        conn.execute(update(messages).where(messages.c.notice_id == f["notice"], messages.c.channel == "email")
                     .values(state="delivered", delivered_at=NOW))
    totals = client.get(f"{URL}/{f['notice']}/totals", headers=auth()).json
    assert totals["recipients"]["reached"] == 3 and totals["unread_in_app"] == 0
    assert totals["reached_by_channel"] == {"email": 1, "in_app": 1, "sms": 1}
