"""Buildings of an estate through the HTTP API on the real PostgreSQL."""

from __future__ import annotations


def _estate(client, auth, code="SUN") -> str:
    return client.post("/api/v1/estates", json={"code": code, "name": code}, headers=auth()).json["id"]


def test_adding_a_building_answers_it_and_records_its_event(client, auth, outbox_events):
    estate = _estate(client, auth)
    response = client.post(f"/api/v1/estates/{estate}/buildings", json={"code": "2", "name": "2栋", "floors": 18},
                           headers=auth("estate_manager", [estate]))
    assert response.status_code == 201
    assert response.json["estate_id"] == estate and response.json["floors"] == 18
    event = outbox_events()[-1]
    assert event["type"] == "owners.building.added.v1"
    assert event["data"] == {"estate_id": estate, "building_id": response.json["id"], "code": "2", "name": "2栋",
                             "floors": 18, "version": 1}


def test_a_taken_code_is_a_conflict_in_the_same_estate_only(client, auth, row_counts):
    first, second = _estate(client, auth, "A"), _estate(client, auth, "B")
    client.post(f"/api/v1/estates/{first}/buildings", json={"code": "1", "name": "1栋"}, headers=auth())
    before = row_counts()
    response = client.post(f"/api/v1/estates/{first}/buildings", json={"code": "1", "name": "again"}, headers=auth())
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert row_counts() == before
    assert client.post(f"/api/v1/estates/{second}/buildings", json={"code": "1", "name": "1栋"},
                       headers=auth()).status_code == 201


def test_listing_and_getting_buildings(client, auth):
    estate = _estate(client, auth)
    for code in ("3", "1", "2"):
        client.post(f"/api/v1/estates/{estate}/buildings", json={"code": code, "name": f"{code}栋"}, headers=auth())
    agent = auth("service_desk_agent", [estate])
    page = client.get(f"/api/v1/estates/{estate}/buildings?page_size=2", headers=agent).json
    assert [b["code"] for b in page["items"]] == ["1", "2"] and page["has_more"] is True
    building = page["items"][0]
    assert client.get(f"/api/v1/buildings/{building['id']}", headers=agent).json["name"] == "1栋"


def test_patching_a_building_records_the_change_and_an_empty_patch_records_nothing(client, auth, outbox_events):
    estate = _estate(client, auth)
    building = client.post(f"/api/v1/estates/{estate}/buildings", json={"code": "1", "name": "1栋"},
                           headers=auth()).json["id"]
    response = client.patch(f"/api/v1/buildings/{building}", json={"name": "一号楼", "floors": 33}, headers=auth())
    assert response.status_code == 200 and response.json["name"] == "一号楼" and response.json["floors"] == 33
    assert outbox_events()[-1]["type"] == "owners.building.updated.v1"
    count = len(outbox_events())
    assert client.patch(f"/api/v1/buildings/{building}", json={"name": "一号楼"}, headers=auth()).status_code == 200
    assert len(outbox_events()) == count


def test_lowering_floors_below_a_unit_is_a_conflict(client, auth, make_place):
    place = make_place(floors=30)
    client.patch(f"/api/v1/units/{place['units'][0]}", json={"floor": 20}, headers=auth())
    response = client.patch(f"/api/v1/buildings/{place['building']}", json={"floors": 10}, headers=auth())
    assert response.status_code == 409
    assert client.get(f"/api/v1/buildings/{place['building']}", headers=auth()).json["floors"] == 30


def test_renaming_to_a_taken_code_is_a_conflict(client, auth):
    estate = _estate(client, auth)
    client.post(f"/api/v1/estates/{estate}/buildings", json={"code": "1", "name": "1栋"}, headers=auth())
    other = client.post(f"/api/v1/estates/{estate}/buildings", json={"code": "2", "name": "2栋"}, headers=auth())
    assert client.patch(f"/api/v1/buildings/{other.json['id']}", json={"code": "1"}, headers=auth()).status_code == 409


def test_buildings_of_another_estate_are_not_found(client, auth, make_place):
    mine, theirs = make_place("A"), make_place("B")
    manager = auth("estate_manager", [mine["estate"]])
    assert client.get(f"/api/v1/buildings/{theirs['building']}", headers=manager).status_code == 404
    assert client.get(f"/api/v1/estates/{theirs['estate']}/buildings", headers=manager).status_code == 404
    patched = client.patch(f"/api/v1/buildings/{theirs['building']}", json={"name": "x"}, headers=manager)
    assert patched.status_code == 404
    response = client.post(f"/api/v1/estates/{theirs['estate']}/buildings", json={"code": "9", "name": "9"},
                           headers=manager)
    assert response.status_code == 404


def test_desk_agents_read_but_do_not_add_buildings(client, auth):
    estate = _estate(client, auth)
    agent = auth("service_desk_agent", [estate])
    assert client.post(f"/api/v1/estates/{estate}/buildings", json={"code": "1", "name": "1"},
                       headers=agent).status_code == 403
    assert client.get(f"/api/v1/estates/{estate}/buildings", headers=agent).status_code == 200
    assert client.get(f"/api/v1/estates/{estate}/buildings", headers=auth("owner", [estate])).status_code == 403
