"""Every built-in rule against tickets' own contract examples: the right person or staff member
gets the right text, in their language, over the right channel; and what must make nothing."""

from __future__ import annotations

import uuid

import pytest

from notify.domain.channels import EMAIL, IN_APP, SMS
from notify.rules.defaults import built_in_id

from .conftest import NOON, cloud_event, example

ESTATE = "e1c7a8f2-3b4d-4c5e-9f60-718293a4b5c6"
# The people and staff the examples name.
REPORTER_A, REPORTER_B = "5f6e7d8c-9b0a-4f1e-8d2c-3b4a59687766", "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d"
ASSIGNEE_A, NEW_ASSIGNEE_A = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e"
ASSIGNEE_B, SUPERVISOR = "8d9e0f1a-2b3c-4d4e-8f5a-6b7c8d9e0f12", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
# Whom tickets' callback examples name (the callback's assignee; the supervisor told of a missed one).
CALLBACK_ASSIGNEE, CALLBACK_SUPERVISOR = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

# event type -> the messages the defaults make: (rule name, "person"|"staff", who, urgent, words in zh, in en)
EXPECTED = {
    "tickets.ticket.acknowledged.v1": [("acknowledged_to_reporter", "person", REPORTER_A, False, "已受理", "received")],
    "tickets.ticket.dispatched.v1": [("dispatched_to_reporter", "person", REPORTER_A, False, "已派给工作人员", "given"),
                                     ("dispatched_to_assignee", "staff", ASSIGNEE_A, False, "已派给您", "assigned")],
    "tickets.ticket.reassigned.v1": [("reassigned_to_assignee", "staff", NEW_ASSIGNEE_A, False, "已派给您",
                                      "assigned")],
    "tickets.ticket.arrived.v1": [("arrived_to_reporter", "person", REPORTER_A, False, "已到达现场", "on site")],
    "tickets.ticket.resolved.v1": [("resolved_to_reporter", "person", REPORTER_A, False, "已处理完毕。已更换水管",
                                    "resolved. 已更换水管")],
    "tickets.ticket.escalated.v1": [("escalated_to_staff", "staff", SUPERVISOR, True, "已升级至您（超时）",
                                     "escalated")],
    "tickets.ticket.promise_slipped.v1": [
        ("promise_slipped_to_assignee", "staff", ASSIGNEE_B, False, "2026-12-04 18:00已过", "has passed"),
        ("promise_slipped_to_owner", "person", REPORTER_B, False, "未能在承诺的2026-12-04 18:00前解决", "sorry")],
    "tickets.sla.warned.v1": [("sla_warned_to_assignee", "staff", ASSIGNEE_B, False, "到场时限2026-12-01 10:03即将到期",
                               "arrival target")],
    "tickets.sla.breached.v1": [("sla_breached_to_staff", "staff", ASSIGNEE_B, True, "到场时限2026-12-01 10:03已超时",
                                 "missed")],
    "tickets.callback.warned.v1": [("callback_warned_to_staff", "staff", CALLBACK_ASSIGNEE, False,
                                    "尾号5678）将于2026-12-01 10:33到期", "ending 5678 is due at 2026-12-01 10:33")],
    "tickets.callback.missed.v1": [("callback_missed_to_staff", "staff", CALLBACK_SUPERVISOR, True,
                                   "尾号5678）已于2026-12-01 10:33到期仍未回电", "due at 2026-12-01 10:33")],
    "tickets.diary.booked.v1": [
        ("visit_booked_to_owner", "person", REPORTER_A, False, "将于2026-12-02 14:00至2026-12-02 16:00上门",
         "between 2026-12-02 14:00 and 2026-12-02 16:00"),
        ("diary_booked_to_staff", "staff", ASSIGNEE_A, False, "厨房水管漏水，2026-12-02 14:00", "new booking")],
    "tickets.handover.unsigned.v1": [("handover_unsigned_to_staff", "staff", CALLBACK_SUPERVISOR, True,
                                      "客服中心前台交接班记录（王小红交陈晓，未结事项4项）应于2026-12-01 18:30前签收",
                                      "from 王小红 to 陈晓 (4 open items) was to be signed by 2026-12-01 18:30")],
    "tickets.ticket.opened.v1": [],
    "tickets.ticket.explained.v1": [],
}


