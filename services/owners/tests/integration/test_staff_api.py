"""The staff directory through the HTTP API on the real PostgreSQL."""

from __future__ import annotations


def _join(client, auth, estate, name="李师傅", role="technician", skills=("plumbing",), **extra):
    return client.post("/api/v1/staff", json={"estate_id": estate, "name": name, "role": role, "skills": list(skills),
                                              **extra}, headers=auth())


def test_a_member_joins_with_role_and_skills(client, auth, make_place, outbox_events):
    place = make_place()
    response = _join(client, auth, place["estate"], skills=["locks", "plumbing", "locks"], mobile="13912345678",
                     email="Li@Example.com")
    assert response.status_code == 201
    member = response.json
    assert member["skills"] == ["locks", "plumbing"] and member["active"] is True
    assert member["mobile"] == "139****5678" and member["email"] == "li@example.com"
    event = outbox_events()[-1]
    assert event["type"] == "owners.staff.joined.v1"
    assert event["data"]["skills"] == ["locks", "plumbing"] and event["data"]["mobile"] == "13912345678"


def test_unknown_roles_and_skills_are_refused(client, auth, make_place, row_counts):
    place = make_place()
    before = row_counts()
    assert _join(client, auth, place["estate"], role="janitor").status_code == 422
    assert _join(client, auth, place["estate"], skills=["magic"]).status_code == 422
    assert row_counts() == before


def test_listing_filters_by_role_skill_and_active(client, auth, make_place):
    place = make_place()
    estate = place["estate"]
    plumber = _join(client, auth, estate, name="A 水工", skills=["plumbing"]).json
    _join(client, auth, estate, name="B 电工", skills=["electrical", "lifts"])
    _join(client, auth, estate, name="C 主任", role="first_responsible", skills=[])
    agent = auth("service_desk_agent", [estate])

    def names(query):
        return [m["name"] for m in client.get(f"/api/v1/staff?{query}", headers=agent).json["items"]]

    assert names(f"estate_id={estate}") == ["A 水工", "B 电工", "C 主任"]
    assert names("role=first_responsible") == ["C 主任"]
    assert names("skill=lifts") == ["B 电工"]
    client.patch(f"/api/v1/staff/{plumber['id']}", json={"active": False}, headers=auth())
    assert names("active=true") == ["B 电工", "C 主任"]


def test_getting_and_patching_a_member(client, auth, make_place, outbox_events):
    place = make_place()
    member = _join(client, auth, place["estate"]).json
    response = client.patch(f"/api/v1/staff/{member['id']}", json={"role": "supervisor", "skills": ["hvac"]},
                            headers=auth("estate_manager", [place["estate"]]))
    assert response.status_code == 200 and response.json["role"] == "supervisor"
    assert outbox_events()[-1]["type"] == "owners.staff.updated.v1"
    shown = client.get(f"/api/v1/staff/{member['id']}", headers=auth("technician", [place["estate"]])).json
    assert shown["skills"] == ["hvac"]


def test_a_member_holding_territories_cannot_leave_the_roster(client, auth, make_place, row_counts):
    place = make_place()
    member = _join(client, auth, place["estate"]).json
    client.post(f"/api/v1/staff/{member['id']}/territories", json={"estate_id": place["estate"]}, headers=auth())
    before = row_counts()
    response = client.patch(f"/api/v1/staff/{member['id']}", json={"active": False}, headers=auth())
    assert response.status_code == 409
    assert row_counts() == before


def test_staff_of_another_estate_are_invisible(client, auth, make_place):
    mine, theirs = make_place("A"), make_place("B")
    _join(client, auth, mine["estate"], name="mine")
    member = _join(client, auth, theirs["estate"], name="theirs").json
    manager = auth("estate_manager", [mine["estate"]])
    assert [m["name"] for m in client.get("/api/v1/staff", headers=manager).json["items"]] == ["mine"]
    assert client.get(f"/api/v1/staff/{member['id']}", headers=manager).status_code == 404
    assert client.patch(f"/api/v1/staff/{member['id']}", json={"name": "x"}, headers=manager).status_code == 404
    assert _join(client, lambda: manager, theirs["estate"]).status_code == 404


def test_desk_agents_do_not_manage_staff(client, auth, make_place):
    place = make_place()
    agent = auth("service_desk_agent", [place["estate"]])
    assert _join(client, lambda: agent, place["estate"]).status_code == 403
