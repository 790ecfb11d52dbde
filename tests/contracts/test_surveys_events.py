"""The surveys events contract beside the generic checks: what surveys.events' payload functions make
(what its use cases write to the outbox) validates against the published schemas, and the AsyncAPI
document names the queue surveys consumes from with every type its consumer has a handler for
(owners' and tickets')."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

from surveys import events
from surveys.domain.questionnaires import DEFAULT_VERSION_ID, default_questions
from surveys.service import SERVICE


def _valid(contracts, type_: str, data: dict) -> None:
    contracts.validator(contracts.schema_path(type_)).validate(json.loads(json.dumps(data)))


def test_the_payloads_surveys_writes_follow_their_schemas(contracts) -> None:
    questionnaire = {"id": uuid.uuid4(), "estate_id": None, "purpose": "wave", "name_zh": "问卷", "name_en": "Q",
                     "version": 2}
    version = {"id": uuid.uuid4(), "number": 1, "questions": default_questions(),
               "published_at": datetime(2026, 12, 1, tzinfo=UTC)}
    _valid(contracts, events.QUESTIONNAIRE_PUBLISHED, events.questionnaire_published_payload(questionnaire, version))
    wave = {"id": uuid.uuid4(), "estate_id": uuid.uuid4(), "period": "2026-Q4",
            "questionnaire_version_id": DEFAULT_VERSION_ID, "percent": 20, "households": 30, "sampled": 6,
            "seed": 2**62 - 1, "opens_on": date(2026, 10, 8), "closes_on": date(2026, 12, 31), "state": "open",
            "version": 1}
    _valid(contracts, events.WAVE_OPENED, events.wave_payload(wave))
    _valid(contracts, events.WAVE_OPENED, events.wave_payload({**wave, "state": "scheduled"}))
    _valid(contracts, events.WAVE_CLOSED, events.wave_payload({**wave, "state": "closed", "version": 2}))
    invitation = {"id": uuid.uuid4(), "estate_id": wave["estate_id"], "purpose": "wave", "wave_id": wave["id"],
                  "ticket_id": None, "unit_id": uuid.uuid4(), "person_id": uuid.uuid4(), "reminders": 0,
                  "expires_at": datetime(2026, 12, 31, 16, tzinfo=UTC)}
    person = {"id": invitation["person_id"], "language": "en", "preferred_channel": "email"}
    for type_ in (events.INVITATION_SENT, events.INVITATION_REMINDED):
        payload = events.invitation_payload(invitation, person, "http://localhost:8000/survey/t", "2026-Q4")
        _valid(contracts, type_, payload)
    answer = {"id": uuid.uuid4(), "estate_id": wave["estate_id"], "invitation_id": invitation["id"],
              "wave_id": wave["id"], "ticket_id": None, "unit_id": invitation["unit_id"],
              "questionnaire_version_id": DEFAULT_VERSION_ID, "channel": "link", "items": {"overall": {"score": 4}},
              "submitted_at": datetime(2026, 12, 2, tzinfo=UTC)}
    _valid(contracts, events.ANSWER_SUBMITTED,
           events.answer_payload(answer, invitation, [("attitude", "attitude", 5), ("overall", None, 4)]))
    _valid(contracts, events.ANSWER_SUBMITTED, events.answer_payload({**answer, "invitation_id": None}, None, []))
    follow_up = {"id": uuid.uuid4(), "estate_id": wave["estate_id"], "answer_id": answer["id"], "wave_id": wave["id"],
                 "ticket_id": None, "unit_id": invitation["unit_id"], "building_id": uuid.uuid4(),
                 "person_id": invitation["person_id"], "assignee_id": None, "state": "open", "owner_said": None,
                 "visited_at": None, "visited_by": None, "opened_by": "surveys",
                 "opened_at": datetime(2026, 12, 2, tzinfo=UTC), "version": 1,
                 "reasons": [{"kind": "low_score", "code": "fees", "element": "fees", "score": 1, "threshold": 2}]}
    _valid(contracts, events.FOLLOW_UP_OPENED, events.follow_up_payload(follow_up, "1-101"))
    visited = {**follow_up, "state": "visited", "owner_said": "物业费太贵", "visited_by": "staff-1",
               "visited_at": datetime(2026, 12, 3, tzinfo=UTC), "assignee_id": uuid.uuid4(), "version": 2}
    _valid(contracts, events.FOLLOW_UP_VISITED, events.follow_up_payload(visited, None))
    action = {"id": uuid.uuid4(), "estate_id": wave["estate_id"], "follow_up_id": follow_up["id"],
              "description": "公示收费明细", "responsible_id": uuid.uuid4(), "due_on": date(2026, 12, 20),
              "due_at": datetime(2026, 12, 20, 16, tzinfo=UTC), "state": "open", "reopened": 0, "version": 1}
    _valid(contracts, events.ACTION_CHANGED, events.action_payload(action, step="opened", by="staff-1",
                                                                   at=datetime(2026, 12, 3, tzinfo=UTC), note=None))
    overdue = events.overdue_payload(action, "赵主管", datetime(2026, 12, 21, tzinfo=UTC))
    _valid(contracts, events.ACTION_OVERDUE, overdue)
    forum = {"id": uuid.uuid4(), "estate_id": wave["estate_id"], "title": "业户座谈会", "held_on": date(2026, 12, 19),
             "place": None, "created_at": datetime(2026, 12, 6, tzinfo=UTC)}
    _valid(contracts, events.FORUM_INVITED, events.forum_invited_payload(forum, invitation["unit_id"], person))
    placed = {**forum, "place": "会所"}
    _valid(contracts, events.FORUM_INVITED, events.forum_invited_payload(placed, uuid.uuid4(), person))


def test_the_asyncapi_inbox_names_every_type_surveys_consumes(contracts) -> None:
    inbox, named = contracts.inbox_types("surveys")
    assert named == set(SERVICE.consumes) == set(SERVICE.event_handlers())
    assert inbox["address"] == SERVICE.topology.inbox_queue
