"""Every kind of bad input answers a 4xx problem-details body and changes nothing (X-3).

Each case runs against a populated database and compares the row count of every table, the
outbox included, before and after.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from servicekit.auth import issue_token
from servicekit.tokens import generate_keypair

PROBLEM = "application/problem+json"


@pytest.fixture
def world(client, auth, make_place, make_person) -> dict[str, Any]:
    """One estate with a unit, an owner, a staff member with a territory, and a second estate."""
    place = make_place("A")
    other = make_place("B")
    person = make_person(place["estate"], unit=place["units"][0])
    staff = client.post("/api/v1/staff", json={"estate_id": place["estate"], "name": "李", "role": "technician"},
                        headers=auth()).json["id"]
    territory = client.post(f"/api/v1/staff/{staff}/territories", json={"estate_id": place["estate"]},
                            headers=auth()).json["id"]
    return {**place, "person": person["id"], "occupancy": person["occupancies"][0]["id"], "staff": staff,
            "territory": territory, "other": other}


def _assert_refused(response, status: int) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    assert response.json["status"] == status and response.json["title"]


def _writes(w: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """A valid body for every write endpoint, to be spoiled by each case."""
    unit = w["units"][0]
    return [
        ("POST", f"/api/v1/estates/{w['estate']}/buildings", {"code": "9", "name": "9栋"}),
        ("PATCH", f"/api/v1/buildings/{w['building']}", {"name": "x"}),
        ("POST", f"/api/v1/buildings/{w['building']}/units", {"number": "9-901"}),
        ("PATCH", f"/api/v1/units/{unit}", {"floor": 3}),
        ("POST", "/api/v1/people", {"estate_id": w["estate"], "name": "x"}),
        ("PATCH", f"/api/v1/people/{w['person']}", {"name": "x"}),
        ("PUT", f"/api/v1/people/{w['person']}/contact-points", {"contact_points": []}),
        ("POST", f"/api/v1/units/{unit}/occupants", {"person_id": w["person"], "role": "family"}),
        ("POST", f"/api/v1/occupancies/{w['occupancy']}/move-out", {"moved_out_on": "2025-01-01"}),
        ("PUT", f"/api/v1/units/{unit}/contacts", {"person_ids": [w["person"]]}),
        ("POST", "/api/v1/staff", {"estate_id": w["estate"], "name": "x", "role": "technician"}),
        ("PATCH", f"/api/v1/staff/{w['staff']}", {"name": "x"}),
        ("POST", f"/api/v1/staff/{w['staff']}/territories", {"estate_id": w["other"]["estate"]}),
        ("POST", f"/api/v1/territories/{w['territory']}/reassign", {"staff_id": w["staff"]}),
        ("POST", "/api/v1/visitors", {"host_unit_id": unit, "visitor_name": "x", "id_type": "other",
                                      "id_number": "A1234567", "purpose": "x"}),
    ]


def test_malformed_json_is_a_400(client, auth, world, row_counts):
    before = row_counts()
    for method, path, _ in _writes(world):
        response = client.open(path, method=method, data='{"name": "x",', content_type="application/json",
                               headers=auth())
        _assert_refused(response, 400)
    assert row_counts() == before


@pytest.mark.parametrize("spoil", [
    pytest.param(lambda body: {**body, "unexpected": 1}, id="unknown-field"),
    pytest.param(lambda body: {key: 12345 for key in body}, id="wrong-types"),
    pytest.param(lambda body: [body], id="not-an-object"),
])
def test_bodies_that_do_not_match_the_schema_are_a_422(client, auth, world, row_counts, spoil):
    before = row_counts()
    for method, path, body in _writes(world):
        response = client.open(path, method=method, json=spoil(body), headers=auth())
        _assert_refused(response, 422)
        assert response.json["errors"], path
    assert row_counts() == before


def test_a_body_that_is_not_json_is_a_400(client, auth, world, row_counts):
    """A form body, or an empty one, where JSON is expected is a 400 (issue 15; a form body was a 422
    once, read as an empty object)."""
    before = row_counts()
    response = client.post("/api/v1/people", data=f"estate_id={world['estate']}&name=x",
                           content_type="application/x-www-form-urlencoded", headers=auth())
    _assert_refused(response, 400)
    for method, path, _ in _writes(world):
        _assert_refused(client.open(path, method=method, data="", content_type="application/json",
                                    headers=auth()), 400)
    assert row_counts() == before


def test_an_integer_that_is_not_one_is_refused_never_truncated(client, auth, world, row_counts):
    """``"floors": 3.7`` was stored as 3 (marshmallow's Integer is not strict); now a 422 (issue 15)."""
    before = row_counts()
    path = f"/api/v1/estates/{world['estate']}/buildings"
    for floors in (3.7, "3.7", "３", True):
        answer = client.post(path, json={"code": "9", "name": "9栋", "floors": floors}, headers=auth())
        _assert_refused(answer, 422)
        assert list(answer.json["errors"]["json"]) == ["floors"]
    _assert_refused(client.patch(f"/api/v1/units/{world['units'][0]}", json={"floor": 2.5}, headers=auth()), 422)
    assert row_counts() == before
    made = client.post(path, json={"code": "9", "name": "9栋", "floors": 3}, headers=auth())
    assert made.status_code == 201 and made.json["floors"] == 3


def test_an_oversize_body_is_a_413(client, auth, world, row_counts, settings):
    before = row_counts()
    padding = "x" * (settings.max_body_bytes + 1)
    body = json.dumps({"estate_id": world["estate"], "name": "x", "note": padding})
    response = client.post("/api/v1/people", data=body, content_type="application/json", headers=auth())
    _assert_refused(response, 413)
    assert row_counts() == before


@pytest.mark.parametrize("query", ["page_size=0", "page_size=1000", "page=-1", "page=0", "page=two",
                                   "page_size=", "status=gone"])
def test_bad_pagination_and_filters_are_a_422(client, auth, world, query):
    for path in (f"/api/v1/estates/{world['estate']}/buildings", f"/api/v1/units/{world['units'][0]}/occupants",
                 f"/api/v1/visitors?estate_id={world['estate']}", "/api/v1/staff"):
        if query.startswith("status") and "occupants" not in path:
            continue
        joined = f"{path}{'&' if '?' in path else '?'}{query}"
        _assert_refused(client.get(joined, headers=auth()), 422)


def test_another_estates_ids_are_a_404_and_change_nothing(client, auth, world, row_counts):
    manager = auth("estate_manager", [world["other"]["estate"]])
    before = row_counts()
    for method, path, body in _writes(world):
        if path == "/api/v1/people" or path == "/api/v1/staff":
            body = {**body, "estate_id": world["estate"]}
        _assert_refused(client.open(path, method=method, json=body, headers=manager), 404)
    _assert_refused(client.delete(f"/api/v1/territories/{world['territory']}", headers=manager), 404)
    assert row_counts() == before


def test_an_id_that_is_not_a_uuid_is_a_404(client, auth, world):
    _assert_refused(client.get("/api/v1/people/42", headers=auth()), 404)


def _token(private_key: str, **overrides: Any) -> dict[str, str]:
    claims = {"subject": "x", "role": "operator_admin", "estates": ["*"], "issuer": "test-issuer",
              "audience": "estatedesk", **overrides}
    return {"Authorization": f"Bearer {issue_token(private_key, **claims)}"}


def test_missing_expired_forged_or_foreign_tokens_are_a_401(client, keys, world, row_counts):
    before = row_counts()
    forged_key, _ = generate_keypair()
    headers = [
        {},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer not-a-jwt"},
        _token(keys[0], now=int(time.time()) - 7200, ttl_seconds=3600),
        _token(forged_key),
        _token(keys[0], audience="another-system"),
        _token(keys[0], issuer="someone-else"),
    ]
    for header in headers:
        for method, path, body in _writes(world):
            response = client.open(path, method=method, json=body, headers=header)
            _assert_refused(response, 401)
            assert response.headers["WWW-Authenticate"] == "Bearer"
        _assert_refused(client.get(f"/api/v1/people/{world['person']}", headers=header), 401)
    assert row_counts() == before


def test_wrong_roles_are_a_403(client, auth, world, row_counts):
    before = row_counts()
    owner = auth("owner", [world["estate"]])
    technician = auth("technician", [world["estate"]])
    for method, path, body in _writes(world):
        _assert_refused(client.open(path, method=method, json=body, headers=owner), 403)
        _assert_refused(client.open(path, method=method, json=body, headers=technician), 403)
    # An owner reads only themselves: anyone else is not found for them (servicekit.access.only_their_own).
    _assert_refused(client.get(f"/api/v1/people/{world['person']}", headers=owner), 404)
    assert row_counts() == before
