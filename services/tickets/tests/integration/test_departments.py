"""Departments (OWN-9) in tickets, on tickets' copy built by owners' events through the handlers: a
ticket names its department, dispatch chooses among that department's members (then territory,
skill and load within it), an unassigned ticket waits in its department's queue, and a complaint
naming a department is reported to that department's supervisor — else to the estate's, saying so."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tickets import events
from tickets.dispatch.candidates import choose_assignee
from tickets.tables import categories, departments, outbox

from .sla.test_sla_timer import validator


def _escalations(db) -> list[dict]:  # noqa: ANN001
    with db.connect() as conn:
        bodies = conn.execute(select(outbox.table.c.body).where(outbox.table.c.event_type == events.TICKET_ESCALATED)
                              .order_by(outbox.table.c.seq)).scalars().all()
    return [json.loads(b)["data"] for b in bodies]


def test_the_copy_keeps_the_newest_state_of_a_department(db, owners_world) -> None:
    world = owners_world()
    a, b = world.staff("甲"), world.staff("乙")
    department = world.department("engineering", (a, b), supervisor=a)
    world.department("engineering", (b,), supervisor=None, id_=department, name="工程部")
    with db.connect() as conn:
        row = conn.execute(select(departments).where(departments.c.id == department)).mappings().one()
    assert (row["name"], row["members"], row["supervisor_id"], row["version"]) == ("工程部", [str(b)], None, 2)


def test_dispatch_chooses_within_the_department_then_by_territory_skill_and_load(db, owners_world, add_ticket):
    world = owners_world()
    building = world.building()
    outsider = world.staff("外部水工", ("plumbing",))  # on the ground, skilled, idle: but not engineering's
    on_ground, off_ground, busy = world.staff("甲", ("plumbing",)), world.staff("乙", ("plumbing",)), \
        world.staff("丙", ("plumbing",))
    world.assign(outsider, building), world.assign(on_ground, building), world.assign(busy, building)
    add_ticket(world.estate_id, assignee_id=on_ground)
    engineering = world.department("engineering", (on_ground, off_ground, busy))
    add_ticket(world.estate_id, assignee_id=busy), add_ticket(world.estate_id, assignee_id=busy)
    leak = {"estate_id": world.estate_id, "building_id": building, "unit_id": None, "kind": "repair",
            "category": None, "skill": "plumbing"}
    with Session(db) as session:
        assert choose_assignee(session, leak) == outsider  # no department: the estate's best
        ours = {**leak, "department_id": engineering}
        assert choose_assignee(session, ours) == on_ground  # ground + skill, load 1 before 丙's 2
        assert choose_assignee(session, ours, exclude={on_ground}) == busy  # ground before off-ground
        assert choose_assignee(session, ours, exclude={on_ground, busy}) == off_ground
        assert choose_assignee(session, ours, exclude={on_ground, busy, off_ground}) is None  # its queue


def _lift_category(db) -> None:  # noqa: ANN001
    with db.begin() as conn:
        conn.execute(insert(categories).values(id=uuid.uuid4(), estate_id=None, kind="repair", code="lift",
                                               name_zh="电梯", name_en="Lift", skill="lifts"))


def _ticket(client, auth, world, unit, **body):
    answer = client.post("/api/v1/tickets", json={
        "estate_id": str(world.estate_id), "unit_id": str(unit), "kind": "repair", "channel": "phone",
        "category": "lift", "title": "电梯异响", **body}, headers=auth("service_desk_agent", [world.estate_id]))
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_ticket_names_its_department_waits_in_its_queue_and_is_dispatched_within_it(db, client, auth,
                                                                                     owners_world):
    _lift_category(db)
    world = owners_world()
    building = world.building()
    unit = world.unit(building, "1-101")
    outsider, lifts = world.staff("外部", ("lifts",)), world.staff("梯工", ("lifts",))
    world.assign(outsider, building)
    engineering = world.department("engineering", (lifts,), name="工程部")
    security = world.department("security", ())
    desk = auth("service_desk_agent", [world.estate_id])

    ticket = _ticket(client, auth, world, unit, department_id=str(engineering))
    assert ticket["department_id"] == str(engineering)
    queue = client.get(f"/api/v1/tickets?department_id={engineering}&unassigned=true", headers=desk).json["items"]
    assert [t["id"] for t in queue] == [ticket["id"]]
    assert client.get(f"/api/v1/tickets?department_id={security}", headers=desk).json["items"] == []

    client.post(f"/api/v1/tickets/{ticket['id']}/acknowledge", json={}, headers=desk)
    dispatched = client.post(f"/api/v1/tickets/{ticket['id']}/dispatch", json={}, headers=desk)
    assert dispatched.status_code == 200, dispatched.json
    assert dispatched.json["assignee_id"] == str(lifts)  # off the ground, but engineering's
    assert dispatched.json["dispatch"]["reason"]["department"] == "工程部"
    assert dispatched.json["dispatch"]["reason"]["text_zh"].startswith("在工程部中：")
    assert client.get(f"/api/v1/tickets?department_id={engineering}&unassigned=true",
                      headers=desk).json["items"] == []

    other = _ticket(client, auth, world, unit)
    client.post(f"/api/v1/tickets/{other['id']}/acknowledge", json={}, headers=desk)
    nobody = client.post(f"/api/v1/tickets/{other['id']}/dispatch",
                         json={"department_id": str(security), "choose_member": True},
                         headers={**desk, "Accept-Language": "zh-CN"})
    assert nobody.status_code == 409 and "部门" in nobody.json["detail"]
    routed = client.post(f"/api/v1/tickets/{other['id']}/dispatch",
                         json={"department_id": str(engineering), "choose_member": True}, headers=desk)
    assert routed.status_code == 200 and routed.json["department_id"] == str(engineering)
    assert routed.json["assignee_id"] == str(lifts)


def test_a_closed_department_or_another_estates_is_refused(db, client, auth, owners_world):
    _lift_category(db)
    world, theirs = owners_world(), owners_world()
    unit = world.unit(world.building(), "1-101")
    closed = world.department("cleaning", ())
    world.department("cleaning", (), id_=closed, active=False)
    foreign = theirs.department("engineering", ())
    desk = auth("service_desk_agent", [world.estate_id])
    body = {"estate_id": str(world.estate_id), "unit_id": str(unit), "kind": "repair", "category": "lift",
            "title": "电梯异响"}
    refused = client.post("/api/v1/tickets", json={**body, "department_id": str(closed)}, headers=desk)
    assert refused.status_code == 422 and refused.json["errors"]["department_id"]
    assert client.post("/api/v1/tickets", json={**body, "department_id": str(foreign)},
                       headers=desk).status_code == 404
    assert client.get(f"/api/v1/tickets?department_id={foreign}", headers=desk).status_code == 404
    ticket = client.post("/api/v1/tickets", json=body, headers=desk).json
    client.post(f"/api/v1/tickets/{ticket['id']}/acknowledge", json={}, headers=desk)
    assert client.post(f"/api/v1/tickets/{ticket['id']}/dispatch", json={"department_id": str(foreign)},
                       headers=desk).status_code == 404
    everywhere = auth("operator_admin")
    mixed = client.post(f"/api/v1/tickets/{ticket['id']}/dispatch", json={"department_id": str(foreign)},
                        headers=everywhere)
    assert mixed.status_code == 422 and mixed.json["errors"]["department_id"]


def test_a_complaint_naming_a_department_is_reported_to_its_supervisor_else_the_estates(db, client, auth,
                                                                                      owners_world) -> None:
    world = owners_world()
    unit = world.unit(world.building(), "1-101")
    estate_supervisor = world.staff("吴主管", role="supervisor")
    head = world.staff("钱工程主管", role="technician")
    engineering = world.department("engineering", (head,), supervisor=head)
    security = world.department("security", ())  # its post is vacant
    desk = auth("service_desk_agent", [world.estate_id])
    complaint = {"estate_id": str(world.estate_id), "unit_id": str(unit), "kind": "complaint",
                 "complaint_class": "facilities", "title": "电梯经常停运"}

    client.post("/api/v1/tickets", json={**complaint, "department_id": str(engineering)}, headers=desk)
    client.post("/api/v1/tickets", json={**complaint, "department_id": str(security)}, headers=desk)
    client.post("/api/v1/tickets", json=complaint, headers=desk)
    to_head, to_estate, plain = _escalations(db)
    assert to_head["staff"] == {"staff_id": str(head), "name": "钱工程主管", "role": "supervisor",
                                "department_id": str(engineering)}
    assert to_head["fallback"] is None
    assert to_estate["staff"]["staff_id"] == str(estate_supervisor)
    assert to_estate["fallback"] == {"wanted": "supervisor", "vacant": ["department_supervisor"],
                                     "reached": "supervisor"}
    assert plain["staff"]["staff_id"] == str(estate_supervisor) and plain["fallback"] is None
    for data in (to_head, to_estate, plain):
        assert not list(validator(events.TICKET_ESCALATED).iter_errors(data))

    # The department's supervisor leaves the roster: the next complaint goes to the estate's.
    world._emit("owners.staff.updated.v1", head, {
        "estate_id": str(world.estate_id), "staff_id": str(head), "name": "钱工程主管", "role": "technician",
        "skills": [], "mobile": None, "email": None, "active": False})
    client.post("/api/v1/tickets", json={**complaint, "department_id": str(engineering)}, headers=desk)
    assert _escalations(db)[-1]["staff"]["staff_id"] == str(estate_supervisor)
    assert uuid.UUID(_escalations(db)[-1]["ticket"]["department_id"]) == engineering


def test_dispatch_to_a_department_alone_queues_it_and_a_member_takes_it_later(db, client, auth, owners_world,
                                                                              caplog):
    _lift_category(db)
    world = owners_world()
    building = world.building()
    unit = world.unit(building, "1-101")
    lifts, stranger = world.staff("梯工", ("lifts",)), world.staff("外部", ("lifts",))
    engineering = world.department("engineering", (lifts,), name="工程部")
    desk = auth("service_desk_agent", [world.estate_id])
    ticket = _ticket(client, auth, world, unit)
    client.post(f"/api/v1/tickets/{ticket['id']}/acknowledge", json={}, headers=desk)

    with caplog.at_level("WARNING", logger="tickets.tickets.use_cases.procedure"):
        queued = client.post(f"/api/v1/tickets/{ticket['id']}/dispatch", json={"department_id": str(engineering)},
                             headers=desk)
    assert queued.status_code == 200, queued.json
    assert "department without a supervisor" in caplog.text  # engineering's post is vacant
    from sqlalchemy.orm import sessionmaker

    from tickets.sla.metrics import collectors

    [family] = collectors(sessionmaker(db))[0].collect()
    assert {s.labels["warning"]: s.value for s in family.samples}["department_without_supervisor"] >= 1
    assert (queued.json["stage"], queued.json["assignee_id"], queued.json["department_id"]) == (
        "dispatched", None, str(engineering))
    assert queued.json["stage_name"] == {"zh-CN": "已派至部门，待领取", "en": "in the department's queue"}
    reason = queued.json["dispatch"]["reason"]
    assert reason["queued"] is True and "工程部" in reason["text_zh"]
    queue = client.get(f"/api/v1/tickets?department_id={engineering}&unassigned=true", headers=desk).json["items"]
    assert [t["id"] for t in queue] == [ticket["id"]]
    report = client.get(f"/api/v1/tickets/{ticket['id']}/report", headers=desk).json
    assert report["timeline"][-1]["action"] == "dispatched" and report["timeline"][-1]["details"]["reason"]["queued"]
    assert "running" in {t["state"] for t in report["targets"]}  # the clocks keep running in the queue
    assert "paused" not in {t["state"] for t in report["targets"]}
    [event] = [e for e in _events(db, events.TICKET_DISPATCHED) if e["ticket"]["ticket_id"] == ticket["id"]]
    assert (event["assignee_id"], event["queued"]) == (None, True)
    # the reporter is told which department has it; nobody holds the department's post to tell
    assert (event["department"], event["staff"]) == ({"department_id": str(engineering), "name": "工程部"}, None)
    validator(events.TICKET_DISPATCHED).validate(event)

    elsewhere = client.post(f"/api/v1/tickets/{ticket['id']}/take", json={"staff_id": str(lifts)},
                            headers=auth("service_desk_agent", [uuid.uuid4()]))
    assert elsewhere.status_code == 404  # another estate's ticket
    nobody_there = client.post(f"/api/v1/tickets/{ticket['id']}/arrive", json={}, headers=desk)
    assert nobody_there.status_code == 409
    outsider = client.post(f"/api/v1/tickets/{ticket['id']}/take", json={},
                           headers=auth("technician", [world.estate_id], subject=str(stranger)))
    assert outsider.status_code == 422 and outsider.json["errors"]["staff_id"]
    taken = client.post(f"/api/v1/tickets/{ticket['id']}/take", json={"note": "我来"},
                        headers=auth("technician", [world.estate_id], subject=str(lifts)))
    assert taken.status_code == 200, taken.json
    assert taken.json["assignee_id"] == str(lifts) and taken.json["stage_name"]["en"] == "dispatched"
    [moved] = [e for e in _events(db, events.TICKET_REASSIGNED) if e["ticket"]["ticket_id"] == ticket["id"]]
    assert (moved["from_assignee_id"], moved["to_assignee_id"]) == (None, str(lifts))
    assert client.get(f"/api/v1/tickets?department_id={engineering}&unassigned=true",
                      headers=desk).json["items"] == []
    again = client.post(f"/api/v1/tickets/{ticket['id']}/take", json={"staff_id": str(lifts)}, headers=desk)
    assert again.status_code == 409  # in no queue any more


def test_a_ticket_put_in_a_department_s_queue_names_its_supervisor_to_tell(db, client, auth, owners_world):
    _lift_category(db)
    world = owners_world()
    unit = world.unit(world.building(), "1-101")
    head, lifts = world.staff("钱工程主管", role="technician"), world.staff("梯工", ("lifts",))
    engineering = world.department("engineering", (head, lifts), supervisor=head, name="工程部")
    desk = auth("service_desk_agent", [world.estate_id])
    ticket = _ticket(client, auth, world, unit)
    client.post(f"/api/v1/tickets/{ticket['id']}/acknowledge", json={}, headers=desk)
    queued = client.post(f"/api/v1/tickets/{ticket['id']}/dispatch", json={"department_id": str(engineering)},
                         headers=desk)
    assert queued.status_code == 200 and queued.json["assignee_id"] is None, queued.json
    [event] = [e for e in _events(db, events.TICKET_DISPATCHED) if e["ticket"]["ticket_id"] == ticket["id"]]
    assert event["staff"] == {"staff_id": str(head), "name": "钱工程主管", "role": "supervisor",
                              "department_id": str(engineering)}
    assert event["department"] == {"department_id": str(engineering), "name": "工程部"}
    validator(events.TICKET_DISPATCHED).validate(event)


def _events(db, type_: str) -> list[dict]:  # noqa: ANN001
    with db.connect() as conn:
        bodies = conn.execute(select(outbox.table.c.body).where(outbox.table.c.event_type == type_)
                              .order_by(outbox.table.c.seq)).scalars().all()
    return [json.loads(b)["data"] for b in bodies]
