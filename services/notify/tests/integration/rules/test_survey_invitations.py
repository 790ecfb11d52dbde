"""surveys' invitations and reminders (NTF-5, SRV-1): the built-in survey rules send the personal
link to the person invited, in their language, over their preferred channel; a person who opted out
of survey messages gets none (counted, not silent); the same event applied again makes nothing new."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import insert

from notify.domain.channels import SMS
from notify.rules import answer
from notify.rules.defaults import built_in_id
from notify.tables import opt_outs
from servicekit.envelope import CloudEvent

from .conftest import NOON

SURVEYS = Path(__file__).resolve().parents[4] / "surveys" / "contracts" / "events"
ESTATE, PERSON = "e1c7a8f2-3b4d-4c5e-9f60-718293a4b5c6", "5f6e7d8c-9b0a-4f1e-8d2c-3b4a59687766"


def _event(event_type: str, **changes) -> CloudEvent:
    schema = json.loads((SURVEYS / f"{event_type}.json").read_text(encoding="utf-8"))
    data = {**copy.deepcopy(schema["examples"][0]), **changes}
    return CloudEvent(type=event_type, source="/estatedesk/surveys", data=data, subject=data["invitation_id"],
                      id=str(uuid.uuid4()))


@pytest.mark.parametrize(("event_type", "rule", "zh", "en"), [
    ("surveys.invitation.sent.v1", "survey_invitation_to_invitee", "诚邀您参加2026-Q4业户满意度调查", "please tell us"),
    ("surveys.invitation.reminded.v1", "survey_reminder_to_invitee", "尚未完成", "still open"),
])
@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_the_invited_person_gets_the_link_in_their_language(world, event_type, rule, zh, en, language) -> None:
    world.estate(ESTATE)
    world.person(PERSON, ESTATE, name="张三" if language == "zh-CN" else "Ann", language=language)
    event = _event(event_type)
    [message] = world.apply(event)
    assert message["rule_id"] == built_in_id("rule", rule) and str(message["person_id"]) == PERSON
    assert (message["channel"], message["address"], message["language"]) == (SMS, "13800000001", language)
    assert event.data["link"] in message["body"] and (zh if language == "zh-CN" else en) in message["body"]
    assert "2026-12-31" in message["body"]  # the last day, local time (the link is good until midnight)
    world.handle(event)  # delivered again: nothing new
    assert len(world.messages()) == 1


def test_a_person_who_opted_out_of_surveys_gets_no_invitation(world, db) -> None:
    world.estate(ESTATE)
    world.person(PERSON, ESTATE)
    with db.begin() as conn:
        conn.execute(insert(opt_outs).values(person_id=uuid.UUID(PERSON), purpose="survey",
                                             estate_id=uuid.UUID(ESTATE), created_at=NOON))
    before = answer.OPTED_OUT["survey"]
    assert world.apply(_event("surveys.invitation.sent.v1")) == []
    assert world.apply(_event("surveys.invitation.reminded.v1")) == []
    assert answer.OPTED_OUT["survey"] == before + 2 and world.messages() == []


def test_an_invitation_of_another_estate_reaches_nobody_here(world) -> None:
    world.estate(ESTATE)
    world.person(PERSON, ESTATE)
    other = str(uuid.uuid4())
    made = world.apply(_event("surveys.invitation.sent.v1", estate_id=other))
    # The person is not in that estate's copy: at most the in-app inbox keyed by the person, never their SMS.
    assert all(m["channel"] != SMS for m in made)


def _forum_event(**changes) -> CloudEvent:
    schema = json.loads((SURVEYS / "surveys.forum.invited.v1.json").read_text(encoding="utf-8"))
    data = {**copy.deepcopy(schema["examples"][0]), "at": NOON.isoformat(), **changes}
    return CloudEvent(type="surveys.forum.invited.v1", source="/estatedesk/surveys", data=data,
                      subject=data["forum_id"], id=str(uuid.uuid4()))


@pytest.mark.parametrize(("language", "place", "said"), [
    ("zh-CN", "会所二楼多功能厅",
     "诚邀您参加2026-12-19举行的业户座谈会「2026年第四季度业户座谈会」，地点：会所二楼多功能厅"),
    ("en", None, "invited to the owners' forum \"2026年第四季度业户座谈会\" on 2026-12-19; place: to be announced"),
])
def test_a_household_invited_to_a_forum_is_told_in_its_language(world, db, language, place, said) -> None:
    world.estate(ESTATE)
    world.person(PERSON, ESTATE, name="张三", language=language)
    [message] = world.apply(_forum_event(place=place))
    assert message["rule_id"] == built_in_id("rule", "forum_invitation_to_invitee")
    assert (message["channel"], message["address"], message["language"]) == (SMS, "13800000001", language)
    assert said in message["body"]
    with db.begin() as conn:  # and once they opt out of survey messages, no more forum invitations either
        conn.execute(insert(opt_outs).values(person_id=uuid.UUID(PERSON), purpose="survey",
                                             estate_id=uuid.UUID(ESTATE), created_at=NOON))
    assert world.apply(_forum_event()) == []
