"""The question after a ticket (SRV-5), on surveys' side: tickets' resolved event (its own contract
example) invites the reporter once to the built-in per-ticket question; the answer by the link is an
event carrying the ticket, satisfied, the score and the comment (for tickets to record); a ticket
evaluated at the desk first is not asked, and a link sent before that is withdrawn; a replayed
resolved event invites nobody."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.envelope import CloudEvent
from surveys.domain.questionnaires import TICKET_VERSION_ID
from surveys.handlers import HANDLERS
from surveys.tables import invitations, outbox

TICKETS = Path(__file__).resolve().parents[3] / "tickets" / "contracts" / "events"


def _event(event_type: str, *, replay: bool = False, **ticket) -> CloudEvent:
    schema = json.loads((TICKETS / f"{event_type}.json").read_text(encoding="utf-8"))
    data = copy.deepcopy(schema["examples"][0])
    data["ticket"].update(ticket)
    return CloudEvent(type=event_type, source="/estatedesk/tickets", data=data, subject=data["ticket"]["ticket_id"],
                      id=str(uuid.uuid4()), replay=replay)


def _apply(db, event: CloudEvent) -> None:  # noqa: ANN001
    with Session(db) as session, session.begin():
        HANDLERS[event.type](session, event)


def _sent(db) -> list[dict]:  # noqa: ANN001
    with db.connect() as conn:
        rows = conn.execute(select(outbox.table).order_by(outbox.table.c.seq))
        return [json.loads(r.body) for r in rows]


def test_a_resolved_ticket_invites_its_reporter_once_and_the_answer_carries_the_evaluation(client, db) -> None:
    resolved = _event("tickets.ticket.resolved.v1")
    _apply(db, resolved)
    _apply(db, _event("tickets.ticket.resolved.v1"))  # the same ticket resolved again (reopened): asked once
    [sent] = _sent(db)
    invited = sent["data"]
    ticket = resolved.data["ticket"]
    assert (sent["type"], invited["purpose"], invited["ticket_id"], invited["person_id"]) == (
        "surveys.invitation.sent.v1", "ticket", ticket["ticket_id"], ticket["person_id"])
    link = "/api/v1/answers/" + invited["link"].rsplit("/", 1)[1]
    page = client.get(link).json
    assert [q["code"] for q in page["questions"]] == ["satisfied", "overall", "comment"]
    done = client.post(f"{link}/submission", json={"items": {"satisfied": {"choice": "yes"}, "overall": {"score": 4},
                                                             "comment": {"text": "师傅很准时"}}})
    assert done.status_code == 201, done.json
    answered = _sent(db)[-1]["data"]
    assert (answered["ticket_id"], answered["satisfied"], answered["overall"], answered["comment"]) == (
        ticket["ticket_id"], "yes", 4, "师傅很准时")
    assert answered["questionnaire_version_id"] == str(TICKET_VERSION_ID)


def test_a_ticket_evaluated_at_the_desk_is_not_asked(db) -> None:
    _apply(db, _event("tickets.ticket.evaluated.v1"))
    _apply(db, _event("tickets.ticket.resolved.v1"))
    assert _sent(db) == []


def test_an_evaluation_at_the_desk_withdraws_the_link(client, db) -> None:
    _apply(db, _event("tickets.ticket.resolved.v1"))
    link = "/api/v1/answers/" + _sent(db)[0]["data"]["link"].rsplit("/", 1)[1]
    _apply(db, _event("tickets.ticket.evaluated.v1"))
    items = {"satisfied": {"choice": "no"}, "overall": {"score": 2}}
    refused = client.post(f"{link}/submission", json={"items": items})
    assert refused.status_code == 409 and "evaluated already" in refused.json["detail"]
    with db.connect() as conn:
        assert conn.execute(select(invitations.c.state)).scalar_one() == "withdrawn"


def test_a_replayed_or_reporterless_resolution_invites_nobody(db) -> None:
    _apply(db, _event("tickets.ticket.resolved.v1", replay=True))
    _apply(db, _event("tickets.ticket.resolved.v1", ticket_id=str(uuid.uuid4()), person_id=None))
    assert _sent(db) == []
