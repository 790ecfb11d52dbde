"""The dispatch rule with no I/O: territory, skill, load, ties, exclusions, inactive staff."""

from __future__ import annotations

import uuid

from tickets.domain.dispatch import BUILDING, ESTATE, Candidate, rank, tier


def member(name: str, coverage: str | None, skills: tuple[str, ...] = ("plumbing",), load: int = 0,
           active: bool = True) -> Candidate:
    return Candidate(uuid.uuid4(), name, frozenset(skills), coverage, load, active)


def names(ranked: list[Candidate]) -> list[str]:
    return [c.name for c in ranked]


def test_a_building_territory_beats_an_estate_wide_one_even_with_more_load() -> None:
    ranked = rank([member("estate", ESTATE, load=0), member("building", BUILDING, load=5)], "plumbing")
    assert names(ranked) == ["building", "estate"]


def test_the_skill_beats_the_territory() -> None:
    ranked = rank([member("on-site, no skill", BUILDING, skills=("electrical",)),
                   member("off-site, skilled", None),
                   member("estate, skilled", ESTATE)], "plumbing")
    assert names(ranked) == ["estate, skilled", "off-site, skilled", "on-site, no skill"]


def test_without_the_skill_the_building_comes_before_the_estate_and_nobody_else_qualifies() -> None:
    ranked = rank([member("estate", ESTATE, skills=()), member("building", BUILDING, skills=()),
                   member("elsewhere", None, skills=("locks",))], "plumbing")
    assert names(ranked) == ["building", "estate"]


def test_fewest_open_tickets_first_within_a_tier() -> None:
    ranked = rank([member("busy", BUILDING, load=3), member("idle", BUILDING, load=0),
                   member("some", BUILDING, load=1)], "plumbing")
    assert names(ranked) == ["idle", "some", "busy"]


def test_ties_are_broken_by_name_then_id_whatever_the_order_given() -> None:
    same = [member("王", BUILDING), member("李", BUILDING)]
    twins = sorted([member("张", BUILDING), member("张", BUILDING)], key=lambda c: str(c.staff_id))
    assert names(rank(same, "plumbing")) == names(rank(list(reversed(same)), "plumbing")) == ["李", "王"]
    assert rank(list(reversed(twins)), "plumbing") == twins


def test_excluded_and_inactive_members_are_left_out() -> None:
    first, second = member("a", BUILDING), member("b", BUILDING, load=2)
    gone = member("c", BUILDING, active=False)
    assert names(rank([first, second, gone], "plumbing", exclude={first.staff_id})) == ["b"]
    assert rank([gone], "plumbing") == []


def test_no_skill_wanted_means_everyone_has_it() -> None:
    assert tier(member("x", ESTATE, skills=()), None) == 1
    assert names(rank([member("off", None, skills=()), member("estate", ESTATE, skills=())], None)) == ["estate", "off"]


def test_nobody_qualifies_gives_an_empty_ranking() -> None:
    assert rank([member("elsewhere", None, skills=("locks",))], "plumbing") == []
    assert rank([], None) == []


def test_supervisors_and_desk_agents_get_work_only_on_ground_they_hold() -> None:
    supervisor = Candidate(uuid.uuid4(), "supervisor", frozenset(), None, 0, True, role="supervisor")
    desk = Candidate(uuid.uuid4(), "desk", frozenset(), None, 0, True, role="service_desk_agent")
    technician = Candidate(uuid.uuid4(), "technician", frozenset(), None, 5, True)
    assert names(rank([supervisor, desk, technician], None)) == ["technician"]
    on_ground = Candidate(uuid.uuid4(), "supervisor on ground", frozenset(), BUILDING, 0, True, role="supervisor")
    assert names(rank([on_ground, technician], None)) == ["supervisor on ground", "technician"]
