"""A tickets event (or a surveys invitation), answered: the messages its rules make, in the
consumer's transaction.

For each rule that answers the event (:mod:`notify.rules.matching`), each recipient its audience
names (:mod:`notify.rules.audiences`) gets one queued message on the first channel they can take,
rendered in their language, ``source_event_id`` "<source> <id>" of the event, the rule's id (a
built-in rule's stable uuid5). An event applied again makes nothing new (:mod:`notify.messages.queueing`).
Fields the event has and notify does not know are ignored; an event that names nobody makes nothing.
A rule's template of a purpose one may opt out of (surveys, activities) reaches nobody who opted out
of it: each is skipped with a log line and counted (:data:`OPTED_OUT`).

Only news makes messages: an event describing the past makes none. That is a replayed one (the
AMQP header ``x-replay``: a late joiner's or a rebuilt copy's history), a demo's history (the
demo loader's mark, :func:`servicekit.demo.is_demo_history`), or one whose moment lies outside a
rule's freshness window (:mod:`notify.domain.freshness`). Each is skipped with a log line that says
why and counts the skipped events by reason since the process started (:data:`SKIPPED`), so
nothing is left out silently.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.domain.freshness import described_at, not_news
from notify.domain.purposes import OPTIONAL
from notify.estate_settings.views import settings_of
from notify.messages.queueing import draft, queue
from notify.rules import audiences, matching
from notify.rules.audiences import UNKNOWN_NAME, Recipient
from notify.rules.defaults import Rule, Template
from notify.rules.variables import event_variables
from notify.tables import opt_outs
from servicekit.demo import is_demo_history
from servicekit.envelope import CloudEvent

log = logging.getLogger(__name__)

REPLAYED, DEMO_HISTORY = "replayed", "demo_history"
# Events that made no message because they describe the past, by reason (replayed, demo_history,
# stale), since this process started; each skip's log line carries the running count.
SKIPPED: Counter[str] = Counter()


def _skipped(event: CloudEvent, reason: str, rule: Rule | None = None, moment: datetime | None = None) -> None:
    SKIPPED[reason] += 1
    log.info("event describes the past: no message", extra={
        "event_id": event.id, "event_type": event.type, "reason": reason, "described_at": moment and moment.isoformat(),
        "rule_id": rule and str(rule.id), "skipped": SKIPPED[reason], "skipped_total": sum(SKIPPED.values())})


# Recipients a rule's message was not made for because they opted out of its purpose, by purpose,
# since this process started.
OPTED_OUT: Counter[str] = Counter()


def _opted_out(session: Session, recipient: Recipient, purpose: str, event: CloudEvent) -> bool:
    if recipient.kind != "person" or purpose not in OPTIONAL:
        return False
    found = session.execute(select(opt_outs.c.person_id).where(
        opt_outs.c.person_id == recipient.id, opt_outs.c.purpose == purpose)).first() is not None
    if found:
        OPTED_OUT[purpose] += 1
        log.info("recipient opted out of the rule's purpose: no message", extra={
            "event_id": event.id, "event_type": event.type, "purpose": purpose, "person_id": str(recipient.id),
            "opted_out": OPTED_OUT[purpose]})
    return found


def source_event_id(event: CloudEvent) -> str:
    return f"{event.source} {event.id}"


def _estate(event: CloudEvent) -> uuid.UUID | None:
    """A tickets event's ticket's estate; a surveys invitation's own ``estate_id``."""
    ticket = event.data.get("ticket") or event.data.get("application")  # an application's decision has no ticket
    if not isinstance(ticket, dict):
        # a callback's events carry the callback, a diary entry's the entry, a handover's the handover
        ticket = event.data.get("callback") or event.data.get("entry") or event.data.get("handover")
    try:
        if isinstance(ticket, dict):
            return uuid.UUID(str(ticket["estate_id"]))
        estate = event.data.get("estate_id") if event.type.startswith("surveys.") else None
        return None if estate is None else uuid.UUID(str(estate))
    except (KeyError, ValueError):
        return None


# Urgent messages (an escalation, a breach, a handover left unsigned) that reached none of the
# people their rule named, by event type, since this process started (see :func:`_unreached`).
UNREACHED: Counter[str] = Counter()


def _unreached(event: CloudEvent, rule: Rule, recipients: list[Recipient]) -> None:
    """An urgent rule named people and none of them can take its channels (a staff member not in
    the copy, or with neither mobile nor e-mail): an error, never silence. What is missing is
    counted by ``notify_configuration_warnings{warning="staff_unreachable"}`` too."""
    UNREACHED[event.type] += 1
    log.error("urgent message reaches nobody: no one it names can be reached over the rule's channels", extra={
        "event_id": event.id, "event_type": event.type, "rule_id": str(rule.id),
        "recipients": [str(r.id) for r in recipients], "channels": list(rule.channels),
        "unreached": UNREACHED[event.type]})


def _message(session: Session, event: CloudEvent, estate_id: uuid.UUID, rule: Rule, template: Template,
             recipient: Recipient, timezone: str, now: datetime) -> tuple[dict[str, Any], bool] | None:
    """The recipient's message and whether it is new; None when they cannot take the rule's channels."""
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
        duty_contact_id=recipient.id if recipient.kind == "duty_contact" else None,
    ), now)
    return row, new


def answer_event(session: Session, event: CloudEvent, now: datetime | None = None) -> list[dict[str, Any]]:
    """Queue the messages the rules make of ``event``; answers the new ones (none for the past,
    see the module's docstring)."""
    now = now or datetime.now(UTC)
    if event.replay:
        _skipped(event, REPLAYED)
        return []
    if is_demo_history(event):
        _skipped(event, DEMO_HISTORY)
        return []
    estate_id = _estate(event)
    if estate_id is None:
        log.warning("event without an estate: no message", extra={"event_id": event.id, "event_type": event.type})
        return []
    timezone = settings_of(session, estate_id)["timezone"]
    moment = described_at(event.data, event.time)
    made = []
    for rule in matching.rules_for(session, estate_id, event.type, event.data):
        late = not_news(moment, now, rule.fresh_for_minutes)
        if late is not None:
            _skipped(event, late, rule, moment)
            continue
        template = matching.template_for(session, rule, estate_id)
        if template is None:
            log.warning("rule's template is gone: no message", extra={"rule_id": str(rule.id)})
            continue
        recipients = audiences.resolve(session, rule.audience, estate_id, event.data)
        reached = 0
        for recipient in recipients:
            if _opted_out(session, recipient, template.purpose, event):
                continue
            message = _message(session, event, estate_id, rule, template, recipient, timezone, now)
            if message is None:
                continue
            reached += 1
            if message[1]:
                made.append(message[0])
        if rule.urgent and recipients and not reached:
            _unreached(event, rule, recipients)
    return made