def _populate(world, language: str) -> None:  # noqa: ANN001
    world.estate(ESTATE)
    for person_id, name in ((REPORTER_A, "张三" if language == "zh-CN" else "Ann"),
                            (REPORTER_B, "王五" if language == "zh-CN" else "Bob")):
        world.person(person_id, ESTATE, name=name, language=language, mobile="13800000001")
    for staff_id in (ASSIGNEE_A, NEW_ASSIGNEE_A, ASSIGNEE_B, SUPERVISOR, CALLBACK_ASSIGNEE, CALLBACK_SUPERVISOR):
        world.staff(staff_id, ESTATE, mobile=f"139{staff_id[:8].translate(str.maketrans('abcdef', '123456'))}")


@pytest.mark.parametrize("language", ["zh-CN", "en"])
@pytest.mark.parametrize("event_type", sorted(EXPECTED))
def test_each_default_rule_reaches_whom_the_example_names_in_their_language(world, event_type, language):
    _populate(world, language)
    event = cloud_event(event_type, example(event_type))
    made = world.apply(event)
    got = sorted((m["rule_id"], "person" if m["person_id"] else "staff", str(m["person_id"] or m["staff_id"]))
                 for m in made)
    expected = EXPECTED[event_type]
    assert got == sorted((built_in_id("rule", name), kind, who) for name, kind, who, *_ in expected)
    for name, kind, _who, urgent, zh, en in expected:
        message = next(m for m in made if m["rule_id"] == built_in_id("rule", name))
        assert message["channel"] == SMS and message["state"] == "queued" and message["notice_id"] is None
        assert message["source_event_id"] == f"/estatedesk/tickets {event.id}"
        assert message["urgent"] is urgent
        staff_language = "zh-CN"  # owners keeps no language for staff
        expected_language = language if kind == "person" else staff_language
        assert message["language"] == expected_language
        number = event.data["ticket"]["number"] if "ticket" in event.data else ""
        assert number in message["body"] and message["params"]["ticket_number"] == number
        assert (zh if expected_language == "zh-CN" else en) in message["body"]
        assert "${" not in message["body"] and message["subject"]
        assert message["segments"] >= 1
    assert world.messages() == sorted(world.messages(), key=lambda m: m["queued_at"])
    assert len(world.messages()) == len(expected)


def test_the_person_s_preferred_channel_goes_first_and_in_app_is_the_last_resort(world):
    world.estate(ESTATE)
    world.person(REPORTER_A, ESTATE, mobile="13800000001", email="ann@example.com", preferred="email")
    [by_email] = world.apply(cloud_event("tickets.ticket.acknowledged.v1", example("tickets.ticket.acknowledged.v1")))
    assert (by_email["channel"], by_email["address"]) == (EMAIL, "ann@example.com")


def test_a_person_without_contact_points_gets_the_in_app_message(world):
    world.estate(ESTATE)
    world.person(REPORTER_A, ESTATE, mobile=None, email=None)
    [inbox] = world.apply(cloud_event("tickets.ticket.resolved.v1", example("tickets.ticket.resolved.v1")))
    assert (inbox["channel"], inbox["address"], inbox["person_id"]) == (IN_APP, None, uuid.UUID(REPORTER_A))


def test_a_person_not_in_the_copy_yet_gets_the_in_app_message_a_staff_member_nothing(world):
    world.estate(ESTATE)
    made = world.apply(cloud_event("tickets.ticket.dispatched.v1", example("tickets.ticket.dispatched.v1")))
    assert [(m["channel"], str(m["person_id"]), m["language"]) for m in made] == [(IN_APP, REPORTER_A, "zh-CN")]
    assert "业主您好" in made[0]["body"]


def test_escalated_with_nobody_to_tell_makes_nothing(world):
    _populate(world, "zh-CN")
    data = {**example("tickets.ticket.escalated.v1"), "staff": None}
    assert world.apply(cloud_event("tickets.ticket.escalated.v1", data)) == []
    assert world.messages() == []


