"""An escalation never reaches nobody (issue 15): a level with nobody sends it on up the chain
(supervisor, estate manager, first responsible person, the operator's admins), the event and the
timeline say so, and an estate without a supervisor or first responsible person is a configuration
warning, listed by the API and counted by a metric."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from tickets import events
from tickets.tables import ticket_steps

from .test_sla_timer import validator


def told(world) -> list[dict]:  # noqa: ANN001
    return [e["data"] for e in world.events(events.TICKET_ESCALATED)]


def fallbacks_on_the_timeline(world, ticket_id) -> list[dict | None]:  # noqa: ANN001
    with world.engine.connect() as conn:
        details = conn.execute(select(ticket_steps.c.details).where(
            ticket_steps.c.ticket_id == ticket_id, ticket_steps.c.action == "escalation")
            .order_by(ticket_steps.c.at)).scalars().all()
    return [d.get("fallback") for d in details]


def test_a_complaint_with_no_supervisor_goes_to_the_estate_manager_and_says_so(world) -> None:
    manager = world.add_staff("estate_manager", "孙经理")
    world.add_staff("first_responsible", "周总")
    ticket = world.open_ticket(kind="complaint", complaint_class="management")
    [data] = told(world)
    assert data["staff"] == {"staff_id": str(manager), "name": "孙经理", "role": "estate_manager"}
    assert data["fallback"] == {"wanted": "supervisor", "vacant": ["supervisor"], "reached": "estate_manager"}
    assert fallbacks_on_the_timeline(world, ticket["id"]) == [data["fallback"]]
    assert not list(validator(events.TICKET_ESCALATED).iter_errors(data))


def test_the_chain_is_climbed_to_the_first_responsible_person(world) -> None:
    boss = world.add_staff("first_responsible", "周总")
    world.open_ticket(kind="complaint", complaint_class="facilities")
    [data] = told(world)
    assert data["staff"]["staff_id"] == str(boss)
    assert data["fallback"] == {"wanted": "supervisor", "vacant": ["supervisor", "estate_manager"],
                                "reached": "first_responsible"}


def test_past_the_top_the_operators_admins_are_named(world) -> None:
    ticket = world.open_ticket(kind="complaint", complaint_class="facilities", major=True)
    reported, major = told(world)
    assert reported["staff"] is None and reported["fallback"] == {
        "wanted": "supervisor", "vacant": ["supervisor", "estate_manager", "first_responsible"],
        "reached": "operator_admins"}
    assert major["staff"] is None and major["fallback"] == {
        "wanted": "first_responsible", "vacant": ["first_responsible"], "reached": "operator_admins"}
    assert fallbacks_on_the_timeline(world, ticket["id"]) == [reported["fallback"], major["fallback"]]
    for data in (reported, major):
        assert not list(validator(events.TICKET_ESCALATED).iter_errors(data))


def test_the_role_wanted_is_told_without_a_fallback(world) -> None:
    supervisor = world.add_staff("supervisor", "王主管")
    world.add_staff("estate_manager")
    ticket = world.open_ticket(kind="complaint", complaint_class="fees")
    [data] = told(world)
    assert data["staff"]["staff_id"] == str(supervisor) and data["fallback"] is None
    assert fallbacks_on_the_timeline(world, ticket["id"]) == [None]


def test_a_warning_with_no_assignee_and_no_supervisor_goes_up(world) -> None:
    manager = world.add_staff("estate_manager", "孙经理")
    ticket = world.open_ticket(kind="repair")
    world.sweep(world.deadlines(ticket["id"])["acknowledge"]["warn_at"])
    [data] = [d for d in told(world) if d["trigger"] == "sla_warning"]
    assert data["staff"]["staff_id"] == str(manager)
    assert data["fallback"] == {"wanted": "assignee", "vacant": ["assignee", "supervisor"],
                                "reached": "estate_manager"}


def test_estates_without_a_supervisor_or_first_responsible_are_warned_of(client, auth, owners_world, db) -> None:
    complete, lacking, other = owners_world(), owners_world(), owners_world()
    complete.staff("王主管", role="supervisor")
    complete.staff("周总", role="first_responsible")
    lacking.staff("孙经理", role="estate_manager")
    lacking.staff("退休主管", role="supervisor", active=False)
    other.staff("李主管", role="supervisor")

    manager = auth("estate_manager", [complete.estate_id, lacking.estate_id])
    answer = client.get("/api/v1/sla/configuration-warnings", headers=manager)
    assert answer.status_code == 200
    found = [(w["estate_id"], w["code"], w["role"]) for w in answer.json["items"]]
    assert found == [(str(lacking.estate_id), "no_first_responsible", "first_responsible"),
                     (str(lacking.estate_id), "no_supervisor", "supervisor")]
    assert all(w["message_zh"] and w["message_en"] for w in answer.json["items"])
    one = client.get(f"/api/v1/sla/configuration-warnings?estate_id={complete.estate_id}", headers=manager)
    assert one.json["items"] == []
    # Another estate's warnings are not the caller's; the operator sees every estate's.
    assert client.get(f"/api/v1/sla/configuration-warnings?estate_id={other.estate_id}",
                      headers=manager).status_code in (403, 404)
    everyone = client.get("/api/v1/sla/configuration-warnings?page_size=100", headers=auth()).json["items"]
    assert {(w["estate_id"], w["code"]) for w in everyone} == {
        (str(lacking.estate_id), "no_first_responsible"), (str(lacking.estate_id), "no_supervisor"),
        (str(other.estate_id), "no_first_responsible")}
    assert client.get("/api/v1/sla/configuration-warnings",
                      headers=auth("technician", [lacking.estate_id])).status_code == 403

    from tickets.sla.metrics import collectors  # new with the warnings: imported here, so the rest runs on main

    [gauge] = collectors(sessionmaker(db))
    [family] = gauge.collect()
    assert {s.labels["warning"]: s.value for s in family.samples} == {"no_supervisor": 1, "no_first_responsible": 2,
                                                                         "department_without_supervisor": 0}
    assert "tickets_configuration_warnings" in client.get("/metrics").get_data(as_text=True)
