"""Helpers of the rules tests: notify's copy written directly, tickets events from tickets' own
contract examples, applied through notify's handlers as the consumer applies them."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from notify.handlers import HANDLERS
from notify.rules.answer import answer_event
from notify.tables import duty_contacts, estates, messages, people, staff
from servicekit.envelope import CloudEvent

CONTRACTS = Path(__file__).resolve().parents[4] / "tickets" / "contracts" / "events"
# Noon in Shanghai: outside the default quiet hours.
NOON = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def example(event_type: str) -> dict[str, Any]:
    """The first example of a tickets event's contract (a fresh copy)."""
    schema = json.loads((CONTRACTS / f"{event_type}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(schema["examples"][0])


def cloud_event(event_type: str, data: dict[str, Any], event_id: str | None = None) -> CloudEvent:
    return CloudEvent(type=event_type, source="/estatedesk/tickets", data=data,
                      subject=(data.get("ticket") or {}).get("ticket_id")
                      or (data.get("callback") or {}).get("callback_id")
                      or (data.get("handover") or {}).get("handover_id") or data["entry"]["entry_id"],
                      id=event_id or str(uuid.uuid4()))


class World:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def estate(self, estate_id: str) -> None:
        with self.engine.begin() as db:
            db.execute(insert(estates).values(id=uuid.UUID(estate_id), code="SUN", name="阳光花园", version=1))

    def person(self, person_id: str, estate_id: str, *, name: str = "张三", language: str = "zh-CN",
               mobile: str | None = "13800000001", email: str | None = None, preferred: str = "sms") -> None:
        with self.engine.begin() as db:
            db.execute(insert(people).values(id=uuid.UUID(person_id), estate_id=uuid.UUID(estate_id), name=name,
                                             language=language, preferred_channel=preferred, mobile=mobile,
                                             email=email, version=1))

    def staff(self, staff_id: str, estate_id: str, *, name: str = "李师傅", mobile: str | None = "13900000001",
              role: str = "technician") -> None:
        with self.engine.begin() as db:
            db.execute(insert(staff).values(id=uuid.UUID(staff_id), estate_id=uuid.UUID(estate_id), name=name,
                                            role=role, mobile=mobile, email=None, active=True, version=1))

    def duty_contact(self, name: str, *, mobile: str | None, email: str | None) -> None:
        with self.engine.begin() as db:
            db.execute(insert(duty_contacts).values(id=uuid.uuid4(), name=name, mobile=mobile, email=email,
                                                    created_at=NOON))

    def apply(self, event: CloudEvent, now: datetime = NOON) -> list[dict[str, Any]]:
        with Session(self.engine) as session, session.begin():
            return answer_event(session, event, now)

    def handle(self, event: CloudEvent) -> None:
        """As the consumer does: the handler registered for the type."""
        with Session(self.engine) as session, session.begin():
            HANDLERS[event.type](session, event)

    def messages(self) -> list[dict[str, Any]]:
        with self.engine.connect() as db:
            return [dict(r) for r in db.execute(select(messages).order_by(messages.c.queued_at,
                                                                          messages.c.channel)).mappings()]


@pytest.fixture
def world(db: Engine) -> World:
    return World(db)
