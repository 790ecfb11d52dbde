"""choose_assignee and staff_with_role on tickets' copy, built by owners' events through the
handlers; a territory reassigned in owners changes the next choice at once (OWN-6)."""

from __future__ import annotations

import uuid

from sqlalchemy import insert
from sqlalchemy.orm import Session

from tickets.dispatch.candidates import choose_assignee, current_loads, staff_with_role
from tickets.service import SERVICE
from tickets.tables import categories


def ticket(world, **values):
    return {"estate_id": world.estate_id, "building_id": None, "unit_id": None, "kind": "repair", "category": None,
            "skill": None, **values}


def test_the_building_territory_with_the_skill_and_the_least_load_is_chosen(db, owners_world, add_ticket) -> None:
    world = owners_world()
    b1, b2 = world.building("1"), world.building("2")
    unit = world.unit(b1, "1-101")
    on_b1 = world.staff("甲", ("plumbing",))
    also_b1 = world.staff("乙", ("plumbing",))
    estate_wide = world.staff("丙", ("plumbing",))
    other_building = world.staff("丁", ("plumbing",))
    world.staff("戊", ("plumbing",), active=False)
    world.assign(on_b1, b1), world.assign(also_b1, b1), world.assign(estate_wide), world.assign(other_building, b2)
    add_ticket(world.estate_id, assignee_id=on_b1)  # 甲 has one open ticket ...
    for stage in ("resolved", "archived", "cancelled"):
        add_ticket(world.estate_id, assignee_id=also_b1, stage=stage)  # ... 乙 only finished ones

    leak = ticket(world, unit_id=unit, skill="plumbing")  # no building on the ticket: the unit's
    with Session(db) as session:
        assert current_loads(session, [on_b1, also_b1]) == {on_b1: 1}
        assert choose_assignee(session, leak) == also_b1
        assert choose_assignee(session, leak, exclude={also_b1}) == on_b1
        assert choose_assignee(session, leak, exclude={also_b1, on_b1}) == estate_wide
        # Another building's plumber is skilled and works for the estate: before nobody at all.
        assert choose_assignee(session, leak, exclude={also_b1, on_b1, estate_wide}) == other_building
        assert choose_assignee(session, leak, exclude={also_b1, on_b1, estate_wide, other_building}) is None


def test_the_skill_comes_from_the_category_the_estates_own_first(db, owners_world) -> None:
    world = owners_world()
    building = world.building()
    plumber, electrician = world.staff("水工", ("plumbing",)), world.staff("电工", ("electrical",))
    world.assign(plumber, building), world.assign(electrician, building)
    with db.begin() as conn:
        conn.execute(insert(categories), [
            {"id": uuid.uuid4(), "estate_id": None, "kind": "repair", "code": "power", "name_zh": "停电",
             "name_en": "Power", "skill": "plumbing"},
            {"id": uuid.uuid4(), "estate_id": world.estate_id, "kind": "repair", "code": "power", "name_zh": "停电",
             "name_en": "Power", "skill": "electrical"},
            {"id": uuid.uuid4(), "estate_id": None, "kind": "repair", "code": "leak", "name_zh": "漏水",
             "name_en": "Leak", "skill": "plumbing"}])
    uow = SERVICE.unit_of_work(db)
    with uow:  # a UnitOfWork serves as the connection too, as the lifecycle calls it
        assert choose_assignee(uow, ticket(world, building_id=building, category="power")) == electrician
        assert choose_assignee(uow, ticket(world, building_id=building, category="leak")) == plumber
        assert choose_assignee(uow, ticket(world, building_id=building, category="leak",
                                           skill="electrical")) == electrician


def test_someone_on_the_ground_without_the_skill_before_nobody(db, owners_world) -> None:
    world = owners_world()
    building = world.building()
    guard = world.staff("保安", ("patrol",))
    world.assign(guard, building)
    world.staff("外区电工", ("electrical",), estate_id=uuid.uuid4())  # another estate's: no candidate
    with db.connect() as conn:
        assert choose_assignee(conn, ticket(world, building_id=building, skill="electrical")) == guard
        assert choose_assignee(conn, ticket(world, building_id=None, skill="electrical")) is None  # common area


def test_a_member_of_another_estate_with_ground_here_is_a_candidate(db, owners_world) -> None:
    world = owners_world()
    building = world.building()
    visiting = world.staff("邻区水工", ("plumbing",), estate_id=uuid.uuid4())
    world.assign(visiting, building)
    with db.connect() as conn:
        assert choose_assignee(conn, ticket(world, building_id=building, skill="plumbing")) == visiting


def test_a_territory_reassigned_in_owners_changes_the_next_choice_at_once(db, owners_world) -> None:
    world = owners_world()
    building = world.building()
    first, second = world.staff("老王", ("plumbing",)), world.staff("小李", ("plumbing",))
    territory = world.assign(first, building)
    world.assign(second)  # estate-wide
    leak = ticket(world, building_id=building, skill="plumbing")
    with db.connect() as conn:
        assert choose_assignee(conn, leak) == first
    # owners' reassign_territory: the territory released, then the same ground assigned to another.
    world.release(territory, first, building)
    world.assign(second, building)
    with db.connect() as conn:
        assert choose_assignee(conn, leak) == second
        assert choose_assignee(conn, leak, exclude={second}) == first  # skilled, employed here, off their ground


def test_staff_with_role_lists_the_estates_active_members_of_that_role(db, owners_world) -> None:
    world = owners_world()
    boss = world.staff("赵主管", role="supervisor")
    deputy = world.staff("钱主管", role="supervisor")
    world.staff("孙主管", role="supervisor", active=False)
    world.staff("李师傅", role="technician")
    world.staff("周主管", role="supervisor", estate_id=uuid.uuid4())
    with db.connect() as conn:
        found = staff_with_role(conn, world.estate_id, "supervisor")
        assert [r["name"] for r in found] == sorted(["赵主管", "钱主管"])
        assert {r["id"] for r in found} == {boss, deputy}
        assert staff_with_role(conn, world.estate_id, "first_responsible") == []
