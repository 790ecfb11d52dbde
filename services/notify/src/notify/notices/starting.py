"""Starting due notices (the data flow's step 2), called by the sender every round.

For each ``scheduled`` notice whose ``send_at`` has come (taken ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so concurrent senders share the work and never start one notice twice; on SQLite the
conditional status change below decides): resolve its audience and keep it (``recipients``), make
one queued message per reachable recipient on the first channel they can take (a non-urgent SMS
waits for the end of the estate's quiet hours), mark the notice ``sending`` and record
``notify.notice.started.v1``; a recurring notice makes its next occurrence (same ``series_id``)
in the same transaction. A notice that can no longer be sent (its template now names a variable
nobody gives, its estate left the copy) is cancelled, with the reason in the event.

Each notice is committed on its own, so a crash leaves every notice either untouched or started.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from notify import events
from notify.audiences import spec
from notify.audiences.companies import company_recipients
from notify.audiences.reach import channels_for
from notify.audiences.resolve import mark, resolve
from notify.domain import notices as statuses
from notify.estate_settings.views import settings_of
from notify.events import SOURCE, notice_payload
from notify.notices import one_text
from notify.notices.composing import Composer, notice_message, sms_may_go_at
from notify.schedule import recurrence
from notify.schedule.clock import zone
from notify.tables import message_history, messages, notices, outbox, recipients, templates
from servicekit.bulk import insert_rows
from servicekit.envelope import CloudEvent
from servicekit.errors import DomainError

BATCH = 20  # notices taken per transaction
ANALYZE_AFTER = 10_000  # a notice queueing this many messages refreshes the planner's statistics


def start_due(session: Session, now: datetime, settings: Any) -> int:
    """Start every notice due at ``now``; answers how many were started (commits each)."""
    started = 0
    while True:
        due = list(session.execute(
            select(notices).where(notices.c.status == statuses.SCHEDULED, notices.c.send_at <= now)
            .order_by(notices.c.send_at, notices.c.id).limit(BATCH).with_for_update(skip_locked=True)
        ).mappings())
        for row in due:
            queued = _start(session, dict(row), now, settings)
            started += 1 if queued is not None else 0
            session.commit()  # releases this notice's lock; the rest of the batch was skipped by others
            if queued is not None and queued >= ANALYZE_AFTER:
                _analyze(session)
        session.commit()
        if len(due) < BATCH:
            return started


def _analyze(session: Session) -> None:
    """PostgreSQL: refresh the planner's statistics of the tables a big notice has just grown.
    Without them, on tables that were small (a fresh database, a quiet month), the sender's
    statements are planned for a handful of queued messages: a claim or a mark of 1,000 by key
    then walks every queued one (seen at 0.2-1.3 s a statement for 100,000 recipients)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE messages, recipients"))
        session.commit()


def _start(session: Session, notice: dict[str, Any], now: datetime, settings: Any) -> int | None:
    """Start ``notice``: how many messages it queued; None when it did not start."""
    taken = session.execute(update(notices).where(notices.c.id == notice["id"],
                                                  notices.c.status == statuses.SCHEDULED)
                            .values(status=statuses.SENDING)).rowcount
    if taken != 1:  # another sender started it (SQLite has no row locks to skip)
        return None
    local = settings_of(session, notice["estate_id"])
    recorded: list[tuple[str, Any, dict[str, Any]]] = []
    try:
        count = _queue(session, notice, local, now)
    except DomainError as exc:
        session.rollback()
        _cancel(session, notice, now, str(exc), recorded)
        _flush(session, recorded)
        return None
    values = {"status": statuses.SENDING, "started_at": now, "recipients_count": count,
              "version": notice["version"] + 1}
    session.execute(update(notices).where(notices.c.id == notice["id"]).values(values))
    notice.update(values)
    recorded.append((events.NOTICE_STARTED, notice["id"], {"notice": notice_payload(notice), "messages": count}))
    if notice["repeat"]:
        recorded.append(_next_occurrence(session, notice, local, now))
    _flush(session, recorded)
    return count


def _queue(session: Session, notice: Mapping[str, Any], local: Mapping[str, Any], now: datetime) -> int:
    tz = zone(local["timezone"])
    after_quiet = sms_may_go_at(local, now)
    template = session.execute(select(templates).where(templates.c.id == notice["template_id"])).mappings().one()
    audience, today = spec.check(notice["audience"]), now.astimezone(tz).date()
    composer = Composer(template, notice["variables"], local["sms_sign_name"])
    done = 0
    if one_text.applies(session, notice, template):
        # The households in the database (INSERT … SELECT); the companies' units below, as ever.
        estate = one_text.keep_households(session, notice, audience, today)
        done = one_text.queue_messages(session, notice, template, composer, estate, now, after_quiet)
        found = company_recipients(session, notice["estate_id"], audience, purpose=notice["purpose"],
                                   channels=notice["channels"], today=today)
        mark(session, notice["estate_id"], found, estate=estate, purpose=notice["purpose"],
             channels=tuple(notice["channels"]))
    else:
        found = resolve(session, notice["estate_id"], audience, purpose=notice["purpose"],
                        channels=notice["channels"], today=today)
    kept, queued, history = [], [], []
    for recipient in found:
        recipient_id = uuid.uuid4()
        kept.append({"id": recipient_id, "notice_id": notice["id"], "estate_id": notice["estate_id"],
                     "person_id": recipient["person_id"], "unit_id": recipient["unit_id"], "name": recipient["name"],
                     "unit_label": recipient["unit_label"], "language": recipient["language"],
                     "mobile": recipient["mobile"], "email": recipient["email"],
                     "variables": _plain(recipient["variables"]), "excluded": recipient["excluded"]})
        if recipient["excluded"]:
            continue
        channel = channels_for(recipient, notice["channels"])[0]
        message, first = notice_message(notice, template, kept[-1], channel, local, now, sms_from=after_quiet,
                                        composer=composer)
        queued.append(message)
        history.append(first)
    for table, rows in ((recipients, kept), (messages, queued), (message_history, history)):
        insert_rows(session, table, rows)
    return done + len(queued)


def _next_occurrence(session: Session, notice: Mapping[str, Any], local: Mapping[str, Any],
                     now: datetime) -> tuple[str, Any, dict[str, Any]]:
    after = max(notice["send_at"], now)
    following = {**notice, "id": uuid.uuid4(), "status": statuses.SCHEDULED,
                 "send_at": recurrence.next_occurrence(after, notice["repeat"], zone(local["timezone"])),
                 "series_id": notice["series_id"] or notice["id"], "created_at": now, "started_at": None,
                 "finished_at": None, "version": 1}
    session.execute(insert(notices).values(following))
    return events.NOTICE_SCHEDULED, following["id"], {"notice": notice_payload(following)}


def _cancel(session: Session, notice: dict[str, Any], now: datetime, reason: str, recorded: list) -> None:
    values = {"status": statuses.CANCELLED, "finished_at": now, "version": notice["version"] + 1}
    session.execute(update(notices).where(notices.c.id == notice["id"],
                                          notices.c.status == statuses.SCHEDULED).values(values))
    notice.update(values)
    recorded.append((events.NOTICE_CANCELLED, notice["id"], {"notice": notice_payload(notice), "reason": reason}))


def _flush(session: Session, recorded: list[tuple[str, Any, dict[str, Any]]]) -> None:
    outbox.add_many(session, [CloudEvent(type=t, source=SOURCE, subject=str(s), data=d) for t, s, d in recorded])


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in values.items()}
