"""The next channel for a message that failed for good on its own.

The channels a recipient may be tried on are the notice's (or the rule's) in their order, else the
default SMS → e-mail → in-app; the next one after the failed message's channel that the recipient
has an address for gets a new queued message naming the failed one in ``fallback_of``. The
receipts of the SMS provider call this too (a delivery failure reported later).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from notify.domain import channels
from notify.domain import messages as states
from notify.estate_settings.views import settings_of
from notify.notices.composing import notice_message
from notify.rules.matching import rule_by_id
from notify.schedule.quiet_hours import first_attempt_at
from notify.tables import message_history, messages, notices, people, recipients, staff, templates
from servicekit.errors import DomainError

m = messages.c


def fall_back(session: Session, message_row: Mapping[str, Any], now: datetime) -> uuid.UUID | None:
    """Queue ``message_row``'s next channel; returns the new message's id, or None: no next channel
    the recipient can take, or a fallback of it exists already."""
    row = message_row
    if session.execute(select(m.id).where(m.fallback_of == row["id"])).first() is not None:
        return None
    order = _channels(session, row)
    later = order[order.index(row["channel"]) + 1:] if row["channel"] in order else ()
    contact = _contact(session, row)
    for channel in later:
        if channel == channels.IN_APP and row["person_id"] is not None:
            return _queue(session, row, channel, None, now)
        address = contact.get(channel)
        if address:
            return _queue(session, row, channel, address, now)
    return None


def _channels(session: Session, row: Mapping[str, Any]) -> Sequence[str]:
    named = None
    if row["notice_id"] is not None:
        named = session.execute(select(notices.c.channels).where(notices.c.id == row["notice_id"])).scalar()
    elif row["rule_id"] is not None:  # an estate's or operator's rule, or a built-in one
        rule = rule_by_id(session, row["rule_id"])
        named = rule.channels if rule is not None else None
    return tuple(named or channels.DEFAULT_FALLBACK)


def _contact(session: Session, row: Mapping[str, Any]) -> dict[str, str | None]:
    """The recipient's mobile and e-mail: as resolved with the notice, else the copy of the person
    or the staff member."""
    for table, key in ((recipients, "recipient_id"), (people, "person_id"), (staff, "staff_id")):
        if row[key] is not None:
            found = session.execute(select(table.c.mobile, table.c.email).where(table.c.id == row[key])).first()
            if found is not None:
                return {channels.SMS: found.mobile, channels.EMAIL: found.email}
    return {}


def _queue(session: Session, row: Mapping[str, Any], channel: str, address: str | None, now: datetime) -> uuid.UUID:
    if row["notice_id"] is not None and row["recipient_id"] is not None:
        made = _notice_message(session, row, channel, now)
        if made is not None:
            return made
    id_ = uuid.uuid4()
    subject = row["subject"] or _title(session, row) or row["body"][:40]
    session.execute(insert(messages).values(
        id=id_, estate_id=row["estate_id"], notice_id=row["notice_id"], recipient_id=row["recipient_id"],
        rule_id=row["rule_id"], source_event_id=row["source_event_id"], person_id=row["person_id"],
        staff_id=row["staff_id"], channel=channel, address=address, language=row["language"], subject=subject,
        body=row["body"], params=row["params"], urgent=row["urgent"], state=states.QUEUED, attempts=0,
        next_attempt_at=first_attempt_at(session, row["estate_id"], channel, row["urgent"], now),
        fallback_of=row["id"], queued_at=now, updated_at=now))
    session.execute(insert(message_history).values(message_id=id_, at=now, state=states.QUEUED, code="fallback",
                                                   detail=f"after {row['channel']} failed"))
    return id_


def _notice_message(session: Session, row: Mapping[str, Any], channel: str, now: datetime) -> uuid.UUID | None:
    """A notice's next channel, rendered from its template for that channel; None when it cannot be
    (the template changed meanwhile): then the failed message's text is sent as it was."""
    notice = session.execute(select(notices).where(notices.c.id == row["notice_id"])).mappings().first()
    template = notice and session.execute(
        select(templates).where(templates.c.id == notice["template_id"])).mappings().first()
    recipient = session.execute(select(recipients).where(recipients.c.id == row["recipient_id"])).mappings().first()
    if not (notice and template and recipient):
        return None
    try:
        message, first = notice_message(notice, template, recipient, channel, settings_of(session, row["estate_id"]),
                                        now, fallback_of=row["id"], code="fallback",
                                        detail=f"after {row['channel']} failed")
    except DomainError:
        return None
    session.execute(insert(messages).values(message))
    session.execute(insert(message_history).values(first))
    return message["id"]


def _title(session: Session, row: Mapping[str, Any]) -> str | None:
    if row["notice_id"] is None:
        return None
    return session.execute(select(notices.c.title).where(notices.c.id == row["notice_id"])).scalar()
