"""Moving in and out through the HTTP API on the real PostgreSQL."""

from __future__ import annotations


def _move_in(client, auth, unit, person, role="tenant", on="2024-05-01"):
    return client.post(f"/api/v1/units/{unit}/occupants", json={"person_id": person, "role": role, "moved_in_on": on},
                       headers=auth())


def test_a_unit_has_several_occupants_current_and_past(client, auth, make_place, make_person, outbox_events):
    place = make_place()
    unit = place["units"][0]
    owner = make_person(place["estate"], name="业主", unit=unit)
    tenant = make_person(place["estate"], name="租户", mobile="13900001111")
    response = _move_in(client, auth, unit, tenant["id"])
    assert response.status_code == 201
    assert (response.json["person_id"], response.json["role"], response.json["moved_out_on"]) == (
        tenant["id"], "tenant", None)
    event = outbox_events()[-1]
    assert event["type"] == "owners.occupant.moved_in.v1" and event["subject"] == response.json["id"]
    out = client.post(f"/api/v1/occupancies/{owner['occupancies'][0]['id']}/move-out",
                      json={"moved_out_on": "2024-06-30"}, headers=auth())
    assert out.status_code == 200 and out.json["moved_out_on"] == "2024-06-30"
    agent = auth("service_desk_agent", [place["estate"]])
    everyone = client.get(f"/api/v1/units/{unit}/occupants", headers=agent).json["items"]
    assert [(o["person_name"], o["moved_out_on"]) for o in everyone] == [("租户", None), ("业主", "2024-06-30")]
    current = client.get(f"/api/v1/units/{unit}/occupants?status=current", headers=agent).json["items"]
    past = client.get(f"/api/v1/units/{unit}/occupants?status=past", headers=agent).json["items"]
    assert [o["person_name"] for o in current] == ["租户"] and [o["person_name"] for o in past] == ["业主"]
    assert client.get(f"/api/v1/occupancies/{response.json['id']}", headers=agent).json["role"] == "tenant"


def test_moving_out_records_the_event_once_and_twice_is_a_conflict(client, auth, make_place, make_person,
                                                                   outbox_events, row_counts):
    place = make_place()
    person = make_person(place["estate"], unit=place["units"][0])
    occupancy = person["occupancies"][0]["id"]
    assert client.post(f"/api/v1/occupancies/{occupancy}/move-out", json={"moved_out_on": "2024-12-31"},
                       headers=auth()).status_code == 200
    event = outbox_events()[-1]
    assert event["type"] == "owners.occupant.moved_out.v1"
    assert event["data"]["moved_out_on"] == "2024-12-31" and event["data"]["moved_in_on"] == "2024-03-01"
    before = row_counts()
    again = client.post(f"/api/v1/occupancies/{occupancy}/move-out", json={"moved_out_on": "2025-01-01"},
                        headers=auth())
    assert again.status_code == 409
    assert row_counts() == before


def test_moving_out_before_moving_in_is_refused(client, auth, make_place, make_person, row_counts):
    place = make_place()
    person = make_person(place["estate"], unit=place["units"][0])  # moved in 2024-03-01
    before = row_counts()
    response = client.post(f"/api/v1/occupancies/{person['occupancies'][0]['id']}/move-out",
                           json={"moved_out_on": "2024-02-29"}, headers=auth())
    assert response.status_code == 422
    assert response.json["errors"] == {"moved_out_on": ["must be on or after 2024-03-01"]}
    assert row_counts() == before
    same_day = client.post(f"/api/v1/occupancies/{person['occupancies'][0]['id']}/move-out",
                           json={"moved_out_on": "2024-03-01"}, headers=auth())
    assert same_day.status_code == 200


def test_moving_in_twice_while_living_there_is_a_conflict_but_after_moving_out_is_fine(
        client, auth, make_place, make_person):
    place = make_place()
    unit = place["units"][0]
    person = make_person(place["estate"], unit=unit)
    assert _move_in(client, auth, unit, person["id"], role="owner").status_code == 409
    client.post(f"/api/v1/occupancies/{person['occupancies'][0]['id']}/move-out", json={"moved_out_on": "2024-06-01"},
                headers=auth())
    assert _move_in(client, auth, unit, person["id"], role="tenant", on="2025-01-01").status_code == 201


def test_a_person_of_another_estate_cannot_move_in(client, auth, make_place, make_person, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    stranger = make_person(theirs["estate"])
    before = row_counts()
    response = _move_in(client, auth, mine["units"][0], stranger["id"])
    assert response.status_code == 404
    assert row_counts() == before


def test_occupancy_of_another_estate_is_not_found(client, auth, make_place, make_person):
    mine, theirs = make_place("A"), make_place("B")
    person = make_person(theirs["estate"], unit=theirs["units"][0])
    desk = auth("service_desk_agent", [mine["estate"]])
    occupancy = person["occupancies"][0]["id"]
    assert client.get(f"/api/v1/occupancies/{occupancy}", headers=desk).status_code == 404
    assert client.post(f"/api/v1/occupancies/{occupancy}/move-out", json={}, headers=desk).status_code == 404
    assert client.get(f"/api/v1/units/{theirs['units'][0]}/occupants", headers=desk).status_code == 404
    assert client.post(f"/api/v1/units/{theirs['units'][0]}/occupants",
                       json={"person_id": person["id"], "role": "tenant"}, headers=desk).status_code == 404
