"""One queued message without a notice (a rule's or a one-off), rendered and written.

Each new message is ``queued`` with its history's first entry. A rule's message is written once,
by its ``dedupe_key`` (unique in the table, so two consumers racing on one event cannot both write
it): one per event, rule and person, staff member or duty contact, whatever its channel and address (the copy
may have changed the person's channel or number between two applications of one event). The key is
looked for first, so a replay answers the message made before; the consumer's inbox already keeps
an event from being applied twice. A one-off message has no such key: its call's Idempotency-Key
answers a retry (:mod:`servicekit.idempotency`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from notify.domain.channels import SMS
from notify.domain.messages import QUEUED
from notify.schedule.quiet_hours import first_attempt_at
from notify.tables import message_history, messages
from notify.templates.rendering import render as render_strictly
from notify.templates.rendering import variables_in
from notify.templates.sms import segments


@dataclass(frozen=True)
class Draft:
    estate_id: uuid.UUID
    channel: str
    address: str | None
    language: str
    subject: str
    body: str
    params: Mapping[str, Any]
    urgent: bool = False
    person_id: uuid.UUID | None = None
    staff_id: uuid.UUID | None = None
    duty_contact_id: uuid.UUID | None = None  # the operator's duty contact (no column: the address says)
    rule_id: uuid.UUID | None = None
    source_event_id: str | None = None
    sms_template_code: str | None = None


def render(text: str, values: Mapping[str, Any]) -> str:
    """``text`` rendered from an event's values: a value the event does not give renders empty."""
    return render_strictly(text, {**dict.fromkeys(variables_in(text), ""), **values})


def dedupe_key(d: Draft) -> str | None:
    if d.source_event_id is None or d.rule_id is None:
        return None
    key = f"{d.source_event_id}|rule {d.rule_id}|{d.person_id or ''}|{d.staff_id or ''}"
    return key if d.duty_contact_id is None else f"{key}|duty {d.duty_contact_id}"


def draft(*, texts: Mapping[str, str], values: Mapping[str, Any], **fields: Any) -> Draft:
    """A draft with ``texts`` ({"subject", "body"}) rendered from ``values``."""
    return Draft(subject=render(texts.get("subject", ""), values), body=render(texts.get("body", ""), values),
                 params=dict(values), **fields)


def existing(session: Session, d: Draft) -> Mapping[str, Any] | None:
    return session.execute(select(messages).where(messages.c.dedupe_key == dedupe_key(d))).mappings().first()


def queue(session: Session, d: Draft, now: datetime) -> tuple[dict[str, Any], bool]:
    """Queue ``d`` unless it is queued already; answers the message row and whether it is new."""
    if dedupe_key(d) is not None:
        found = existing(session, d)
        if found is not None:
            return dict(found), False
    row = {
        "id": uuid.uuid4(), "estate_id": d.estate_id, "notice_id": None, "recipient_id": None,
        "rule_id": d.rule_id, "source_event_id": d.source_event_id, "dedupe_key": dedupe_key(d),
        "person_id": d.person_id, "staff_id": d.staff_id, "channel": d.channel, "address": d.address,
        "language": d.language,
        "subject": d.subject[:300] or None, "body": d.body, "sms_template_code": d.sms_template_code,
        "params": dict(d.params), "segments": segments(d.body) if d.channel == SMS else 0,
        "urgent": d.urgent,
        "state": QUEUED, "attempts": 0, "next_attempt_at": first_attempt_at(session, d.estate_id, d.channel,
                                                                          d.urgent, now),
        "queued_at": now, "updated_at": now, "version": 1,
    }
    session.execute(insert(messages).values(row))
    session.execute(insert(message_history).values(message_id=row["id"], at=now, state=QUEUED))
    return row, True
