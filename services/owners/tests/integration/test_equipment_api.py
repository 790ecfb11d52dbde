"""The register of common areas and equipment (OWN-10) through the HTTP API on the real PostgreSQL: an
estate's lifts and gates registered with their identifier, place, installer and contractor, changed and
decommissioned, every change an event with the item's whole state; another estate's items not found."""

from __future__ import annotations


def _lift(estate, building=None, identifier="1栋-1号梯", **extra):
    return {"estate_id": estate, "building_id": building, "kind": "lift", "identifier": identifier,
            "name": "1栋1号客梯", "location": "1栋一单元大堂", "installer": "某电梯安装公司",
            "maintenance_contractor": "某电梯维保公司", "installed_on": "2018-06-30", **extra}


def test_registering_changing_and_decommissioning_a_lift(client, auth, make_place, outbox_events):
    place = make_place()
    made = client.post("/api/v1/equipment", json=_lift(place["estate"], place["building"]), headers=auth())
    assert made.status_code == 201, made.json
    item = made.json
    assert (item["kind"], item["identifier"], item["building_id"], item["active"], item["version"]) == (
        "lift", "1栋-1号梯", place["building"], True, 1)
    event = outbox_events()[-1]
    assert event["type"] == "owners.equipment.added.v1" and event["data"] == {
        "estate_id": place["estate"], "equipment_id": item["id"], "building_id": place["building"], "kind": "lift",
        "identifier": "1栋-1号梯", "name": "1栋1号客梯", "location": "1栋一单元大堂", "installer": "某电梯安装公司",
        "maintenance_contractor": "某电梯维保公司", "installed_on": "2018-06-30", "active": True, "version": 1}
    gate_body = {"estate_id": place["estate"], "kind": "gate", "identifier": "北门道闸", "name": "北门车辆道闸"}
    gate = client.post("/api/v1/equipment", json=gate_body, headers=auth()).json
    assert gate["building_id"] is None and gate["maintenance_contractor"] == ""

    changed = client.patch(f"/api/v1/equipment/{item['id']}", json={"maintenance_contractor": "另一家维保公司"},
                           headers=auth())
    assert changed.status_code == 200 and changed.json["version"] == 2
    gone = client.patch(f"/api/v1/equipment/{item['id']}", json={"active": False}, headers=auth()).json
    assert gone["active"] is False
    updates = [e["data"] for e in outbox_events() if e["type"] == "owners.equipment.updated.v1"]
    assert [(u["version"], u["maintenance_contractor"], u["active"]) for u in updates] == [
        (2, "另一家维保公司", True), (3, "另一家维保公司", False)]

    agent = auth("service_desk_agent", [place["estate"]])
    lifts = client.get(f"/api/v1/equipment?estate_id={place['estate']}&kind=lift", headers=agent).json["items"]
    assert [i["id"] for i in lifts] == [item["id"]]
    by_name = client.get("/api/v1/equipment", query_string={"identifier": "北门"}, headers=agent).json["items"]
    assert [i["id"] for i in by_name] == [gate["id"]]
    assert client.get(f"/api/v1/equipment?building_id={place['building']}", headers=agent).json["items"][0][
        "id"] == item["id"]
    assert client.get(f"/api/v1/equipment/{gate['id']}", headers=agent).json["name"] == "北门车辆道闸"


def test_bad_items_are_refused_and_change_nothing(client, auth, make_place, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    client.post("/api/v1/equipment", json=_lift(mine["estate"]), headers=auth())
    before = row_counts()
    cases = [
        (_lift(mine["estate"]), 409),  # the identifier is taken in the estate
        (_lift(mine["estate"], identifier="2号梯", kind="spaceship"), 422),
        (_lift(mine["estate"], identifier=" 前导空格"), 422),
        (_lift(mine["estate"], identifier="2号梯", installed_on="1800-01-01"), 422),
        (_lift(mine["estate"], theirs["building"], identifier="2号梯"), 404),  # another estate's building
    ]
    for body, status in cases:
        answer = client.post("/api/v1/equipment", json=body, headers={**auth(), "Accept-Language": "zh-CN"})
        assert answer.status_code == status, (body, answer.json)
        assert answer.json["detail"]
    assert row_counts() == before


def test_items_of_another_estate_are_not_found(client, auth, make_place, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    item = client.post("/api/v1/equipment", json=_lift(theirs["estate"], theirs["building"]), headers=auth()).json
    manager = auth("estate_manager", [mine["estate"]])
    before = row_counts()
    assert client.get(f"/api/v1/equipment/{item['id']}", headers=manager).status_code == 404
    assert client.patch(f"/api/v1/equipment/{item['id']}", json={"name": "X"}, headers=manager).status_code == 404
    assert client.post("/api/v1/equipment", json=_lift(theirs["estate"]), headers=manager).status_code == 404
    assert client.post("/api/v1/equipment", json=_lift(mine["estate"], theirs["building"]),
                       headers=manager).status_code == 404
    mine_item = client.post("/api/v1/equipment", json=_lift(mine["estate"]), headers=manager).json["id"]
    assert client.patch(f"/api/v1/equipment/{mine_item}", json={"building_id": theirs["building"]},
                        headers=manager).status_code == 404
    assert client.get(f"/api/v1/equipment?estate_id={theirs['estate']}", headers=manager).status_code == 404
    assert client.get(f"/api/v1/equipment?building_id={theirs['building']}", headers=manager).status_code == 404
    assert [i["id"] for i in client.get("/api/v1/equipment", headers=manager).json["items"]] == [mine_item]
    counts = row_counts()
    assert counts["equipment"] == before["equipment"] + 1
