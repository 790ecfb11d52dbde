"""What the other services' events make of a person's and a unit's timeline (owners.domain.timeline)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from owners.domain.timeline import EVENT_TYPES, KINDS, entries_of, summary

ESTATE, PERSON, UNIT, TICKET = (str(uuid.uuid4()) for _ in range(4))
AT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


def _ticket(**changes: object) -> dict:
    return {"ticket_id": TICKET, "number": "T261206000001", "estate_id": ESTATE, "person_id": PERSON,
            "unit_id": UNIT, "kind": "repair", "title": "厨房水管漏水", "stage": "resolved", "priority": "normal",
            **changes}


def test_a_ticket_step_is_one_entry_for_its_reporter_and_unit_with_what_the_step_says() -> None:
    [entry] = entries_of("tickets.ticket.evaluated.v1", "e1", AT,
                         {"ticket": _ticket(stage="evaluated"), "score": 5, "comment": "很满意", "channel": "survey"})
    assert (entry.kind, entry.person_id, entry.unit_id, entry.occurred_at) == (
        "ticket.evaluated", uuid.UUID(PERSON), uuid.UUID(UNIT), AT)
    assert entry.reference == "T261206000001" and entry.link == f"/tickets/api/v1/tickets/{TICKET}"
    assert entry.details == {"title": "厨房水管漏水", "ticket_kind": "repair", "stage": "evaluated",
                             "priority": "normal", "score": 5, "comment": "很满意", "channel": "survey"}


def test_the_same_event_gives_the_same_entry_ids_and_another_event_others() -> None:
    data = {"ticket": _ticket()}
    first = entries_of("tickets.ticket.resolved.v1", "e1", AT, data)
    assert first == entries_of("tickets.ticket.resolved.v1", "e1", AT, data)
    assert first[0].id != entries_of("tickets.ticket.resolved.v1", "e2", AT, data)[0].id


def test_an_event_naming_neither_a_person_nor_a_unit_makes_no_entry() -> None:
    assert entries_of("tickets.ticket.opened.v1", "e1", AT,
                      {"ticket": _ticket(person_id=None, unit_id=None, common_area="3号电梯")}) == []


def test_a_notice_reached_event_makes_an_entry_per_person_with_the_channel() -> None:
    people = [str(uuid.uuid4()) for _ in range(3)]
    data = {"notice_id": str(uuid.uuid4()), "estate_id": ESTATE, "title": "停水通知", "purpose": "outage",
            "part": 1, "parts": 1,
            "recipients": [{"person_id": p, "unit_id": None, "channel": c}
                           for p, c in zip(people, ("sms", "email", "in_app"), strict=True)]}
    entries = entries_of("notify.recipients.reached.v1", "e9", AT, data)
    assert [(str(e.person_id), e.details["channel"]) for e in entries] == list(
        zip(people, ("sms", "email", "in_app"), strict=True))
    assert len({e.id for e in entries}) == 3 and {e.kind for e in entries} == {"notice.reached"}


def test_a_survey_invitation_never_carries_the_personal_link_into_the_timeline() -> None:
    link = "https://desk.example/s/SECRET-TOKEN"
    data = {"invitation_id": str(uuid.uuid4()), "estate_id": ESTATE, "purpose": "wave", "wave_id": str(uuid.uuid4()),
            "ticket_id": None, "unit_id": UNIT, "person_id": PERSON, "language": "zh-CN", "preferred_channel": "sms",
            "link": link, "period": "2026-Q4", "expires_at": AT.isoformat(), "reminders": 0}
    [entry] = entries_of("surveys.invitation.sent.v1", "e3", AT, data)
    assert "SECRET-TOKEN" not in repr(entry)
    assert entry.reference == "2026-Q4" and entry.link == f"/surveys/api/v1/waves/{data['wave_id']}"


def test_a_forum_invitation_is_an_entry_for_the_person_and_unit_invited_linking_the_forum() -> None:
    forum = str(uuid.uuid4())
    data = {"forum_id": forum, "estate_id": ESTATE, "unit_id": UNIT, "person_id": PERSON, "language": "zh-CN",
            "preferred_channel": "sms", "title": "2026年第四季度业户座谈会", "held_on": "2026-12-19",
            "place": "会所二楼多功能厅", "at": AT.isoformat()}
    [entry] = entries_of("surveys.forum.invited.v1", "e4", AT, data)
    assert (entry.kind, entry.person_id, entry.unit_id, entry.source) == (
        "forum.invited", uuid.UUID(PERSON), uuid.UUID(UNIT), "surveys")
    assert (entry.record_id, entry.reference, entry.link) == (
        uuid.UUID(forum), "2026年第四季度业户座谈会", f"/surveys/api/v1/forums/{forum}")
    assert entry.details == {"held_on": "2026-12-19", "place": "会所二楼多功能厅"}
    assert summary(entry.kind, entry.reference, entry.details, "zh-CN") == (
        "已邀请参加2026-12-19的业户座谈会“2026年第四季度业户座谈会”")
    assert summary(entry.kind, entry.reference, entry.details, "en") == (
        "Invited to the owners' forum “2026年第四季度业户座谈会” on 2026-12-19")


@pytest.mark.parametrize("language, expected", [
    ("zh-CN", "工单 T261206000001 已处理完毕"), ("en", "Ticket T261206000001 resolved")])
def test_an_entry_reads_in_the_callers_language(language: str, expected: str) -> None:
    assert summary("ticket.resolved", "T261206000001", {}, language) == expected


def test_every_kind_an_event_can_make_reads_in_both_languages() -> None:
    assert {kind.split(".")[0] for kind in KINDS} >= {"ticket", "call", "callback", "visit", "notice", "invitation",
                                                       "answer", "forum"}
    for kind in KINDS:
        assert summary(kind, "X", {}, "zh-CN") and summary(kind, "X", {}, "en")
    assert len(EVENT_TYPES) == len(set(EVENT_TYPES))


def test_a_summary_names_channels_and_call_outcomes_in_the_callers_words() -> None:
    assert summary("notice.reached", "停水通知", {"channel": "in_app"}, "zh-CN") == "通知“停水通知”已通过站内信送达"
    called = summary("call.logged", None, {"direction": "inbound", "outcome": "missed"}, "en")
    assert called == "A call (inbound, missed)"
