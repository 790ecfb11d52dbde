"""A complaint goes to someone who handles complaints (issue 15): a management complaint was
dispatched to the building's plumber because the ticket named no skill. Dispatch now asks what the
ticket's kind and class call for (complaints: customer service, unless the operator or the estate
says otherwise) and says why it chose whom, in the answer and on the timeline."""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select

from tickets.tables import staff, territories, ticket_steps


def hold_ground(db, place, key: str, building: bool = True) -> None:  # noqa: ANN001
    with db.begin() as conn:
        conn.execute(insert(territories).values(
            id=uuid.uuid4(), estate_id=uuid.UUID(place["estate"]), staff_id=uuid.UUID(place[key]),
            building_id=uuid.UUID(place["building"]) if building else None, released=False, version=1))


def add_customer_service(db, place) -> str:  # noqa: ANN001
    desk_id = uuid.uuid4()
    with db.begin() as conn:
        conn.execute(insert(staff).values(id=desk_id, estate_id=uuid.UUID(place["estate"]), name="林晓彤",
                                          role="service_desk_agent", skills=["customer_service"], active=True,
                                          version=1))
    place["desk_agent"] = str(desk_id)
    hold_ground(db, place, "desk_agent", building=False)
    return str(desk_id)


def open_and_dispatch(client, desk, body) -> dict:  # noqa: ANN001
    opened = client.post("/api/v1/tickets", json=body, headers=desk).json
    assert client.post(f"/api/v1/tickets/{opened['id']}/acknowledge", json={}, headers=desk).status_code == 200
    answer = client.post(f"/api/v1/tickets/{opened['id']}/dispatch", json={}, headers=desk)
    assert answer.status_code == 200, answer.json
    return answer.json


def test_a_management_complaint_goes_to_customer_service_and_says_why(client, auth, db, place, complaint) -> None:
    hold_ground(db, place, "technician")  # the building's plumber, with no load
    agent = add_customer_service(db, place)
    desk = auth("service_desk_agent", [place["estate"]])
    dispatched = open_and_dispatch(client, desk, complaint())
    assert dispatched["assignee_id"] == agent
    why = dispatched["dispatch"]
    assert why["automatic"] is True and why["assignee_id"] == agent
    assert (why["reason"]["skill"], why["reason"]["skill_from"], why["reason"]["has_skill"]) == (
        "customer_service", "default", True)
    assert "林晓彤" in why["reason"]["text_zh"] and "customer_service" in why["reason"]["text_en"]
    with db.connect() as conn:
        [details] = conn.execute(select(ticket_steps.c.details).where(
            ticket_steps.c.ticket_id == uuid.UUID(dispatched["id"]),
            ticket_steps.c.action == "dispatched")).scalars().all()
    assert details["reason"] == why["reason"] and details["automatic"] is True

    # A repair still goes by its category's skill to the building's plumber.
    repair = open_and_dispatch(client, desk, {**complaint(), "kind": "repair", "complaint_class": None,
                                              "quality_aspect": None, "category": "plumbing", "title": "漏水"})
    assert repair["assignee_id"] == place["technician"]
    assert repair["dispatch"]["reason"]["skill"] == "plumbing"  # the category's, copied onto the ticket


def test_the_operator_or_the_estate_decides_what_a_complaint_class_calls_for(client, auth, db, place,
                                                                             complaint) -> None:
    hold_ground(db, place, "technician")
    add_customer_service(db, place)
    operator, manager = auth(), auth("estate_manager", [place["estate"]])
    desk = auth("service_desk_agent", [place["estate"]])
    # A scoped manager cannot speak for every estate.
    refused = client.post("/api/v1/dispatch/skills", json={"estate_id": None, "kind": "complaint",
                                                           "complaint_class": "facilities", "skill": "plumbing"},
                          headers=manager)
    assert refused.status_code == 422
    made = client.post("/api/v1/dispatch/skills", json={"estate_id": None, "kind": "complaint",
                                                        "complaint_class": "facilities", "skill": "plumbing"},
                       headers=operator)
    assert made.status_code == 201
    assert client.post("/api/v1/dispatch/skills", json={"estate_id": None, "kind": "complaint",
                                                        "complaint_class": "facilities", "skill": "lifts"},
                       headers=operator).status_code == 409
    facilities = open_and_dispatch(client, desk, complaint(complaint_class="facilities", quality_aspect=None,
                                                           title="电梯经常停运"))
    assert facilities["assignee_id"] == place["technician"]
    assert facilities["dispatch"]["reason"]["skill_from"] == "operator"
    listed = client.get(f"/api/v1/dispatch/skills?estate_id={place['estate']}", headers=manager).json["items"]
    assert [(r["kind"], r["complaint_class"], r["skill"]) for r in listed] == [("complaint", "facilities", "plumbing")]

    own = client.post("/api/v1/dispatch/skills", json={"estate_id": place["estate"], "kind": "complaint",
                                                       "complaint_class": None, "skill": None}, headers=manager)
    assert own.status_code == 201  # this estate: no skill for complaints, the territory decides
    ground = open_and_dispatch(client, desk, complaint(complaint_class="fees", quality_aspect=None, title="收费"))
    assert ground["assignee_id"] == place["technician"] and ground["dispatch"]["reason"]["skill_from"] == "estate"
    assert client.delete(f"/api/v1/dispatch/skills/{own.json['id']}", headers=manager).status_code == 204
    assert client.delete(f"/api/v1/dispatch/skills/{made.json['id']}", headers=manager).status_code == 404


def test_a_dispatch_by_hand_says_so(client, auth, db, place, complaint) -> None:
    desk = auth("service_desk_agent", [place["estate"]])
    opened = client.post("/api/v1/tickets", json=complaint(), headers=desk).json
    client.post(f"/api/v1/tickets/{opened['id']}/acknowledge", json={}, headers=desk)
    answer = client.post(f"/api/v1/tickets/{opened['id']}/dispatch", json={"staff_id": place["technician2"]},
                         headers=desk).json
    assert answer["dispatch"]["automatic"] is False and answer["dispatch"]["reason"]["text_en"] == "named by the desk"
