"""Companies (OWN-11) through the HTTP API on the real PostgreSQL: an office tenant occupies units, its
staff are its contacts in order, searching by the company's name finds its units and people, every change
an event with its whole state; another estate's companies, units and people not found or refused."""

from __future__ import annotations


def _company(client, auth, estate, name="深圳示例科技有限公司", **extra):
    answer = client.post("/api/v1/companies", json={"estate_id": estate, "name": name, **extra}, headers=auth())
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_company_occupies_units_with_its_staff_as_contacts_in_order(client, auth, make_place, make_person,
                                                                      outbox_events):
    place = make_place(units=("1-801", "1-802", "1-803"))
    manager, reception = make_person(place["estate"], "赵经理"), make_person(place["estate"], "钱前台", mobile=None)
    made = _company(client, auth, place["estate"], unit_ids=place["units"][:2], contacts=[
        {"person_id": manager["id"], "title": "行政经理"}, {"person_id": reception["id"], "title": "前台"}])
    assert [u["number"] for u in made["units"]] == ["1-801", "1-802"]
    assert [(c["position"], c["name"], c["title"]) for c in made["contacts"]] == [(1, "赵经理", "行政经理"),
                                                                                    (2, "钱前台", "前台")]
    event = outbox_events()[-1]
    assert event["type"] == "owners.company.added.v1"
    assert event["data"]["contacts"] == [{"position": 1, "person_id": manager["id"], "title": "行政经理"},
                                         {"position": 2, "person_id": reception["id"], "title": "前台"}]
    assert event["data"]["unit_ids"] == sorted(place["units"][:2])

    moved = client.patch(f"/api/v1/companies/{made['id']}", json={
        "unit_ids": [place["units"][2]], "contacts": [{"person_id": reception["id"]}, {"person_id": manager["id"]}]},
        headers=auth())
    assert moved.status_code == 200, moved.json
    assert [u["number"] for u in moved.json["units"]] == ["1-803"] and moved.json["version"] == 2
    assert [c["name"] for c in moved.json["contacts"]] == ["钱前台", "赵经理"]
    same = client.patch(f"/api/v1/companies/{made['id']}", json={"unit_ids": [place["units"][2]]}, headers=auth())
    assert same.json["version"] == 2  # nothing changed: no event
    assert [e["type"] for e in outbox_events()].count("owners.company.updated.v1") == 1


def test_searching_by_company_name_finds_its_units_and_people(client, auth, make_place, make_person):
    place = make_place(units=("1-801", "1-802"))
    person = make_person(place["estate"], "孙主任")
    _company(client, auth, place["estate"], "深圳示例科技有限公司", unit_ids=[place["units"][0]],
             contacts=[{"person_id": person["id"]}])
    _company(client, auth, place["estate"], "深圳另一家贸易有限公司", unit_ids=[place["units"][1]])
    _company(client, auth, place["estate"], "广州示例有限公司")
    desk = auth("service_desk_agent", [place["estate"]])
    found = client.get("/api/v1/companies", query_string={"q": "深圳示例"}, headers=desk).json["items"]
    assert [(c["name"], [u["number"] for u in c["units"]], [p["name"] for p in c["contacts"]]) for c in found] == [
        ("深圳示例科技有限公司", ["1-801"], ["孙主任"])]
    assert len(client.get("/api/v1/companies", query_string={"q": "深圳"}, headers=desk).json["items"]) == 2
    by_unit = client.get("/api/v1/companies", query_string={"unit_id": place["units"][1]}, headers=desk).json
    assert [c["name"] for c in by_unit["items"]] == ["深圳另一家贸易有限公司"]
    by_person = client.get("/api/v1/companies", query_string={"person_id": person["id"]}, headers=desk).json
    assert [c["name"] for c in by_person["items"]] == ["深圳示例科技有限公司"]
    assert client.get("/api/v1/companies", query_string={"q": "%"}, headers=desk).json["items"] == []


def test_bad_companies_are_refused_and_change_nothing(client, auth, make_place, make_person, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    person = make_person(mine["estate"])
    stranger = make_person(theirs["estate"], "外人")
    _company(client, auth, mine["estate"], "甲公司")
    before = row_counts()
    cases = [
        ({"name": "甲公司"}, 409),
        ({"name": "乙公司", "unit_ids": theirs["units"]}, 422),
        ({"name": "乙公司", "contacts": [{"person_id": stranger["id"]}]}, 422),
        ({"name": "乙公司", "contacts": [{"person_id": person["id"]}, {"person_id": person["id"]}]}, 422),
        ({"name": "乙公司", "credit_code": "123"}, 422),
        ({"name": ""}, 422),
    ]
    for body, status in cases:
        answer = client.post("/api/v1/companies", json={"estate_id": mine["estate"], **body},
                             headers={**auth(), "Accept-Language": "zh-CN"})
        assert answer.status_code == status, (body, answer.json)
        assert answer.json["detail"]
    assert row_counts() == before


def test_companies_of_another_estate_are_not_found(client, auth, make_place, make_person, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    their_person = make_person(theirs["estate"], "外人")
    company = _company(client, auth, theirs["estate"], unit_ids=theirs["units"])
    desk = auth("service_desk_agent", [mine["estate"]])
    before = row_counts()
    assert client.get(f"/api/v1/companies/{company['id']}", headers=desk).status_code == 404
    assert client.patch(f"/api/v1/companies/{company['id']}", json={"note": "x"}, headers=desk).status_code == 404
    assert client.post("/api/v1/companies", json={"estate_id": theirs["estate"], "name": "X"},
                       headers=desk).status_code == 404
    assert client.get(f"/api/v1/companies?estate_id={theirs['estate']}", headers=desk).status_code == 404
    assert client.get(f"/api/v1/companies?unit_id={theirs['units'][0]}", headers=desk).status_code == 404
    assert client.get(f"/api/v1/companies?person_id={their_person['id']}", headers=desk).status_code == 404
    assert client.get("/api/v1/companies", query_string={"q": "深圳"}, headers=desk).json["items"] == []
    assert row_counts() == before
