"""Which skill a ticket's kind and class call for (issue 15: a complaint goes to someone who handles
complaints), and the reason dispatch gives for its choice; no I/O."""

from __future__ import annotations

import uuid

from tickets.domain.dispatch import BUILDING, ESTATE, Candidate, SkillRule, Wanted, rank, reason, skill_by_kind

ESTATE_ID = uuid.uuid4()


def test_a_complaint_of_any_class_calls_for_customer_service_by_default() -> None:
    for klass in ("facilities", "management", "fees", "emergency"):
        assert skill_by_kind([], "complaint", klass) == Wanted("customer_service", "default")
    assert skill_by_kind([], "repair", None) == Wanted(None)


def test_the_estate_before_the_operator_and_a_class_before_any_class() -> None:
    rules = [SkillRule(None, "complaint", None, "customer_service_lead"),
             SkillRule(None, "complaint", "facilities", "lifts"),
             SkillRule(ESTATE_ID, "complaint", None, None)]
    assert skill_by_kind(rules[:1], "complaint", "fees") == Wanted("customer_service_lead", "operator")
    assert skill_by_kind(rules[:2], "complaint", "facilities") == Wanted("lifts", "operator")
    assert skill_by_kind(rules, "complaint", "facilities") == Wanted(None, "estate")  # the estate says: no skill
    assert skill_by_kind(rules, "inquiry", None) == Wanted(None)


def test_a_management_complaint_goes_to_customer_service_not_the_buildings_technician() -> None:
    plumber = Candidate(uuid.uuid4(), "水工", frozenset({"plumbing"}), BUILDING, 0)
    desk = Candidate(uuid.uuid4(), "林晓彤", frozenset({"customer_service"}), ESTATE, 3, role="service_desk_agent")
    wanted = skill_by_kind([], "complaint", "management")
    [first, *_] = rank([plumber, desk], wanted.skill)
    assert first is desk
    why = reason(first, wanted)
    assert (why["skill"], why["skill_from"], why["coverage"], why["has_skill"], why["load"]) == (
        "customer_service", "default", ESTATE, True, 3)
    assert "customer_service" in why["text_en"] and "林晓彤" in why["text_en"] and "林晓彤" in why["text_zh"]
