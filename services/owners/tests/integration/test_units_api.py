"""Units of a building through the HTTP API on the real PostgreSQL."""

from __future__ import annotations


def test_adding_a_unit_answers_it_and_records_its_event(client, auth, make_place, outbox_events):
    place = make_place(units=())
    response = client.post(f"/api/v1/buildings/{place['building']}/units",
                           json={"number": "2-1202", "floor": 12, "area_m2": "89.5"}, headers=auth())
    assert response.status_code == 201
    assert response.json["number"] == "2-1202" and response.json["area_m2"] == "89.50"
    assert response.json["estate_id"] == place["estate"] and response.json["building_id"] == place["building"]
    event = outbox_events()[-1]
    assert event["type"] == "owners.unit.added.v1"
    assert event["data"] == {"estate_id": place["estate"], "building_id": place["building"],
                             "unit_id": response.json["id"], "number": "2-1202", "floor": 12, "area_m2": "89.50",
                             "version": 1}


def test_a_taken_number_is_a_conflict_and_changes_nothing(client, auth, make_place, row_counts):
    place = make_place(units=("2-1202",))
    before = row_counts()
    response = client.post(f"/api/v1/buildings/{place['building']}/units", json={"number": "2-1202"}, headers=auth())
    assert response.status_code == 409
    assert row_counts() == before


def test_a_unit_above_the_top_floor_is_refused(client, auth, make_place, row_counts):
    place = make_place(units=(), floors=18)
    before = row_counts()
    response = client.post(f"/api/v1/buildings/{place['building']}/units", json={"number": "1901", "floor": 19},
                           headers=auth())
    assert response.status_code == 422
    assert response.json["errors"] == {"floor": ["must be at most 18"]}
    assert row_counts() == before


def test_a_malformed_unit_number_is_refused(client, auth, make_place):
    place = make_place(units=())
    for number in ("", "2--1202", "2 1202", "楼-1"):
        response = client.post(f"/api/v1/buildings/{place['building']}/units", json={"number": number}, headers=auth())
        assert response.status_code == 422, number
        assert "number" in response.json["errors"]["json"]


def test_listing_getting_and_patching_units(client, auth, make_place, outbox_events):
    place = make_place(units=("1-302", "1-101", "1-201"))
    agent = auth("service_desk_agent", [place["estate"]])
    listed = client.get(f"/api/v1/buildings/{place['building']}/units", headers=agent).json["items"]
    assert [u["number"] for u in listed] == ["1-101", "1-201", "1-302"]
    unit = listed[0]["id"]
    assert client.get(f"/api/v1/units/{unit}", headers=agent).json["number"] == "1-101"
    response = client.patch(f"/api/v1/units/{unit}", json={"floor": 1, "area_m2": 120}, headers=auth())
    assert response.status_code == 200 and response.json["floor"] == 1 and response.json["area_m2"] == "120.00"
    assert outbox_events()[-1]["type"] == "owners.unit.updated.v1"
    assert client.patch(f"/api/v1/units/{unit}", json={"number": "1-201"}, headers=auth()).status_code == 409


def test_units_of_another_estate_are_not_found(client, auth, make_place):
    mine, theirs = make_place("A"), make_place("B")
    manager = auth("estate_manager", [mine["estate"]])
    assert client.get(f"/api/v1/units/{theirs['units'][0]}", headers=manager).status_code == 404
    assert client.get(f"/api/v1/buildings/{theirs['building']}/units", headers=manager).status_code == 404
    assert client.post(f"/api/v1/buildings/{theirs['building']}/units", json={"number": "9"},
                       headers=manager).status_code == 404
    assert client.patch(f"/api/v1/units/{theirs['units'][0]}", json={"floor": 2}, headers=manager).status_code == 404
