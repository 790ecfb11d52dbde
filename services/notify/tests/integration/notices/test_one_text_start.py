"""A one-text notice (its template names no household's own variable) to a register audience starts
in the database on PostgreSQL (notify.notices.one_text: INSERT … SELECT, the audience never read
into Python), and keeps what the Python way decides: one recipient per person × unit, opted-out and
no-contact recipients kept without a message, each message on the first channel the recipient can
take in the language the template has for them, a non-urgent SMS held for quiet hours with its
history saying so, the companies' units as ever. On SQLite the Python way gives the same rows."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from notify.notices import starting
from notify.notices.starting import start_due
from notify.tables import message_history, messages, occupancies, opt_outs, recipients
from servicekit.rows import now

from .test_starting import NIGHT, NOON, make, rows

ONE_TEXT = "【通知】${estate}本月物业费请于${due_date}前缴纳。"
ONE_TEXT_EN = "${estate}: please pay this month's fee by ${due_date}."


@pytest.fixture
def households(world):
    """Five households: SMS, e-mail (reads English), in-app only, opted out of activities, two roles in one unit."""
    world.household("2-1202", "王芳", mobile="13800000001")
    world.household("2-1203", "Tom", mobile=None, email="tom@example.com", language="en")
    world.household("2-1204", "李伟", mobile=None, email=None)
    _, world.quiet = world.household("2-1205", "赵六", mobile="13800000005")
    world.both_unit, world.both = world.household("2-1206", "钱七", mobile="13800000006")
    world.move_in(world.both_unit, world.both, role="tenant")  # owner and tenant of one unit: one recipient
    with world.engine.begin() as conn:
        conn.execute(insert(opt_outs).values(person_id=world.quiet, purpose="activity", estate_id=world.estate_id,
                                             created_at=now()))
    return world


def _start(db, settings, at, monkeypatch):  # noqa: ANN001, ANN202
    if db.dialect.name == "postgresql":
        def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            raise AssertionError("a one-text notice's audience was resolved in Python")
        monkeypatch.setattr(starting, "resolve", refuse)
    with Session(db) as session:
        return start_due(session, at, settings)


def test_a_one_text_notice_starts_alike_in_the_database(db, settings, households, monkeypatch):
    template = households.template(ONE_TEXT, en=ONE_TEXT_EN, variables=("due_date",), purpose="activity")
    notice = make(db, settings, households, template, at=NIGHT, purpose="activity",
                  variables={"due_date": "3月31日"}, channels=["sms", "in_app"])
    assert _start(db, settings, NIGHT, monkeypatch) == 1
    kept = {r["name"]: (r["excluded"], r["unit_label"], r["variables"]) for r in rows(db, select(recipients))}
    assert kept == {
        "王芳": (None, "1栋 2-1202", {"name": "王芳", "unit": "1栋 2-1202", "estate": "阳光花园"}),
        "Tom": (None, "1栋 2-1203", {"name": "Tom", "unit": "1栋 2-1203", "estate": "阳光花园"}),
        "李伟": (None, "1栋 2-1204", {"name": "李伟", "unit": "1栋 2-1204", "estate": "阳光花园"}),
        "赵六": ("opted_out", "1栋 2-1205", {"name": "赵六", "unit": "1栋 2-1205", "estate": "阳光花园"}),
        "钱七": (None, "1栋 2-1206", {"name": "钱七", "unit": "1栋 2-1206", "estate": "阳光花园"})}
    queued = {m["address"] if m["channel"] == "sms" else m["channel"] + ":" + m["language"]: m
              for m in rows(db, select(messages))}
    assert sorted(queued) == ["13800000001", "13800000006", "in_app:en", "in_app:zh-CN"]
    sms = queued["13800000001"]
    assert (sms["body"], sms["params"], sms["segments"], sms["sms_template_code"], sms["language"]) == (
        "【通知】阳光花园本月物业费请于3月31日前缴纳。", {"estate": "阳光花园", "due_date": "3月31日"}, 1, "SMS_1001",
        "zh-CN")
    morning = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai: the end of quiet hours
    assert (sms["state"], sms["next_attempt_at"], sms["queued_at"], sms["notice_id"]) == (
        "queued", morning, NIGHT, notice["id"])
    english = queued["in_app:en"]
    assert english["body"] == "阳光花园: please pay this month's fee by 3月31日." and english["subject"] == "Fee notice"
    assert english["next_attempt_at"] == NIGHT and english["address"] == str(english["person_id"])
    them = {r["id"]: r for r in rows(db, select(recipients))}
    assert all(them[m["recipient_id"]]["person_id"] == m["person_id"] for m in queued.values())
    history = {h["message_id"]: (h["state"], h["at"], h["detail"]) for h in rows(db, select(message_history))}
    assert history == {m["id"]: ("queued", NIGHT, "held until the end of quiet hours" if m["channel"] == "sms"
                                 else None) for m in queued.values()}


def test_no_contact_and_companies_and_moved_out(db, settings, households, monkeypatch):
    households.template()  # a household template beside: not this notice's
    template = households.template(ONE_TEXT, en=None, variables=("due_date",), purpose="fee")
    gone_unit, gone = households.household("2-1207", "孙八", mobile="13800000008")
    with db.begin() as conn:
        conn.execute(occupancies.update().where(occupancies.c.person_id == gone).values(moved_out_on=date(2026, 1, 1)))
    office = households.unit("A-1201", building="A")
    front = households.person("前台小周", mobile="13733334444")
    households.company("深圳示例科技有限公司", (office,), (front,))
    make(db, settings, households, template, variables={"due_date": "3月31日"}, channels=["sms"])
    assert _start(db, settings, NOON, monkeypatch) == 1
    kept = {r["name"]: (r["excluded"], r["unit_label"]) for r in rows(db, select(recipients))}
    assert kept == {"王芳": (None, "1栋 2-1202"), "Tom": ("no_contact", "1栋 2-1203"),
                    "李伟": ("no_contact", "1栋 2-1204"), "赵六": (None, "1栋 2-1205"),  # fee: essential
                    "钱七": (None, "1栋 2-1206"), "前台小周": (None, "A栋 A-1201")}
    queued = sorted((m["address"], m["next_attempt_at"], m["body"]) for m in rows(db, select(messages)))
    body = "【通知】阳光花园本月物业费请于3月31日前缴纳。"
    assert queued == [(n, NOON, body) for n in ("13733334444", "13800000001", "13800000005", "13800000006")]
