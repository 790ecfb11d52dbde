"""Categories (TKT-2): the operator's for every estate, an estate's own, in zh-CN and English."""

from __future__ import annotations


def test_an_estate_adds_its_own_category_and_sees_the_operators(client, auth, place, other_place) -> None:
    manager = auth("estate_manager", [place["estate"]])
    body = {"estate_id": place["estate"], "kind": "inquiry", "code": "parking", "name_zh": "停车", "name_en": "Parking"}
    added = client.post("/api/v1/categories", json=body, headers=manager)
    assert added.status_code == 201 and added.json["active"] is True
    assert client.post("/api/v1/categories", json=body, headers=manager).status_code == 409
    codes = {c["code"] for c in client.get("/api/v1/categories", headers=manager).json}
    assert codes == {"plumbing", "parking"}
    outsider = auth("estate_manager", [other_place["estate"]])
    assert {c["code"] for c in client.get("/api/v1/categories", headers=outsider).json} == {"plumbing"}
    assert client.patch(f"/api/v1/categories/{added.json['id']}", json={"active": False},
                        headers=outsider).status_code == 404
    # A row for every estate needs a caller who sees every estate: the one 422 of servicekit.access.
    assert client.post("/api/v1/categories", json={**body, "estate_id": None}, headers=manager).status_code == 422
    ticket = {"estate_id": place["estate"], "unit_id": place["unit"], "kind": "inquiry", "title": "车位",
              "category": "parking"}
    desk = auth("service_desk_agent", [place["estate"]])
    assert client.post("/api/v1/tickets", json=ticket, headers=desk).status_code == 201
    assert client.patch(f"/api/v1/categories/{added.json['id']}", json={"active": False},
                        headers=manager).json["active"] is False
    assert client.post("/api/v1/tickets", json=ticket, headers=desk).status_code == 422