PAST_EVERY_LEVEL = {"wanted": "supervisor", "vacant": ["supervisor", "estate_manager", "first_responsible"],
                    "reached": "operator_admins"}


def test_an_escalation_past_every_level_of_the_estate_reaches_the_operator_s_duty_contacts(world):
    _populate(world, "zh-CN")
    world.duty_contact("集团值班 周敏", mobile="13700000009", email=None)
    world.duty_contact("集团客服总监", mobile=None, email="duty@operator.example")
    data = {**example("tickets.ticket.escalated.v1"), "staff": None, "fallback": PAST_EVERY_LEVEL}
    world.apply(cloud_event("tickets.ticket.escalated.v1", data))
    names = {(SMS, "13700000009"): "集团值班 周敏", (EMAIL, "duty@operator.example"): "集团客服总监"}
    assert {(m["channel"], m["address"]) for m in world.messages()} == set(names)
    for message in world.messages():
        assert message["rule_id"] == built_in_id("rule", "escalated_to_staff") and message["urgent"] is True
        assert message["staff_id"] is None and message["person_id"] is None
        assert data["ticket"]["number"] in message["body"]
        assert names[(message["channel"], message["address"])] in message["body"]


def test_an_escalation_past_every_level_with_no_duty_contacts_is_an_error_in_the_log(world, caplog):
    _populate(world, "zh-CN")
    data = {**example("tickets.ticket.escalated.v1"), "staff": None, "fallback": PAST_EVERY_LEVEL}
    with caplog.at_level("ERROR", logger="notify.rules.audiences"):
        world.apply(cloud_event("tickets.ticket.escalated.v1", data))
    assert world.messages() == []
    assert any("reaches nobody" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)


def test_an_unsigned_handover_past_every_level_reaches_the_duty_contacts_and_else_is_an_error(world, caplog):
    _populate(world, "zh-CN")
    data = {**example("tickets.handover.unsigned.v1"), "staff": None, "fallback": PAST_EVERY_LEVEL}
    with caplog.at_level("ERROR", logger="notify.rules.audiences"):
        assert world.apply(cloud_event("tickets.handover.unsigned.v1", data)) == []
    assert any("reaches nobody" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)
    world.duty_contact("集团值班 周敏", mobile="13700000009", email=None)
    [told] = world.apply(cloud_event("tickets.handover.unsigned.v1", data))
    assert (told["address"], told["urgent"]) == ("13700000009", True)
    assert "集团值班 周敏，客服中心前台交接班记录（王小红交陈晓" in told["body"]


def test_an_urgent_message_to_staff_who_cannot_be_reached_is_an_error_and_counted(world, db, caplog):
    from sqlalchemy.orm import Session

    from notify.duty_contacts.metrics import configuration_warnings
    from notify.rules.answer import UNREACHED

    world.estate(ESTATE)
    world.staff(CALLBACK_SUPERVISOR, ESTATE, name="李主管", mobile=None, role="supervisor")
    with Session(db) as session:
        assert configuration_warnings(session)["staff_unreachable"] == 1.0
    before = UNREACHED["tickets.handover.unsigned.v1"]
    with caplog.at_level("ERROR", logger="notify.rules.answer"):
        made = world.apply(cloud_event("tickets.handover.unsigned.v1", example("tickets.handover.unsigned.v1")))
    assert made == [] and world.messages() == []
    assert UNREACHED["tickets.handover.unsigned.v1"] == before + 1
    [error] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "reaches nobody" in error.getMessage() and error.recipients == [CALLBACK_SUPERVISOR]


def test_a_routine_message_to_staff_who_cannot_be_reached_is_no_error(world, caplog):
    world.estate(ESTATE)
    world.staff(CALLBACK_ASSIGNEE, ESTATE, mobile=None)
    with caplog.at_level("ERROR", logger="notify.rules.answer"):
        assert world.apply(cloud_event("tickets.callback.warned.v1", example("tickets.callback.warned.v1"))) == []
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_breached_tells_the_staff_the_event_names_before_the_assignee(world):
    _populate(world, "zh-CN")
    data = {**example("tickets.sla.breached.v1"), "staff": {"staff_id": SUPERVISOR, "name": "王主管", "role": "x"}}
    [message] = world.apply(cloud_event("tickets.sla.breached.v1", data))
    assert str(message["staff_id"]) == SUPERVISOR


