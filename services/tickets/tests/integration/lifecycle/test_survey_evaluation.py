"""The owner's answer to surveys' question after a ticket (SRV-5) is the ticket's evaluation: applied
by tickets' consumer handler, it moves the resolved ticket to evaluated with the channel survey (its
event, its timeline, the stage report); delivered again, or about a ticket evaluated at the desk
first, it changes nothing; an answer about no ticket is none of tickets' business."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from servicekit.envelope import CloudEvent
from tickets.handlers import HANDLERS
from tickets.tickets import survey_answers

SURVEYS = Path(__file__).resolve().parents[4] / "surveys" / "contracts" / "events"


def _answer(ticket_id: str | None, **changes) -> CloudEvent:
    schema = json.loads((SURVEYS / "surveys.answer.submitted.v1.json").read_text(encoding="utf-8"))
    data = {**copy.deepcopy(schema["examples"][0]), "ticket_id": ticket_id, **changes}
    return CloudEvent(type="surveys.answer.submitted.v1", source="/estatedesk/surveys", data=data,
                      subject=data["answer_id"], id=str(uuid.uuid4()))


def _apply(db, event: CloudEvent) -> None:  # noqa: ANN001
    with Session(db) as session, session.begin():
        HANDLERS[event.type](session, event)


def _resolved(client, desk, place, complaint) -> dict:  # noqa: ANN001
    ticket = client.post("/api/v1/tickets", json=complaint(), headers=desk).json
    for path, body in (("acknowledge", {}), ("dispatch", {"staff_id": place["technician"]}), ("arrive", {}),
                       ("resolve", {"resolution": "已与保安谈话"})):
        assert client.post(f"/api/v1/tickets/{ticket['id']}/{path}", json=body, headers=desk).status_code == 200
    return ticket


def test_the_owners_survey_answer_is_the_tickets_evaluation(client, auth, db, place, complaint, recorded) -> None:
    desk = auth("service_desk_agent", [place["estate"]])
    ticket = _resolved(client, desk, place, complaint)
    answer = _answer(ticket["id"])
    _apply(db, answer)
    report = client.get(f"/api/v1/tickets/{ticket['id']}/report", headers=desk).json
    assert report["ticket"]["stage"] == "evaluated"
    assert report["evaluation"] == {"score": 4, "comment": "师傅很准时", "channel": "survey"}
    assert [e["type"] for e in recorded()][-2:] == ["tickets.ticket.owner_informed.v1", "tickets.ticket.evaluated.v1"]
    evaluated = recorded()[-1]
    assert evaluated["type"] == "tickets.ticket.evaluated.v1"
    assert (evaluated["data"]["channel"], evaluated["data"]["score"]) == ("survey", 4)
    step = client.get(f"/api/v1/tickets/{ticket['id']}/timeline", headers=desk).json[-1]
    assert (step["actor"], step["note"]) == ("surveys", "师傅很准时")

    before = sum(survey_answers.NOT_RECORDED.values())
    _apply(db, answer)  # delivered again: the ticket keeps its evaluation
    assert sum(survey_answers.NOT_RECORDED.values()) == before + 1
    assert len([e for e in recorded() if e["type"] == "tickets.ticket.evaluated.v1"]) == 1


def test_a_ticket_evaluated_at_the_desk_keeps_that_evaluation(client, auth, db, place, complaint) -> None:
    desk = auth("service_desk_agent", [place["estate"]])
    ticket = _resolved(client, desk, place, complaint)
    client.post(f"/api/v1/tickets/{ticket['id']}/inform-owner", json={"how": "phone"}, headers=desk)
    client.post(f"/api/v1/tickets/{ticket['id']}/evaluate", json={"score": 2, "comment": "一般"}, headers=desk)
    _apply(db, _answer(ticket["id"]))
    report = client.get(f"/api/v1/tickets/{ticket['id']}/report", headers=desk).json
    assert report["evaluation"] == {"score": 2, "comment": "一般", "channel": "desk"}


def test_an_answer_about_no_ticket_changes_nothing(db, recorded) -> None:
    _apply(db, _answer(None))
    _apply(db, _answer(str(uuid.uuid4())))  # a ticket tickets does not have: logged, not recorded
    assert recorded() == []
