"""Contact persons of a unit through the HTTP API on the real PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select
from tenancy.permissions import REVEAL_PERSONAL_DATA

from owners.tables import pii_reveals


def _household(make_place, make_person, code="SUN"):
    place = make_place(code)
    unit = place["units"][0]
    owner = make_person(place["estate"], name="业主", unit=unit, mobile="13800000001")
    spouse = make_person(place["estate"], name="配偶", unit=unit, role="family", mobile="13800000002")
    return place, unit, owner, spouse


def test_setting_and_reading_the_contact_order(client, auth, make_place, make_person, outbox_events):
    place, unit, owner, spouse = _household(make_place, make_person)
    response = client.put(f"/api/v1/units/{unit}/contacts", json={"person_ids": [spouse["id"], owner["id"]]},
                          headers=auth("service_desk_agent", [place["estate"]]))
    assert response.status_code == 200
    assert [(c["position"], c["name"], c["value"]) for c in response.json["contacts"]] == [
        (1, "配偶", "138****0002"), (2, "业主", "138****0001")]
    event = outbox_events()[-1]
    assert event["type"] == "owners.unit.contacts_changed.v1"
    assert event["data"]["contacts"] == [{"position": 1, "person_id": spouse["id"]},
                                         {"position": 2, "person_id": owner["id"]}]
    shown = client.get(f"/api/v1/units/{unit}/contacts", headers=auth("technician", [place["estate"]])).json
    assert [c["person_id"] for c in shown["contacts"]] == [spouse["id"], owner["id"]]


def test_a_non_occupant_or_a_duplicate_is_refused_and_changes_nothing(client, auth, make_place, make_person,
                                                                     row_counts):
    place, unit, owner, spouse = _household(make_place, make_person)
    neighbour = make_person(place["estate"], name="邻居", mobile="13800000003")
    before = row_counts()
    response = client.put(f"/api/v1/units/{unit}/contacts", json={"person_ids": [owner["id"], neighbour["id"]]},
                          headers=auth())
    assert response.status_code == 422
    assert response.json["errors"] == {"person_ids": {"1": ["not a current occupant or owner of this unit"]}}
    twice = client.put(f"/api/v1/units/{unit}/contacts", json={"person_ids": [owner["id"], owner["id"]]},
                       headers=auth())
    assert twice.status_code == 422
    assert row_counts() == before


def test_a_person_of_another_estate_is_refused(client, auth, make_place, make_person, row_counts):
    place, unit, owner, _ = _household(make_place, make_person)
    _, _, stranger, _ = _household(make_place, make_person, code="OTHER")
    before = row_counts()
    response = client.put(f"/api/v1/units/{unit}/contacts", json={"person_ids": [stranger["id"]]}, headers=auth())
    assert response.status_code == 422
    assert row_counts() == before


def test_moving_out_removes_the_person_from_the_contacts(client, auth, make_place, make_person, outbox_events):
    place, unit, owner, spouse = _household(make_place, make_person)
    client.put(f"/api/v1/units/{unit}/contacts", json={"person_ids": [owner["id"], spouse["id"]]}, headers=auth())
    client.post(f"/api/v1/occupancies/{owner['occupancies'][0]['id']}/move-out", json={"moved_out_on": "2025-01-01"},
                headers=auth())
    assert [e["type"] for e in outbox_events()[-2:]] == ["owners.occupant.moved_out.v1",
                                                         "owners.unit.contacts_changed.v1"]
    shown = client.get(f"/api/v1/units/{unit}/contacts", headers=auth()).json["contacts"]
    assert [(c["position"], c["person_id"]) for c in shown] == [(1, spouse["id"])]


def test_revealing_the_contacts_numbers_is_audited_per_person(client, auth, make_place, make_person, db):
    place, unit, owner, spouse = _household(make_place, make_person)
    client.put(f"/api/v1/units/{unit}/contacts", json={"person_ids": [owner["id"], spouse["id"]]}, headers=auth())
    assert client.get(f"/api/v1/units/{unit}/contacts?reveal=true", headers=auth()).status_code == 403
    revealer = auth("service_desk_agent", [place["estate"]], perms=[REVEAL_PERSONAL_DATA])
    shown = client.get(f"/api/v1/units/{unit}/contacts?reveal=true", headers=revealer).json["contacts"]
    assert [c["value"] for c in shown] == ["13800000001", "13800000002"]
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(pii_reveals)).scalar_one() == 2


def test_contacts_of_another_estates_unit_are_not_found(client, auth, make_place, make_person):
    mine = make_place("A")
    _, unit, owner, _ = _household(make_place, make_person, code="B")
    desk = auth("service_desk_agent", [mine["estate"]])
    assert client.get(f"/api/v1/units/{unit}/contacts", headers=desk).status_code == 404
    assert client.put(f"/api/v1/units/{unit}/contacts", json={"person_ids": [owner["id"]]},
                      headers=desk).status_code == 404