def test_unknown_fields_in_the_event_are_ignored(world):
    _populate(world, "zh-CN")
    data = example("tickets.ticket.arrived.v1")
    data["new_field"] = {"nested": [1, 2]}
    data["ticket"]["another"] = "x"
    assert len(world.apply(cloud_event("tickets.ticket.arrived.v1", data))) == 1


def test_the_same_event_applied_twice_makes_one_message(world):
    _populate(world, "zh-CN")
    event = cloud_event("tickets.ticket.dispatched.v1", example("tickets.ticket.dispatched.v1"))
    assert len(world.apply(event)) == 2
    assert world.apply(event) == []
    world.handle(event)
    assert len(world.messages()) == 2


def test_a_replay_after_the_copy_changed_still_makes_no_second_message(world, db):
    from sqlalchemy import update

    from notify.tables import people

    _populate(world, "zh-CN")
    event = cloud_event("tickets.ticket.acknowledged.v1", example("tickets.ticket.acknowledged.v1"))
    [first] = world.apply(event)
    with db.begin() as conn:
        conn.execute(update(people).values(mobile="13700000000", email="new@example.com", preferred_channel="email"))
    assert world.apply(event) == []
    assert [m["id"] for m in world.messages()] == [first["id"]]


def test_a_non_urgent_sms_waits_for_the_end_of_quiet_hours_an_urgent_one_does_not(world):
    from datetime import UTC, datetime

    _populate(world, "zh-CN")
    night = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    [ack] = world.apply(cloud_event("tickets.ticket.acknowledged.v1", example("tickets.ticket.acknowledged.v1")),
                        now=night)
    assert ack["next_attempt_at"] == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)  # 08:00 the next morning
    [breach] = world.apply(cloud_event("tickets.sla.breached.v1", example("tickets.sla.breached.v1")), now=night)
    assert breach["next_attempt_at"] == night


def test_the_database_refuses_a_second_message_of_one_event_rule_and_person(world, db):
    """Two consumers racing on one event both miss the other's uncommitted message in their look-up;
    the unique dedupe key is what then refuses the second (the loser's batch is retried and finds it)."""
    import pytest
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from notify.tables import messages

    _populate(world, "zh-CN")
    event = cloud_event("tickets.ticket.acknowledged.v1", example("tickets.ticket.acknowledged.v1"))
    [first] = world.apply(event)
    again = {**first, "id": uuid.uuid4(), "channel": "email", "address": "new@example.com"}
    with pytest.raises(IntegrityError), db.begin() as conn:
        conn.execute(insert(messages).values(again))


@pytest.mark.parametrize(("event_type", "audience", "fallback"), [
    ("tickets.ticket.dispatched.v1", "assignee", None),  # routine work: SMS only
    ("tickets.ticket.escalated.v1", "escalated_staff", "email"),  # a manager must be reached
])
def test_a_built_in_rule_s_failed_sms_falls_back_by_that_rule_s_channels(world, db, event_type, audience,
                                                                         fallback):
    from sqlalchemy import select, update
    from sqlalchemy.orm import Session

    from notify.rules.defaults import DEFAULT_RULES_BY_ID
    from notify.sending.fallback import fall_back
    from notify.tables import messages, staff

    _populate(world, "zh-CN")
    with db.begin() as conn:
        conn.execute(update(staff).values(email="staff@example.com"))
    made = world.apply(cloud_event(event_type, example(event_type)))
    [message] = [m for m in made if DEFAULT_RULES_BY_ID[m["rule_id"]].audience == audience]
    with Session(db) as session, session.begin():
        fall_back(session, {**message, "state": "failed"}, NOON)
    with db.connect() as conn:
        channels = conn.execute(select(messages.c.channel).where(messages.c.fallback_of == message["id"])).scalars()
        assert list(channels) == ([fallback] if fallback else [])
