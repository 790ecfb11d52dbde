"""Input a hostile (or careless) client sends answers a 4xx problem and changes nothing: each class
here answered a 500 before (issue 7)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

PROBLEM = "application/problem+json"


@pytest.fixture
def place(make_place):
    return make_place("H")


def _refused(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    return response.json


@pytest.mark.parametrize("mobile", ["12345", "1391234000111", "139****1111", "+1 415 555 0100"])
def test_a_malformed_mobile_on_staff_and_visitors_is_a_422(client, auth, place, row_counts, mobile):
    before = row_counts()
    staff = {"estate_id": place["estate"], "name": "李", "role": "technician", "mobile": mobile}
    errors = _refused(client.post("/api/v1/staff", json=staff, headers=auth()), 422)["errors"]
    assert "mobile" in errors["json"]
    visitor = {"host_unit_id": place["units"][0], "visitor_name": "赵", "visitor_mobile": mobile,
               "id_type": "other", "id_number": "A1234567", "purpose": "探亲"}
    _refused(client.post("/api/v1/visitors", json=visitor, headers=auth()), 422)
    assert row_counts() == before


def test_the_masked_mobile_a_client_read_and_sent_back_is_a_422_that_says_so(client, auth, place):
    created = client.post("/api/v1/staff", json={"estate_id": place["estate"], "name": "李", "role": "technician",
                                                 "mobile": "13900001111"}, headers=auth()).json
    assert created["mobile"] == "139****1111"
    response = client.patch(f"/api/v1/staff/{created['id']}", json={"mobile": created["mobile"]}, headers=auth())
    assert "masked" in json.dumps(_refused(response, 422)["errors"])


@pytest.mark.parametrize("text", ["a\u0000b", "\ud800", "x\udfffy"], ids=["nul", "lone-high-surrogate", "lone-low"])
def test_nul_bytes_and_lone_surrogates_in_a_body_are_a_422(client, auth, place, row_counts, text):
    before = row_counts()
    # json.dumps writes both as \\u escapes, which any JSON parser reads back as these characters.
    for path, body in (("/api/v1/people", {"estate_id": place["estate"], "name": text}),
                       ("/api/v1/estates", {"code": "X1", "name": "x", "address": text}),
                       (f"/api/v1/estates/{place['estate']}/buildings", {"code": "9", "name": "9", text: 1})):
        response = client.post(path, data=json.dumps(body), content_type="application/json", headers=auth())
        _refused(response, 422)
    assert row_counts() == before


def test_a_nul_byte_in_a_query_is_a_422(client, auth, place):
    _refused(client.get("/api/v1/people?q=%00", headers=auth()), 422)
    _refused(client.get(f"/api/v1/staff?estate_id={place['estate']}&role=a%00", headers=auth()), 422)


@pytest.mark.parametrize("role", ["owner", "operator_admin"])
def test_json_nested_a_thousand_deep_is_a_400_whoever_sends_it(client, auth, role):
    body = '{"name": ' + "[" * 1000 + "]" * 1000 + "}"
    _refused(client.post("/api/v1/estates", data=body, content_type="application/json", headers=auth(role)), 400)


def test_an_integer_of_thousands_of_digits_is_a_400(client, auth, place, row_counts):
    before = row_counts()
    body = '{"number": "9-901", "floor": ' + "9" * 5000 + "}"
    response = client.post(f"/api/v1/buildings/{place['building']}/units", data=body,
                           content_type="application/json", headers=auth())
    _refused(response, 400)
    assert row_counts() == before


def test_a_unit_number_longer_than_its_column_is_a_422(client, auth, place, row_counts):
    before = row_counts()
    number = "-".join(["A" * 12] * 3)  # the pattern's shape, 38 characters; the column holds 32
    response = client.post(f"/api/v1/buildings/{place['building']}/units", json={"number": number}, headers=auth())
    assert "number" in _refused(response, 422)["errors"]["json"]
    assert row_counts() == before


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/api/v1/visitors?estate_id={estate}&date=9999-12-31", None),
    ("POST", "/api/v1/units/{unit}/occupants",
     {"person_id": "{person}", "role": "family", "moved_in_on": "9999-12-31"}),
    ("POST", "/api/v1/visitors", {"host_unit_id": "{unit}", "visitor_name": "x", "id_type": "other",
                                  "id_number": "A1234567", "purpose": "x", "time_in": "0001-01-01T00:00:00+14:00"}),
    ("POST", "/api/v1/visitors/{visitor}/check-out", {"time_out": "9999-12-31T23:59:59-12:00"}),
], ids=["visitor-day", "move-in", "time-in", "time-out"])
def test_dates_far_off_are_a_422(client, auth, place, make_person, method, path, body):
    person = make_person(place["estate"], mobile=None)
    visitor = client.post("/api/v1/visitors", json={"host_unit_id": place["units"][0], "visitor_name": "x",
                                                    "id_type": "other", "id_number": "A1234567", "purpose": "x"},
                          headers=auth()).json
    names = {"estate": place["estate"], "unit": place["units"][0], "person": person["id"], "visitor": visitor["id"]}
    text = json.dumps(body) if body is not None else None
    for name, value in names.items():
        path = path.replace("{" + name + "}", value)
        text = text.replace("{" + name + "}", value) if text else text
    response = client.open(path, method=method, data=text, content_type="application/json", headers=auth())
    _refused(response, 422)


def test_a_visitor_checks_out(client, auth, place):
    """On the embedded SQLite default every check-out failed: naive and aware datetimes compared."""
    visitor = client.post("/api/v1/visitors", json={"host_unit_id": place["units"][0], "visitor_name": "x",
                                                    "id_type": "other", "id_number": "A1234567", "purpose": "x",
                                                    "time_in": "2025-05-01T09:00:00+08:00"}, headers=auth()).json
    response = client.post(f"/api/v1/visitors/{visitor['id']}/check-out",
                           json={"time_out": "2025-05-01T10:30:00+08:00"}, headers=auth())
    assert response.status_code == 200, response.json
    assert datetime.fromisoformat(response.json["time_out"]) == datetime(2025, 5, 1, 2, 30, tzinfo=UTC)
    day = client.get(f"/api/v1/visitors?estate_id={place['estate']}&date=2025-05-01", headers=auth()).json
    assert [v["id"] for v in day["items"]] == [visitor["id"]]
    _refused(client.post(f"/api/v1/visitors/{visitor['id']}/check-out", json={}, headers=auth()), 409)


def test_no_full_number_in_a_response_or_a_log_line(client, auth, place, make_person, caplog):
    """A 10-character visitor ID, an e-mail named by a mobile, and mobiles quoted by error messages."""
    caplog.set_level(logging.DEBUG)
    person = make_person(place["estate"], mobile="13912340001",
                         contact_points=[{"kind": "mobile", "value": "13912340001"},
                                         {"kind": "email", "value": "13912340001@139.com"}])
    shown = [json.dumps(person, ensure_ascii=False)]
    visitor = client.post("/api/v1/visitors", json={"host_unit_id": place["units"][0], "visitor_name": "x",
                                                    "id_type": "other", "id_number": "AB12345678", "purpose": "x"},
                          headers=auth())
    shown.append(visitor.get_data(as_text=True))
    assert visitor.json["id_number_masked"].startswith("*")
    for body in ({"kind": "mobile", "value": "139123400011"}, {"kind": "email", "value": "13912340001@"}):
        response = client.put(f"/api/v1/people/{person['id']}/contact-points", json={"contact_points": [body]},
                              headers=auth())
        assert response.status_code == 422
        shown.append(response.get_data(as_text=True))
    shown.append(client.post("/api/v1/staff", json={"estate_id": place["estate"], "name": "李", "role": "technician",
                                                    "mobile": "13912340001-9"}, headers=auth()).get_data(as_text=True))
    shown.append(client.get(f"/api/v1/people/{person['id']}", headers=auth()).get_data(as_text=True))
    shown.append(client.get(f"/api/v1/people?q=13912340001&estate_id={place['estate']}",
                            headers=auth()).get_data(as_text=True))
    logged = [caplog.handler.format(r) for r in caplog.records]
    for text in shown + logged:
        assert "13912340001" not in text and "AB12345678" not in text and "2340001" not in text, text
    assert "139****0001@139.com" in shown[0]


def test_a_nul_byte_in_a_household_file_is_a_bad_row(client, auth, place, row_counts):
    before = row_counts()
    body = "building,unit,role,name,email\n1,101,owner,张伟,a\x00b@example.com\n".encode()
    response = client.post(f"/api/v1/estates/{place['estate']}/household-imports", data=body,
                           content_type="text/csv", headers=auth())
    assert _refused(response, 422)["errors"]["rows"] == [{"line": 2, "errors": {"email": ["contains a NUL character"]}}]
    assert row_counts() == before
