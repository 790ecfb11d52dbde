"""A tickets event, answered: the messages its rules make, in the consumer's transaction.

For each rule that answers the event (:mod:`notify.rules.matching`), each recipient its audience
names (:mod:`notify.rules.audiences`) gets one queued message on the first channel they can take,
rendered in their language, ``source_event_id`` "<source> <id>" of the event, the rule's id (a
built-in rule's stable uuid5). An event applied again makes nothing new (:mod:`notify.messages.queueing`).
Fields the event has and notify does not know are ignored; an event that names nobody makes nothing.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from notify.estate_settings.views import settings_of
from notify.messages.queueing import draft, queue
from notify.rules import audiences, matching
from notify.rules.audiences import UNKNOWN_NAME, Recipient
from notify.rules.defaults import Rule, Template
from notify.rules.variables import event_variables
from servicekit.envelope import CloudEvent

log = logging.getLogger(__name__)


def source_event_id(event: CloudEvent) -> str:
    return f"{event.source} {event.id}"


def _estate(event: CloudEvent) -> uuid.UUID | None:
    ticket = event.data.get("ticket")
    try:
        return uuid.UUID(str(ticket["estate_id"])) if isinstance(ticket, dict) else None
    except (KeyError, ValueError):
        return None


def _message(session: Session, event: CloudEvent, estate_id: uuid.UUID, rule: Rule, template: Template,
             recipient: Recipient, timezone: str, now: datetime) -> dict[str, Any] | None:
    channels = rule.channels if recipient.known else [c for c in rule.channels if c == "in_app"]
    chosen = recipient.channel(channels)
    if chosen is None:
        log.info("recipient cannot be reached over the rule's channels",
                 extra={"rule_id": str(rule.id), "recipient": str(recipient.id), "event_id": event.id})
        return None
    channel, address = chosen
    language, texts = template.text(recipient.language)
    name = recipient.name if recipient.known else UNKNOWN_NAME.get(language, recipient.name)
    values = event_variables(event.type, event.data, name, language, timezone)
    row, new = queue(session, draft(
        texts=texts, values=values, estate_id=estate_id, channel=channel, address=address, language=language,
        urgent=rule.urgent, rule_id=rule.id, source_event_id=source_event_id(event),
        sms_template_code=template.sms_template_code,
        person_id=recipient.id if recipient.kind == "person" else None,
        staff_id=recipient.id if recipient.kind == "staff" else None,
    ), now)
    return row if new else None


def answer_event(session: Session, event: CloudEvent, now: datetime | None = None) -> list[dict[str, Any]]:
    """Queue the messages the rules make of ``event``; answers the new ones."""
    now = now or datetime.now(UTC)
    estate_id = _estate(event)
    if estate_id is None:
        log.warning("tickets event without a ticket's estate: no message", extra={"event_id": event.id})
        return []
    timezone = settings_of(session, estate_id)["timezone"]
    made = []
    for rule in matching.rules_for(session, estate_id, event.type):
        template = matching.template_for(session, rule, estate_id)
        if template is None:
            log.warning("rule's template is gone: no message", extra={"rule_id": str(rule.id)})
            continue
        for recipient in audiences.resolve(session, rule.audience, estate_id, event.data):
            row = _message(session, event, estate_id, rule, template, recipient, timezone, now)
            if row is not None:
                made.append(row)
    return made
