"""Territories through the HTTP API on the real PostgreSQL: assign, release, reassign at once."""

from __future__ import annotations


def _member(client, auth, estate, name="李师傅", active=True):
    member = client.post("/api/v1/staff", json={"estate_id": estate, "name": name, "role": "technician"},
                         headers=auth()).json
    if not active:
        client.patch(f"/api/v1/staff/{member['id']}", json={"active": False}, headers=auth())
    return member["id"]


def _assign(client, auth, staff, estate, building=None):
    return client.post(f"/api/v1/staff/{staff}/territories", json={"estate_id": estate, "building_id": building},
                       headers=auth())


def test_assigning_an_estate_and_a_building(client, auth, make_place, outbox_events):
    place = make_place()
    staff = _member(client, auth, place["estate"])
    response = _assign(client, auth, staff, place["estate"], place["building"])
    assert response.status_code == 201
    assert (response.json["staff_id"], response.json["building_id"]) == (staff, place["building"])
    event = outbox_events()[-1]
    assert event["type"] == "owners.territory.assigned.v1"
    assert event["data"] == {"estate_id": place["estate"], "territory_id": response.json["id"], "staff_id": staff,
                             "building_id": place["building"], "version": 1}
    listed = client.get(f"/api/v1/staff/{staff}/territories", headers=auth()).json["items"]
    assert [t["id"] for t in listed] == [response.json["id"]]
    shown = client.get(f"/api/v1/territories/{response.json['id']}", headers=auth("technician", [place["estate"]]))
    assert shown.status_code == 200 and shown.json["estate_id"] == place["estate"]


def test_ground_already_covered_is_a_conflict(client, auth, make_place, row_counts):
    place = make_place()
    staff = _member(client, auth, place["estate"])
    _assign(client, auth, staff, place["estate"])
    before = row_counts()
    assert _assign(client, auth, staff, place["estate"]).status_code == 409
    assert _assign(client, auth, staff, place["estate"], place["building"]).status_code == 409
    assert row_counts() == before


def test_a_building_of_another_estate_or_an_inactive_member_is_refused(client, auth, make_place, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    staff = _member(client, auth, mine["estate"])
    idle = _member(client, auth, mine["estate"], name="离职", active=False)
    before = row_counts()
    assert _assign(client, auth, staff, mine["estate"], theirs["building"]).status_code == 404
    assert _assign(client, auth, idle, mine["estate"]).status_code == 422
    manager = auth("estate_manager", [mine["estate"]])
    assert _assign(client, lambda: manager, staff, theirs["estate"]).status_code == 404
    assert row_counts() == before


def test_releasing_a_territory(client, auth, make_place, outbox_events):
    place = make_place()
    staff = _member(client, auth, place["estate"])
    territory = _assign(client, auth, staff, place["estate"]).json["id"]
    assert client.delete(f"/api/v1/territories/{territory}", headers=auth()).status_code == 204
    assert outbox_events()[-1]["type"] == "owners.territory.released.v1"
    assert client.get(f"/api/v1/territories/{territory}", headers=auth()).status_code == 404
    assert client.delete(f"/api/v1/territories/{territory}", headers=auth()).status_code == 404


def test_reassigning_moves_the_ground_at_once_in_one_transaction(client, auth, make_place, outbox_events):
    place = make_place()
    old, new = _member(client, auth, place["estate"], "老王"), _member(client, auth, place["estate"], "小李")
    territory = _assign(client, auth, old, place["estate"], place["building"]).json["id"]
    response = client.post(f"/api/v1/territories/{territory}/reassign", json={"staff_id": new},
                           headers=auth("estate_manager", [place["estate"]]))
    assert response.status_code == 201
    assert response.json["staff_id"] == new and response.json["building_id"] == place["building"]
    released, assigned = outbox_events()[-2:]
    assert (released["type"], released["data"]["staff_id"]) == ("owners.territory.released.v1", old)
    assert (assigned["type"], assigned["data"]["staff_id"]) == ("owners.territory.assigned.v1", new)
    holders = client.get(f"/api/v1/estates/{place['estate']}/territories", headers=auth()).json["items"]
    assert [(t["staff_name"], t["building_id"]) for t in holders] == [("小李", place["building"])]


def test_reassigning_to_the_same_or_an_inactive_member_is_refused(client, auth, make_place, row_counts):
    place = make_place()
    staff = _member(client, auth, place["estate"])
    idle = _member(client, auth, place["estate"], name="离职", active=False)
    territory = _assign(client, auth, staff, place["estate"]).json["id"]
    before = row_counts()
    for target in (staff, idle):
        response = client.post(f"/api/v1/territories/{territory}/reassign", json={"staff_id": target}, headers=auth())
        assert response.status_code == 422
    assert row_counts() == before


def test_an_estates_territories_filtered_whole_estate_first(client, auth, make_place):
    place = make_place()
    first, second = _member(client, auth, place["estate"], "甲"), _member(client, auth, place["estate"], "乙")
    _assign(client, auth, first, place["estate"], place["building"])
    _assign(client, auth, second, place["estate"])
    url = f"/api/v1/estates/{place['estate']}/territories"
    agent = auth("service_desk_agent", [place["estate"]])
    assert [t["staff_name"] for t in client.get(url, headers=agent).json["items"]] == ["乙", "甲"]
    assert [t["staff_name"] for t in client.get(f"{url}?staff_id={first}", headers=agent).json["items"]] == ["甲"]
    by_building = client.get(f"{url}?building_id={place['building']}", headers=agent).json["items"]
    assert [t["staff_name"] for t in by_building] == ["甲"]


def test_territories_of_another_estate_are_not_found(client, auth, make_place):
    mine, theirs = make_place("A"), make_place("B")
    staff = _member(client, auth, theirs["estate"])
    territory = _assign(client, auth, staff, theirs["estate"]).json["id"]
    mine_staff = _member(client, auth, mine["estate"])
    manager = auth("estate_manager", [mine["estate"]])
    assert client.get(f"/api/v1/territories/{territory}", headers=manager).status_code == 404
    assert client.delete(f"/api/v1/territories/{territory}", headers=manager).status_code == 404
    assert client.post(f"/api/v1/territories/{territory}/reassign", json={"staff_id": mine_staff},
                       headers=manager).status_code == 404
    assert client.get(f"/api/v1/estates/{theirs['estate']}/territories", headers=manager).status_code == 404
