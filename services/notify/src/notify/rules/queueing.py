"""One queued message without a notice (a rule's or a one-off), written once.

Each new message is ``queued`` with its history's first entry. Written once: a rule's message of
the same ``source_event_id`` and ``rule_id`` to the same person or staff member is looked for first,
whatever its channel and address (the copy may have changed the person's channel or number between
two applications of one event); a one-off message (no rule) is one per channel. The table's unique
key says nearly the same, but its nullable columns (``person_id`` or ``staff_id`` is always null,
``address`` is null for in-app) make NULLs distinct there, so the look-up is what dedupes a replay;
the consumer's inbox already keeps an event from being applied twice.
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
from notify.rules.render import render, sms_segments
from notify.rules.timing import first_attempt_at
from notify.tables import message_history, messages


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
    rule_id: uuid.UUID | None = None
    source_event_id: str | None = None
    sms_template_code: str | None = None


def draft(*, texts: Mapping[str, str], values: Mapping[str, Any], **fields: Any) -> Draft:
    """A draft with ``texts`` ({"subject", "body"}) rendered from ``values``."""
    return Draft(subject=render(texts.get("subject", ""), values), body=render(texts.get("body", ""), values),
                 params=dict(values), **fields)


def _same(column: Any, value: Any) -> Any:
    return column.is_(None) if value is None else column == value


def existing(session: Session, d: Draft) -> Mapping[str, Any] | None:
    m = messages.c
    statement = select(messages).where(m.source_event_id == d.source_event_id, _same(m.rule_id, d.rule_id),
                                       _same(m.person_id, d.person_id), _same(m.staff_id, d.staff_id))
    if d.rule_id is None:
        statement = statement.where(m.channel == d.channel, _same(m.address, d.address))
    return session.execute(statement.limit(1)).mappings().first()


def queue(session: Session, d: Draft, now: datetime) -> tuple[dict[str, Any], bool]:
    """Queue ``d`` unless it is queued already; answers the message row and whether it is new."""
    if d.source_event_id is not None:
        found = existing(session, d)
        if found is not None:
            return dict(found), False
    row = {
        "id": uuid.uuid4(), "estate_id": d.estate_id, "notice_id": None, "recipient_id": None,
        "rule_id": d.rule_id, "source_event_id": d.source_event_id, "person_id": d.person_id,
        "staff_id": d.staff_id, "channel": d.channel, "address": d.address, "language": d.language,
        "subject": d.subject[:300] or None, "body": d.body, "sms_template_code": d.sms_template_code,
        "params": dict(d.params), "segments": sms_segments(d.body) if d.channel == SMS else 0, "urgent": d.urgent,
        "state": QUEUED, "attempts": 0, "next_attempt_at": first_attempt_at(session, d.estate_id, d.channel,
                                                                          d.urgent, now),
        "queued_at": now, "updated_at": now, "version": 1,
    }
    session.execute(insert(messages).values(row))
    session.execute(insert(message_history).values(message_id=row["id"], at=now, state=QUEUED))
    return row, True
