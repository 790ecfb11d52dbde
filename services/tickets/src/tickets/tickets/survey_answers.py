"""The owner's answer to surveys' question after a ticket (SRV-5), recorded as the ticket's
evaluation with the channel ``survey`` (so the stage report shows it), in the consumer's transaction.

surveys publishes ``surveys.answer.submitted.v1`` for every answer; one with a ``ticket_id`` and an
``overall`` score is an owner's evaluation of that ticket. It is recorded by the same step as an
evaluation at the desk (``evaluated``, its event and timeline, at the moment tickets learns it); a
ticket still ``resolved`` first records that the owner was told the result (by message: notify's
resolved message and the question that followed it), as the procedure has it. A ticket that cannot
take it (evaluated at the desk meanwhile, or reopened) keeps what it has: the answer is logged and
counted, never lost silently; delivered again, it changes nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.envelope import CloudEvent
from servicekit.errors import DomainError
from servicekit.unit_of_work import JoinedUnitOfWork
from tickets.domain.stages import Stage
from tickets.tables import outbox, tickets
from tickets.tickets.timeline import Actor
from tickets.tickets.use_cases.procedure import evaluate, inform_owner

log = logging.getLogger(__name__)

SURVEY_ANSWERED = "surveys.answer.submitted.v1"
SURVEYS = Actor("surveys", "system")
SOURCE = "/estatedesk/tickets"  # tickets' CloudEvents source (servicekit.service.Service.source)
# Survey answers about a ticket that were not recorded, by reason, since this process started.
NOT_RECORDED: Counter[str] = Counter()


def record_evaluation(session: Session, event: CloudEvent) -> None:
    data = event.data
    if not data.get("ticket_id"):
        return  # a wave's answer: not about a ticket
    if data.get("overall") is None:
        NOT_RECORDED["no_score"] += 1
        log.warning("survey answer about a ticket without a score: not recorded", extra={"event_id": event.id})
        return
    ticket_id = UUID(str(data["ticket_id"]))
    try:
        with session.begin_nested():
            stage = session.execute(select(tickets.c.stage).where(tickets.c.id == ticket_id)).scalar()
            if stage == Stage.RESOLVED.value:
                inform_owner(JoinedUnitOfWork(session, outbox, SOURCE), ticket_id, SURVEYS, how="message",
                             note="the owner answered the question after the ticket")
            evaluate(JoinedUnitOfWork(session, outbox, SOURCE), ticket_id, SURVEYS, score=int(data["overall"]),
                     comment=data.get("comment") or "", channel="survey")
    except DomainError as refused:
        NOT_RECORDED[type(refused).__name__] += 1
        log.info("survey answer about a ticket not recorded", extra={
            "event_id": event.id, "ticket_id": data["ticket_id"], "why": refused.message.en,
            "not_recorded": sum(NOT_RECORDED.values())})


HANDLERS = {SURVEY_ANSWERED: record_evaluation}
