"""People (owners and occupants) through the HTTP API on the real PostgreSQL."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from tenancy.permissions import REVEAL_PERSONAL_DATA

from owners.tables import contact_points, pii_reveals
from owners.tables import staff as staff_table


def test_creating_an_owner_with_a_unit_writes_person_contacts_occupancy_and_two_events(
        client, auth, make_place, outbox_events, db):
    place = make_place()
    body = {"estate_id": place["estate"], "name": "张伟", "language": "zh-CN",
            "contact_points": [{"kind": "mobile", "value": "+86 138-1234-5678", "label": "本人"},
                               {"kind": "email", "value": "Zhang.Wei@Example.com"}],
            "occupancy": {"unit_id": place["units"][0], "role": "owner", "moved_in_on": "2024-03-01"}}
    response = client.post("/api/v1/people", json=body, headers=auth("service_desk_agent", [place["estate"]]))
    assert response.status_code == 201
    person = response.json
    assert person["preferred_channel"] == "sms"  # from the preferred (first) contact point, a mobile
    assert [(c["kind"], c["value"], c["preferred"]) for c in person["contact_points"]] == [
        ("mobile", "138****5678", True), ("email", "zhang.wei@example.com", False)]
    assert [(o["unit_id"], o["role"], o["moved_in_on"]) for o in person["occupancies"]] == [
        (place["units"][0], "owner", "2024-03-01")]
    registered, moved_in = outbox_events()[-2:]
    assert registered["type"] == "owners.person.registered.v1" and registered["subject"] == person["id"]
    assert registered["data"]["contact_points"][0]["value"] == "13812345678"  # notify needs the full number
    assert moved_in["type"] == "owners.occupant.moved_in.v1"
    assert moved_in["data"]["person_id"] == person["id"] and moved_in["data"]["role"] == "owner"
    with db.connect() as conn:
        stored = conn.execute(select(contact_points.c.value, contact_points.c.last4)
                              .where(contact_points.c.kind == "mobile")).one()
    assert tuple(stored) == ("13812345678", "5678")


def test_a_person_without_a_unit_or_contact_points_is_reachable_in_the_app(client, auth, make_place):
    place = make_place()
    response = client.post("/api/v1/people", json={"estate_id": place["estate"], "name": "Li Na", "language": "en"},
                           headers=auth())
    assert response.status_code == 201
    assert response.json["preferred_channel"] == "app" and response.json["occupancies"] == []


def test_a_unit_of_another_estate_in_the_body_is_not_found_and_changes_nothing(client, auth, make_place, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    before = row_counts()
    response = client.post("/api/v1/people", json={
        "estate_id": mine["estate"], "name": "王芳",
        "occupancy": {"unit_id": theirs["units"][0], "role": "tenant"}}, headers=auth())
    assert response.status_code == 404
    assert response.json["errors"] == {"occupancy": {"unit_id": ["no such unit in this estate"]}}
    assert row_counts() == before


def test_registering_in_an_estate_out_of_scope_or_missing_is_not_found(client, auth, make_place, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    before = row_counts()
    desk = auth("service_desk_agent", [mine["estate"]])
    response = client.post("/api/v1/people", json={"estate_id": theirs["estate"], "name": "x"}, headers=desk)
    assert response.status_code == 404
    missing = "00000000-0000-4000-8000-000000000000"
    assert client.post("/api/v1/people", json={"estate_id": missing, "name": "x"}, headers=auth()).status_code == 404
    assert row_counts() == before


def test_contact_point_rules_answer_422_with_field_errors(client, auth, make_place, row_counts):
    place = make_place()
    before = row_counts()
    cases = [
        ([{"kind": "mobile", "value": "12345"}], "contact_points"),
        ([{"kind": "mobile", "value": "13812345678", "preferred": True},
          {"kind": "email", "value": "a@b.cn", "preferred": True}], "contact_points"),
        ([{"kind": "mobile", "value": "13812345678"}, {"kind": "mobile", "value": "138 1234 5678"}], "contact_points"),
    ]
    for points, field in cases:
        response = client.post("/api/v1/people", json={"estate_id": place["estate"], "name": "x",
                                                       "contact_points": points}, headers=auth())
        assert response.status_code == 422, points
        assert field in response.json["errors"]
    response = client.post("/api/v1/people", json={
        "estate_id": place["estate"], "name": "x", "preferred_channel": "email",
        "contact_points": [{"kind": "mobile", "value": "13812345678"}]}, headers=auth())
    assert response.status_code == 422 and "preferred_channel" in response.json["errors"]
    assert row_counts() == before


def test_getting_a_person_masks_numbers_and_reveals_them_only_with_permission_and_audit(
        client, auth, make_place, make_person, db):
    place = make_place()
    person = make_person(place["estate"], unit=place["units"][0])
    agent = auth("service_desk_agent", [place["estate"]])
    shown = client.get(f"/api/v1/people/{person['id']}", headers=agent).json
    assert shown["contact_points"][0]["value"] == "138****5678"
    assert len(shown["occupancies"]) == 1
    assert client.get(f"/api/v1/people/{person['id']}?reveal=true", headers=agent).status_code == 403
    revealer = auth("service_desk_agent", [place["estate"]], perms=[REVEAL_PERSONAL_DATA])
    assert client.get(f"/api/v1/people/{person['id']}", headers=revealer).json["contact_points"][0]["value"] == \
        "138****5678"
    revealed = client.get(f"/api/v1/people/{person['id']}?reveal=true", headers=revealer).json
    assert revealed["contact_points"][0]["value"] == "13812345678"
    with db.connect() as conn:
        audit = conn.execute(select(pii_reveals)).mappings().all()
    assert [(str(a["person_id"]), str(a["estate_id"]), a["subject"]) for a in audit] == [
        (person["id"], place["estate"], "test-service_desk_agent")]


def test_patching_a_person_records_person_updated(client, auth, make_place, make_person, outbox_events):
    place = make_place()
    person = make_person(place["estate"])
    response = client.patch(f"/api/v1/people/{person['id']}", json={"name": "张伟伟", "language": "en",
                                                                  "preferred_channel": "phone"}, headers=auth())
    assert response.status_code == 200
    assert (response.json["name"], response.json["language"], response.json["preferred_channel"]) == (
        "张伟伟", "en", "phone")
    event = outbox_events()[-1]
    assert event["type"] == "owners.person.updated.v1" and event["data"]["name"] == "张伟伟"
    unreachable = client.patch(f"/api/v1/people/{person['id']}", json={"preferred_channel": "email"}, headers=auth())
    assert unreachable.status_code == 422


def test_replacing_contact_points(client, auth, make_place, make_person, outbox_events, db):
    place = make_place()
    person = make_person(place["estate"])
    points = [{"kind": "email", "value": "li@example.com"},
              {"kind": "mobile", "value": "13900001111", "preferred": True, "label": "工作"}]
    response = client.put(f"/api/v1/people/{person['id']}/contact-points", json={"contact_points": points},
                          headers=auth())
    assert response.status_code == 200
    assert {(c["kind"], c["value"], c["preferred"]) for c in response.json["contact_points"]} == {
        ("email", "li@example.com", False), ("mobile", "139****1111", True)}
    event = outbox_events()[-1]
    assert event["type"] == "owners.person.contact_points_changed.v1"
    assert {c["value"] for c in event["data"]["contact_points"]} == {"li@example.com", "13900001111"}
    with db.connect() as conn:
        assert sorted(conn.execute(select(contact_points.c.value)).scalars()) == ["13900001111", "li@example.com"]


def test_removing_the_only_mobile_of_an_sms_person_is_refused(client, auth, make_place, make_person, row_counts):
    place = make_place()
    person = make_person(place["estate"])
    before = row_counts()
    response = client.put(f"/api/v1/people/{person['id']}/contact-points",
                          json={"contact_points": [{"kind": "email", "value": "a@b.cn"}]}, headers=auth())
    assert response.status_code == 422
    assert row_counts() == before


def test_people_of_another_estate_are_not_found(client, auth, make_place, make_person):
    mine, theirs = make_place("A"), make_place("B")
    person = make_person(theirs["estate"])
    desk = auth("service_desk_agent", [mine["estate"]])
    assert client.get(f"/api/v1/people/{person['id']}", headers=desk).status_code == 404
    assert client.patch(f"/api/v1/people/{person['id']}", json={"name": "x"}, headers=desk).status_code == 404
    assert client.put(f"/api/v1/people/{person['id']}/contact-points", json={"contact_points": []},
                      headers=desk).status_code == 404


def test_technicians_read_people_but_do_not_register_them(client, auth, make_place, make_person):
    place = make_place()
    person = make_person(place["estate"])
    technician = auth("technician", [place["estate"]])
    assert client.get(f"/api/v1/people/{person['id']}", headers=technician).status_code == 200
    assert client.post("/api/v1/people", json={"estate_id": place["estate"], "name": "x"},
                       headers=technician).status_code == 403
    # An owner reads themselves (their token's person) only: anyone else is 404, as no such person.
    assert client.get(f"/api/v1/people/{person['id']}", headers=auth("owner", [place["estate"]])).status_code == 404
    themselves = client.get(f"/api/v1/people/{person['id']}", headers=auth("owner", [place["estate"]],
                                                                             subject=person["id"]))
    assert themselves.status_code == 200 and themselves.json["note"] is None


def test_database_errors_are_logged_without_their_parameters(app):
    # An unexpected database error is logged with its statement; its parameters (phone numbers)
    # must not be in it.
    engine = app.extensions["servicekit.sessions"].kw["bind"]
    assert engine.hide_parameters is True


def test_a_mobile_in_full_width_or_other_unicode_digits_is_stored_as_ascii_digits(client, auth, make_place, db):
    """``\\d`` took full-width digits and they were stored as given, a number no SMS provider takes
    (issue 15): they are written as ASCII, anywhere a mobile number is taken, or the search finds them."""
    place = make_place()
    desk = auth("service_desk_agent", [place["estate"]])
    body = {"estate_id": place["estate"], "name": "张伟",
            "contact_points": [{"kind": "mobile", "value": "１３８ １２３４ ５６７８"}]}
    assert client.post("/api/v1/people", json=body, headers=desk).status_code == 201
    staff = client.post("/api/v1/staff", json={"estate_id": place["estate"], "name": "李", "role": "technician",
                                               "mobile": "١٣٩١٢٣٤٥٦٧٨"}, headers=auth())
    assert staff.status_code == 201
    with db.connect() as conn:
        stored = conn.execute(select(contact_points.c.value, contact_points.c.last4)).one()
        staff_id = uuid.UUID(staff.json["id"])
        staff_mobile = conn.execute(select(staff_table.c.mobile).where(staff_table.c.id == staff_id)).scalar()
    assert tuple(stored) == ("13812345678", "5678") and staff_mobile == "13912345678"
    found = client.get(f"/api/v1/people?estate_id={place['estate']}&phone=５６７８", headers=desk)
    assert [p["name"] for p in found.json["items"]] == ["张伟"]
