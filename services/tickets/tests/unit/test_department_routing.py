"""Departments (OWN-9) in dispatch's reason and the escalation chain, no I/O."""

from __future__ import annotations

import uuid

from tickets.domain import chain
from tickets.domain.dispatch import ESTATE, Candidate, Wanted, reason


def test_a_department_supervisor_comes_just_before_the_estates():
    assert chain.roles_to_try("supervisor", department=True) == (
        "department_supervisor", "supervisor", "estate_manager", "first_responsible")
    assert chain.roles_to_try(chain.ASSIGNEE, department=True)[0] == "department_supervisor"
    assert chain.roles_to_try("supervisor") == chain.CHAIN  # no department: as before
    # The first responsible person is wanted above the supervisors: no department supervisor then.
    assert chain.roles_to_try("first_responsible", department=True) == ("first_responsible",)


def test_a_vacant_department_supervisor_is_said_on_the_way_up():
    assert chain.fallback("supervisor", ["department_supervisor"], "supervisor") == {
        "wanted": "supervisor", "vacant": ["department_supervisor"], "reached": "supervisor"}
    assert chain.fallback("supervisor", [], "department_supervisor") is None


def test_the_reason_names_the_department_dispatch_chose_among():
    member = Candidate(uuid.uuid4(), "赵师傅", frozenset({"lifts"}), ESTATE, 2)
    said = reason(member, Wanted("lifts", "ticket"), department="工程部")
    assert said["department"] == "工程部"
    assert said["text_en"].startswith("among 工程部: ") and said["text_zh"].startswith("在工程部中：")
    assert reason(member, Wanted("lifts", "ticket"))["department"] is None


def test_a_departments_members_have_it_for_ground_skill_first():
    from tickets.domain.dispatch import BUILDING, DEPARTMENT, rank, tier

    def member(name, coverage, skills=(), role="technician"):
        return Candidate(uuid.uuid4(), name, frozenset(skills), coverage, 0, role=role)

    desk = member("客服", DEPARTMENT, ("customer_service",), role="service_desk_agent")
    fixer = member("电工", BUILDING, ("electrical",))
    idle = member("闲人", DEPARTMENT)
    assert tier(desk, "customer_service") == 3 and tier(idle, "customer_service") == 6
    assert tier(member("客服", None, ("customer_service",), role="service_desk_agent"), "customer_service") is None
    # The skilled member off the ground before the unskilled one on it, and the unskilled one last.
    assert [c.name for c in rank([idle, fixer, desk], "customer_service")] == ["客服", "电工", "闲人"]
