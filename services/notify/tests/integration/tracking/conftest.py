"""A notice with its recipients and messages as the notices, sender and sms branches would have
made them, inserted directly: ``world.notice(estate)``, ``world.recipient(notice, ...)``,
``world.message(recipient, "sms", "failed", ...)``."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert

from notify.tables import (
    buildings,
    estates,
    message_history,
    messages,
    notices,
    people,
    recipients,
    templates,
    units,
)

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
_numbers = itertools.count(1)


class World:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.recipients: dict[uuid.UUID, dict[str, Any]] = {}

    def _insert(self, table: Any, **row: Any) -> uuid.UUID:
        row.setdefault("id", uuid.uuid4())
        with self.engine.begin() as conn:
            conn.execute(insert(table).values(**row))
        return row["id"]

    def estate(self, name: str = "阳光花园") -> uuid.UUID:
        return self._insert(estates, code=f"E{next(_numbers)}", name=name, version=1)

    def building(self, estate_id: uuid.UUID, code: str = "1") -> uuid.UUID:
        return self._insert(buildings, estate_id=estate_id, code=code, name=f"{code}栋", version=1)

    def unit(self, estate_id: uuid.UUID, building_id: uuid.UUID, number: str) -> uuid.UUID:
        return self._insert(units, estate_id=estate_id, building_id=building_id, number=number, version=1)

    def person(self, estate_id: uuid.UUID, name: str = "王小明", **values: Any) -> uuid.UUID:
        return self._insert(people, estate_id=estate_id, name=name, version=1, **values)

    def template(self, estate_id: uuid.UUID) -> uuid.UUID:
        texts = {"zh-CN": {"subject": "12月物业费缴纳通知", "body": "尊敬的${name}，请缴纳12月物业费。"},
                 "en": {"subject": "December management fee", "body": "Dear ${name}, please pay December's fee."}}
        return self._insert(templates, estate_id=estate_id, code=f"fee-{next(_numbers)}", purpose="fee", texts=texts,
                            variables=[], sms_template_code="SMS_FEE", created_at=T0, updated_at=T0, version=1)

    def notice(self, estate_id: uuid.UUID, status: str = "sending", **values: Any) -> uuid.UUID:
        row = {"estate_id": estate_id, "template_id": self.template(estate_id), "purpose": "fee",
               "title": "12月物业费缴纳通知",
               "channels": ["sms", "email"], "audience": {"estate": True}, "variables": {}, "status": status,
               "send_at": T0, "created_by": "test", "created_at": T0, "started_at": T0, "version": 1, **values}
        return self._insert(notices, **row)

    def recipient(self, notice_id: uuid.UUID, name: str = "王小明", *, estate_id: uuid.UUID,
                  **values: Any) -> uuid.UUID:
        row = {"notice_id": notice_id, "estate_id": estate_id, "name": name, "language": "zh-CN",
               "variables": {"name": name},
               **values}
        id_ = self._insert(recipients, **row)
        self.recipients[id_] = row
        return id_

    def message(self, recipient_id: uuid.UUID, channel: str, state: str, *, minutes: int = 0,
                **values: Any) -> uuid.UUID:
        r = self.recipients[recipient_id]
        at = T0 + timedelta(minutes=minutes)
        address = {"sms": r.get("mobile"), "email": r.get("email")}.get(channel)
        row = {"estate_id": r["estate_id"], "notice_id": r["notice_id"], "recipient_id": recipient_id,
               "person_id": r.get("person_id"), "channel": channel, "address": address, "language": "zh-CN",
               "subject": "12月物业费缴纳通知", "body": "尊敬的业主，请缴纳12月物业费。", "params": {}, "state": state,
               "next_attempt_at": at, "queued_at": at, "updated_at": at, "version": 1}
        if state in ("sent", "delivered", "failed", "read"):
            row["sent_at"] = at
        if state in ("delivered", "read"):
            row["delivered_at"] = at + timedelta(seconds=5)
        if state == "read":
            row["read_at"] = at + timedelta(minutes=1)
        if state == "failed":
            row.update(failure_code="isv.MOBILE_NUMBER_ILLEGAL", failure_reason="非法手机号")
        row.update(values)
        id_ = self._insert(messages, **row)
        with self.engine.begin() as conn:
            conn.execute(insert(message_history), [{"message_id": id_, "at": at, "state": "queued", "code": None},
                                                   {"message_id": id_, "at": at, "state": state,
                                                    "code": row.get("failure_code")}])
        return id_


@pytest.fixture
def world(db: Engine) -> World:
    return World(db)


@pytest.fixture
def fee_notice(world: World) -> dict[str, Any]:
    """A sending fee notice of estate A to five households (and one of estate B):
    王 delivered by SMS; 李 SMS failed, e-mail delivered; 张 SMS failed, has an e-mail, nothing else;
    赵 SMS failed, no e-mail; 钱 SMS still queued; 孙 excluded (no contact)."""
    a, b = world.estate("阳光花园"), world.estate("月亮湾")
    b1, b2 = world.building(a, "1"), world.building(a, "2")
    u = {n: world.unit(a, b1 if n < 3 else b2, f"{n}-101") for n in range(1, 7)}
    p = {name: world.person(a, name, mobile=f"1380000000{i}") for i, name in enumerate("王李张赵钱孙", 1)}
    notice = world.notice(a)
    other = world.notice(b)
    r = {}
    specs = [("王", 1, "wang@example.com"), ("李", 2, "li@example.com"), ("张", 3, "13900000003@139.com"),
             ("赵", 4, None), ("钱", 5, "qian@example.com")]
    for name, n, email in specs:
        building = 1 if n < 3 else 2
        r[name] = world.recipient(notice, name, estate_id=a, person_id=p[name], unit_id=u[n],
                                  unit_label=f"{building}栋 {n}-101", mobile=f"1380000000{n}", email=email)
    r["孙"] = world.recipient(notice, "孙", estate_id=a, person_id=p["孙"], unit_id=u[6], unit_label="2栋 6-101",
                             excluded="no_contact")
    m = {"王": world.message(r["王"], "sms", "delivered")}
    m["李sms"] = world.message(r["李"], "sms", "failed")
    m["李email"] = world.message(r["李"], "email", "delivered", minutes=1, fallback_of=m["李sms"])
    m["张"] = world.message(r["张"], "sms", "failed")
    m["赵"] = world.message(r["赵"], "sms", "failed")
    m["钱"] = world.message(r["钱"], "sms", "queued")
    other_r = world.recipient(other, "周", estate_id=b, mobile="13811112222")
    world.message(other_r, "sms", "delivered")
    return {"a": a, "b": b, "b1": b1, "b2": b2, "units": u, "people": p, "notice": notice, "other": other,
            "r": r, "m": m}
