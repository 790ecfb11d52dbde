"""A sending notice whose messages are all final becomes ``sent``: the sender calls
:func:`complete_finished` every round.

The notice is closed by one conditional update (``status = 'sending' AND version = <read>``), so
of two senders running it at once exactly one closes it and records the events; a notice changed
meanwhile (a resend queued new messages, a pause) keeps its status until a later round. Its reach
is kept on it (notify.tracking.kept_reach) from the totals its completed event carries. The
events go to the outbox in the caller's transaction, which the caller commits:

* ``notify.notice.completed.v1`` with the totals;
* ``notify.recipient.unreached.v1`` for each recipient no channel reached (every message failed,
  or no contact point at all, or the in-app message they fell back to lies unread: an unread
  message reached nobody, or the SMS's receipt never came: ``no_receipt``), so the call centre
  phones them (opted-out recipients are not chased). A notice completed again after a resend
  names only the recipients resent to;
* ``notify.recipients.reached.v1`` naming the people it reached and over which channel, a thousand
  to an event (owners keeps each person's timeline from them); after a resend, the newly reached.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from notify.domain import messages as states
from notify.domain import notices as statuses
from notify.events import (
    NOTICE_COMPLETED,
    REACHED_PART_SIZE,
    RECIPIENT_UNREACHED,
    RECIPIENTS_REACHED,
    SOURCE,
    completed_payload,
    reached_payload,
    unreached_payload,
)
from notify.tables import messages, notices, outbox, recipients
from notify.tracking import kept_reach, views
from notify.tracking.outcomes import OPEN_STATES, outcome_of, per_recipient, reaching, to_chase
from servicekit.envelope import CloudEvent

NO_CONTACT = "no_contact"
UNREAD = "unread"
FAILED = "failed"
NO_RECEIPT = "no_receipt"


def complete_finished(session: Session, now: datetime) -> int:
    """Close every sending notice none of whose messages is still queued, sending or sent;
    returns how many this call closed. Nothing is committed: the caller's transaction holds it."""
    still_open = (select(messages.c.id)
                  .where(messages.c.notice_id == notices.c.id, messages.c.state.in_(OPEN_STATES)).exists())
    # SKIP LOCKED: a notice another sender is closing (its totals take a while for 100,000 messages)
    # is left to it, instead of this sender waiting on its row lock to find it closed.
    candidates = session.execute(select(notices).where(notices.c.status == statuses.SENDING, ~still_open)
                                 .order_by(notices.c.id).with_for_update(skip_locked=True, of=notices)
                                 ).mappings().all()
    closed = 0
    for notice in candidates:
        done = session.execute(update(notices)
                               .where(notices.c.id == notice["id"], notices.c.status == statuses.SENDING,
                                      notices.c.version == notice["version"])
                               .values(status=statuses.SENT, finished_at=now, version=notice["version"] + 1))
        if done.rowcount != 1:
            continue  # another caller closed it, or it changed since it was read
        totals = views.totals(session, notice["id"])
        kept_reach.keep(session, notice["id"], totals["recipients"])
        events = [_completed(dict(notice), totals, now)]
        events += [_unreached(notice, r, now) for r in _unreached_recipients(session, notice)]
        events += _reached(session, notice, now)
        outbox.add_many(session, events)
        closed += 1
    return closed


def _completed(notice: dict[str, Any], totals: dict[str, Any], now: datetime) -> CloudEvent:
    data = completed_payload(notice, totals, now)
    return CloudEvent(type=NOTICE_COMPLETED, source=SOURCE, subject=str(notice["id"]), data=data, time=now)


def _unreached_recipients(session: Session, notice: Any) -> list[dict[str, Any]]:
    """Recipients not reached (an unread in-app message included), not opted out; after a resend,
    only those resent to."""
    agg = per_recipient(notice["id"])
    statement = (select(recipients, outcome_of(agg).label("outcome"), agg.c.unread)
                 .select_from(recipients.outerjoin(agg, agg.c.recipient_id == recipients.c.id))
                 .where(recipients.c.notice_id == notice["id"],
                        or_(to_chase(agg), recipients.c.excluded == NO_CONTACT))
                 .order_by(recipients.c.id))
    if notice["finished_at"] is not None:
        resent = select(messages.c.recipient_id).where(messages.c.notice_id == notice["id"],
                                                       messages.c.queued_at > notice["finished_at"])
        statement = statement.where(recipients.c.id.in_(resent))
    found = [dict(r) for r in session.execute(statement).mappings()]
    failures: dict[UUID, list[dict[str, Any]]] = {r["id"]: [] for r in found}
    if found:
        failed = (select(messages).where(messages.c.notice_id == notice["id"], messages.c.state == "failed")
                  .order_by(messages.c.queued_at, messages.c.id))
        for message in session.execute(failed).mappings():
            if message["recipient_id"] in failures:
                failures[message["recipient_id"]].append(
                    {"message_id": str(message["id"]), "channel": message["channel"], "code": message["failure_code"],
                     "reason": message["failure_reason"], "at": message["updated_at"].isoformat()})
    silent: set[UUID] = set()
    if found:
        silent = set(session.execute(select(messages.c.recipient_id).where(
            messages.c.notice_id == notice["id"], messages.c.state == states.NO_RECEIPT)).scalars())
    return [{**r, "failures": failures[r["id"]], "no_receipt": r["id"] in silent} for r in found]


def _reached(session: Session, notice: Any, now: datetime) -> list[CloudEvent]:
    """The people the notice reached (a list's entries without a person are not named), each once
    with a channel that reached them (one, if several did), in parts; after a resend only the newly reached."""
    reached = (select(recipients.c.person_id, recipients.c.unit_id, func.min(messages.c.channel).label("channel"))
               .join(messages, messages.c.recipient_id == recipients.c.id)
               .where(recipients.c.notice_id == notice["id"], recipients.c.person_id.is_not(None), reaching())
               .group_by(recipients.c.id, recipients.c.person_id, recipients.c.unit_id)
               .order_by(recipients.c.id))
    if notice["finished_at"] is not None:
        reached = reached.where(messages.c.queued_at > notice["finished_at"])
    # Plain tuples into the event's dicts: a RowMapping per row (its keys looked up for dict()) was
    # 2-3 s of the sender's CPU for a notice of 100,000 (py-spy), at the very end of the notice.
    rows = [{"person_id": person, "unit_id": unit, "channel": channel}
            for person, unit, channel in session.execute(reached)]
    size = REACHED_PART_SIZE
    parts = [rows[i:i + size] for i in range(0, len(rows), size)]
    return [CloudEvent(type=RECIPIENTS_REACHED, source=SOURCE, subject=str(notice["id"]), time=now,
                       data=reached_payload(notice, number, len(parts), part))
            for number, part in enumerate(parts, start=1)]


def _unreached(notice: Any, recipient: dict[str, Any], now: datetime) -> CloudEvent:
    reason = (NO_CONTACT if recipient["excluded"] else UNREAD if recipient["unread"]
              else NO_RECEIPT if recipient["no_receipt"] and not recipient["failures"] else FAILED)
    data = unreached_payload(notice, recipient, reason)
    return CloudEvent(type=RECIPIENT_UNREACHED, source=SOURCE, subject=str(recipient["id"]), data=data, time=now)
