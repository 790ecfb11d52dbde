"""``notify load-demo``: the demo estate's sending settings, its three templates and two past
notices whose every message is final, from notify's copy of owners; once only; and the line it
prints sends the fee notice through the real API (once the notices API is there)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import func, insert, select

from notify import demo
from notify.cli import main
from notify.domain import messages as states
from notify.service import SERVICE
from notify.tables import (
    buildings,
    duty_contacts,
    estate_settings,
    estates,
    message_history,
    messages,
    notices,
    occupancies,
    people,
    recipients,
    templates,
    units,
)
from servicekit.demo import load_demo

AT = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)


def _copy(engine, households: int = 6) -> uuid.UUID:
    """The demo estate as notify's consumer would have copied it: one building, ``households``
    units with an owner each (the first with a mobile the SMS stand-in fails, some with e-mail);
    names, buildings and unit numbers as long as owners' demo makes them (王子轩, 12栋, 3-3208)."""
    estate, building = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(insert(estates), [{"id": estate, "code": demo.CODE, "name": "阳光花园", "version": 1}])
        conn.execute(insert(buildings), [{"id": building, "estate_id": estate, "code": "12", "name": "12栋",
                                          "version": 1}])
        for i in range(households):
            unit, person = uuid.uuid4(), uuid.uuid4()
            conn.execute(insert(units), [{"id": unit, "estate_id": estate, "building_id": building,
                                          "number": f"3-{3201 + i}", "version": 1}])
            mobile = f"15400000{demo.FAIL_SUFFIX}" if i == 0 else f"154000010{i:02d}"
            name = "王子" + "轩涵欣怡梓晨"[i % 6]
            conn.execute(insert(people), [{"id": person, "estate_id": estate, "name": name, "version": 1,
                                           "language": "en" if i == 1 else "zh-CN", "mobile": mobile,
                                           "email": f"owner{i}@example.com" if i % 2 == 0 else None}])
            conn.execute(insert(occupancies), [{"id": uuid.uuid4(), "estate_id": estate, "unit_id": unit,
                                                "person_id": person, "role": "owner",
                                                "moved_in_on": date(2024, 1, 1), "version": 1}])
    return estate


def _count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_without_the_demo_estate_in_the_copy_it_says_so_and_loads_nothing(db, settings, capsys):
    assert load_demo(SERVICE, settings, demo.DEMO, at=AT) == 1
    assert "no demo estate" in capsys.readouterr().out
    assert _count(db, templates) == 0


def test_it_loads_the_templates_settings_and_past_notices_once(db, settings, capsys, monkeypatch):
    estate = _copy(db)
    assert load_demo(SERVICE, settings, demo.DEMO, at=AT) == 0
    with db.connect() as conn:
        rows = conn.execute(select(templates).where(templates.c.estate_id == estate)).mappings().all()
        sent = conn.execute(select(notices).where(notices.c.estate_id == estate)).mappings().all()
        sign = conn.execute(select(estate_settings.c.sms_sign_name)).scalar_one()
        states_of = conn.execute(select(messages.c.state, messages.c.channel, messages.c.fallback_of,
                                        messages.c.address)).all()
    assert {r["code"]: r["purpose"] for r in rows} == {"fee_notice": "fee", "water_cut": "emergency",
                                                       "community_activity": "activity"}
    assert sign == "阳光花园物业"
    assert _count(db, duty_contacts) == 1  # an escalation past every level of an estate reaches someone
    for row in rows:
        assert set(row["texts"]) == {"zh-CN", "en"}, row["code"]
        used = {name for text in row["texts"].values() for part in text.values()
                for name in re.findall(r"\$\{(\w+)\}", part)}
        assert used and used <= set(row["variables"]), row["code"]  # every ${variable} is declared
    fee = next(r for r in rows if r["code"] == "fee_notice")
    assert fee["texts"]["zh-CN"]["subject"] == "物业费缴纳通知"
    assert set(fee["variables"]) == {"name", "unit", "amount", "due_date"}

    assert len(sent) == 2 and {n["status"] for n in sent} == {"sent"}
    assert _count(db, recipients) == sum(n["recipients_count"] for n in sent) > 0
    assert {state for state, *_ in states_of} <= states.FINAL  # the tracking pages show finished notices
    failed = [address for state, channel, _, address in states_of if state == states.FAILED]
    assert f"15400000{demo.FAIL_SUFFIX}" in failed  # the number the SMS stand-in fails, failed here too
    assert any(channel == "email" and fallback for _, channel, fallback, _ in states_of)  # resent by e-mail
    assert _count(db, message_history) == 3 * len(states_of)  # queued, sent, the outcome: as the sender writes
    assert _count(db, message_history, message_history.c.state == "sending") == 0
    out = capsys.readouterr().out
    assert "loaded notify's demo of DEMO" in out and f'"template_id": "{fee["id"]}"' in out
    assert "/api/v1/notices" in out
    assert "quiet hours 21:00-08:00" not in out  # 10:00 in Shanghai

    monkeypatch.setenv("NOTIFY_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    assert main(["load-demo"]) == 0  # a second run, as `make run` does it: nothing more
    assert _count(db, templates) == 3 and _count(db, notices) == 2
    assert "loaded already" in capsys.readouterr().out
    # 22:00 in Shanghai: the SMS would wait
    assert load_demo(SERVICE, settings, demo.DEMO, at=AT.replace(hour=14)) == 0
    assert 'quiet hours 21:00-08:00, so its SMS wait until morning; add "urgent": true' in capsys.readouterr().out


def test_the_printed_request_sends_the_fee_notice_to_the_whole_estate(client, db, auth, settings, capsys):
    estate = _copy(db)
    assert load_demo(SERVICE, settings, demo.DEMO, at=AT) == 0
    body = json.loads(re.search(r"-d '(.+)'$", capsys.readouterr().out, re.M).group(1))
    answer = client.post("/api/v1/notices", json=body, headers=auth("service_desk_agent", [str(estate)]))
    assert answer.status_code == 201, answer.get_data(as_text=True)


def test_the_past_notices_show_on_the_tracking_pages(client, db, auth, settings) -> None:
    estate = _copy(db)
    assert load_demo(SERVICE, settings, demo.DEMO, at=AT) == 0
    headers = auth("service_desk_agent", [str(estate)])
    with db.connect() as conn:
        notice = conn.execute(select(notices.c.id).where(notices.c.title.like("%物业费%"))).scalar_one()
        person = conn.execute(select(recipients.c.person_id).where(
            recipients.c.notice_id == notice, recipients.c.mobile.like(f"%{demo.FAIL_SUFFIX}"))).scalar_one()
    totals = client.get(f"/api/v1/notices/{notice}/totals", headers=headers)
    assert totals.status_code == 200, totals.get_data(as_text=True)
    listed = client.get(f"/api/v1/notices/{notice}/recipients", headers=headers)
    assert listed.status_code == 200 and listed.json["items"], listed.get_data(as_text=True)
    answer = client.get(f"/api/v1/notices/{notice}/recipients/by-person/{person}", headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert "email" in answer.get_data(as_text=True)  # the failed SMS, then the e-mail that reached them
