"""The question after a ticket (SRV-5): when tickets says a ticket was resolved, its reporter is
invited (through notify, like a wave's households) to the built-in per-ticket question; the answer
is an event tickets records as the owner's evaluation of the ticket. A ticket evaluated at the desk
first is not asked, and a link sent before the desk evaluated it is withdrawn (409).

Handlers of the consumer: they run in its transaction, with the event's inbox row. Only news
invites: a replayed ticket event or a demo's history invites nobody (each skip logged and counted).
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from datetime import timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from servicekit.demo import is_demo_history
from servicekit.envelope import CloudEvent
from servicekit.rows import now
from servicekit.unit_of_work import JoinedUnitOfWork
from surveys.domain.questionnaires import TICKET_VERSION_ID
from surveys.invitations.use_cases import invite
from surveys.invitations.views import person
from surveys.settings import Settings
from surveys.tables import evaluated_tickets, invitations, outbox

log = logging.getLogger(__name__)

TICKET_RESOLVED = "tickets.ticket.resolved.v1"
TICKET_EVALUATED = "tickets.ticket.evaluated.v1"
TICKETS_EVENTS = (TICKET_RESOLVED, TICKET_EVALUATED)
SOURCE = "/estatedesk/surveys"  # surveys' CloudEvents source (servicekit.service.Service.source)
# Resolved tickets whose reporter was not asked, by reason, since this process started.
NOT_ASKED: Counter[str] = Counter()


@functools.cache
def _settings() -> Settings:
    return Settings.from_env("surveys", 8004)


def _not_asked(event: CloudEvent, reason: str) -> None:
    NOT_ASKED[reason] += 1
    log.info("resolved ticket: reporter not asked", extra={"event_id": event.id, "reason": reason,
                                                           "not_asked": NOT_ASKED[reason]})


def invite_reporter(session: Session, event: CloudEvent, settings: Any = None) -> None:
    """Invite a resolved ticket's reporter to the per-ticket question, once per ticket."""
    ticket = event.data["ticket"]
    ticket_id = UUID(str(ticket["ticket_id"]))
    if event.replay or is_demo_history(event):
        return _not_asked(event, "past")
    if session.execute(select(invitations.c.id).where(invitations.c.ticket_id == ticket_id)).first():
        return _not_asked(event, "asked_already")
    if session.execute(select(evaluated_tickets.c.ticket_id).where(evaluated_tickets.c.ticket_id == ticket_id)).first():
        return _not_asked(event, "evaluated_at_the_desk")
    if not ticket.get("person_id"):
        return _not_asked(event, "no_reporter")
    settings = settings or _settings()
    uow = JoinedUnitOfWork(session, outbox, SOURCE)
    invite(uow, estate_id=UUID(str(ticket["estate_id"])), purpose="ticket",
           person=person(session, UUID(str(ticket["person_id"]))),
           unit_id=UUID(str(ticket["unit_id"])) if ticket.get("unit_id") else None, version_id=TICKET_VERSION_ID,
           expires_at=now() + timedelta(days=settings.ticket_question_days), answer_url=settings.answer_url,
           ticket_id=ticket_id)
    uow.flush_events()
    return None


def note_evaluation(session: Session, event: CloudEvent) -> None:
    """A ticket evaluated (at the desk, or by our own answer): never ask about it, and withdraw a link
    not answered yet."""
    ticket = event.data["ticket"]
    ticket_id = UUID(str(ticket["ticket_id"]))
    if session.execute(select(evaluated_tickets.c.ticket_id).where(evaluated_tickets.c.ticket_id == ticket_id)).first():
        return
    session.execute(insert(evaluated_tickets).values(ticket_id=ticket_id, estate_id=UUID(str(ticket["estate_id"])),
                                                     channel=event.data.get("channel") or "desk", evaluated_at=now()))
    session.execute(update(invitations).where(invitations.c.ticket_id == ticket_id,
                                              invitations.c.state.in_(("sent", "started")))
                    .values(state="withdrawn", version=invitations.c.version + 1))


HANDLERS = {TICKET_RESOLVED: invite_reporter, TICKET_EVALUATED: note_evaluation}
