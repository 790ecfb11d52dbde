"""Prospects (OWN-7) through the HTTP API on the real PostgreSQL: a lead assigned to staff with a
follow-up date, activities logged, moved along the pipeline (each move logged), lost with a reason, or
converted into an owner of a unit with its history kept; another estate's prospects not found."""

from __future__ import annotations


def _staff(client, auth, estate, name="销售小刘"):
    return client.post("/api/v1/staff", json={"estate_id": estate, "name": name, "role": "service_desk_agent"},
                       headers=auth()).json["id"]


def _lead(client, auth, estate, **extra):
    answer = client.post("/api/v1/prospects", json={"estate_id": estate, "name": "陈先生", "interest": "buyer",
                                                    "mobile": "13912345678", "email": "chen@example.com", **extra},
                         headers=auth())
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_lead_is_followed_up_along_the_pipeline_and_converted_with_its_history(client, auth, make_place,
                                                                                outbox_events):
    place = make_place(units=("1-801", "1-802"))
    seller = _staff(client, auth, place["estate"])
    lead = _lead(client, auth, place["estate"], staff_id=seller, unit_id=place["units"][0], source="walk-in",
                 follow_up_on="2025-03-10")
    assert (lead["stage"], lead["mobile"], lead["staff_id"]) == ("new", "139****5678", seller)
    url = f"/api/v1/prospects/{lead['id']}"
    viewing = client.post(f"{url}/activities", json={"kind": "viewing", "note": "看了1-801，嫌楼层低",
                                                     "staff_id": seller, "follow_up_on": "2025-03-15"},
                          headers=auth())
    assert viewing.status_code == 201, viewing.json
    moved = client.patch(url, json={"stage": "negotiating"}, headers=auth()).json
    assert (moved["stage"], moved["follow_up_on"]) == ("negotiating", "2025-03-15")
    due = client.get("/api/v1/prospects", query_string={"due_by": "2025-03-31", "staff_id": seller},
                     headers=auth()).json["items"]
    assert [p["id"] for p in due] == [lead["id"]]

    before = len(outbox_events())
    won = client.post(f"{url}/convert", json={"unit_id": place["units"][1], "role": "owner",
                                              "moved_in_on": "2025-04-01"}, headers=auth())
    assert won.status_code == 201, won.json
    assert (won.json["stage"], won.json["unit_id"], won.json["follow_up_on"]) == ("won", place["units"][1], None)
    person = client.get(f"/api/v1/people/{won.json['person_id']}", headers=auth()).json
    assert person["name"] == "陈先生" and person["occupancies"][0]["role"] == "owner"
    assert [e["type"] for e in outbox_events()[before:]] == ["owners.person.registered.v1",
                                                             "owners.occupant.moved_in.v1"]
    history = client.get(url, headers=auth()).json["activities"]
    assert [a["kind"] for a in history] == ["stage", "stage", "viewing", "note"]  # latest first, nothing lost
    assert history[0]["note"] == "negotiating → won: owner"
    found = client.get("/api/v1/prospects", query_string={"person_id": person["id"]}, headers=auth()).json
    assert [p["id"] for p in found["items"]] == [lead["id"]]
    again = client.post(f"{url}/convert", json={"unit_id": place["units"][1], "role": "owner",
                                                "moved_in_on": "2025-04-01"}, headers=auth())
    assert again.status_code == 409


def test_a_company_prospect_converts_into_a_company_with_the_lead_as_its_contact(client, auth, make_place,
                                                                              outbox_events, row_counts):
    place = make_place(units=("A-1801", "A-1802"))
    lead = _lead(client, auth, place["estate"], name="赵经理", interest="company", company_name="",
                 unit_id=place["units"][0])
    url = f"/api/v1/prospects/{lead['id']}"
    client.post(f"{url}/activities", json={"kind": "visit", "note": "看了18层"}, headers=auth())
    before = row_counts()
    nameless = client.post(f"{url}/convert", json={"unit_id": place["units"][0]},
                           headers={**auth(), "Accept-Language": "zh-CN"})
    assert nameless.status_code == 422 and nameless.json["errors"]["company_name"]
    client.patch(url, json={"company_name": "深圳示例科技有限公司"}, headers=auth())
    moving_in = client.post(f"{url}/convert", json={"unit_id": place["units"][0], "role": "tenant",
                                                    "moved_in_on": "2025-04-01"}, headers=auth())
    assert moving_in.status_code == 422 and moving_in.json["errors"]["role"]
    assert row_counts() == {**before, "prospects": before["prospects"]}  # the refusals changed nothing

    events = len(outbox_events())
    won = client.post(f"{url}/convert", json={"unit_id": place["units"][0], "title": "行政经理"}, headers=auth())
    assert won.status_code == 201, won.json
    assert won.json["stage"] == "won" and won.json["company_id"] and won.json["person_id"]
    company = client.get(f"/api/v1/companies/{won.json['company_id']}", headers=auth()).json
    assert company["name"] == "深圳示例科技有限公司" and [u["unit_id"] for u in company["units"]] == [place["units"][0]]
    assert [(c["person_id"], c["title"]) for c in company["contacts"]] == [(won.json["person_id"], "行政经理")]
    person = client.get(f"/api/v1/people/{won.json['person_id']}", headers=auth()).json
    assert person["name"] == "赵经理" and person["occupancies"] == []  # the company occupies, not its contact
    assert [e["type"] for e in outbox_events()[events:]] == ["owners.person.registered.v1",
                                                             "owners.company.added.v1"]
    history = client.get(url, headers=auth()).json["activities"]
    assert [a["kind"] for a in history] == ["stage", "visit", "note"] and "深圳示例科技有限公司" in history[0]["note"]
    found = client.get("/api/v1/prospects", query_string={"company_id": company["id"]}, headers=auth()).json
    assert [p["id"] for p in found["items"]] == [lead["id"]]

    # A second lead of the same company, for the next floor: the company takes the unit and the contact.
    other = _lead(client, auth, place["estate"], name="钱前台", interest="company", company_name="深圳示例科技有限公司",
                  mobile="13912345679", email=None)
    joined = client.post(f"/api/v1/prospects/{other['id']}/convert", json={"unit_id": place["units"][1]},
                         headers=auth())
    assert joined.status_code == 201 and joined.json["company_id"] == company["id"]
    grown = client.get(f"/api/v1/companies/{company['id']}", headers=auth()).json
    assert sorted(u["unit_id"] for u in grown["units"]) == sorted(place["units"]) and len(grown["contacts"]) == 2
    assert outbox_events()[-1]["type"] == "owners.company.updated.v1"


def test_a_lost_lead_says_why_and_moves_no_more(client, auth, make_place, row_counts):
    place = make_place()
    lead = _lead(client, auth, place["estate"], interest="company", company_name="示例科技")
    url = f"/api/v1/prospects/{lead['id']}"
    before = row_counts()
    assert client.patch(url, json={"stage": "lost"}, headers=auth()).status_code == 422
    assert client.patch(url, json={"stage": "won"}, headers=auth()).status_code == 422
    assert row_counts() == before
    lost = client.patch(url, json={"stage": "lost", "reason": "选择了别的写字楼"}, headers=auth()).json
    assert (lost["stage"], lost["lost_reason"]) == ("lost", "选择了别的写字楼")
    assert client.patch(url, json={"stage": "contacted"}, headers=auth()).status_code == 409


def test_bad_leads_are_refused_and_change_nothing(client, auth, make_place, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    their_staff = _staff(client, auth, theirs["estate"])
    before = row_counts()
    for extra in ({"staff_id": their_staff}, {"unit_id": theirs["units"][0]}, {"interest": "alien"},
                  {"mobile": "12345"}):
        answer = client.post("/api/v1/prospects", json={"estate_id": mine["estate"], "name": "陈先生",
                                                        "interest": "buyer", **extra},
                             headers={**auth(), "Accept-Language": "zh-CN"})
        assert answer.status_code == 422, (extra, answer.json)
    assert row_counts() == before


def test_prospects_of_another_estate_are_not_found(client, auth, make_place, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    lead = _lead(client, auth, theirs["estate"])
    desk = auth("service_desk_agent", [mine["estate"]])
    before = row_counts()
    url = f"/api/v1/prospects/{lead['id']}"
    assert client.get(url, headers=desk).status_code == 404
    assert client.patch(url, json={"stage": "contacted"}, headers=desk).status_code == 404
    assert client.post(f"{url}/activities", json={"kind": "call"}, headers=desk).status_code == 404
    assert client.post(f"{url}/convert", json={"unit_id": mine["units"][0], "role": "owner",
                                               "moved_in_on": "2025-04-01"}, headers=desk).status_code == 404
    assert client.post("/api/v1/prospects", json={"estate_id": theirs["estate"], "name": "X", "interest": "buyer"},
                       headers=desk).status_code == 404
    assert client.get(f"/api/v1/prospects?estate_id={theirs['estate']}", headers=desk).status_code == 404
    assert client.get("/api/v1/prospects", headers=desk).json["items"] == []
    assert row_counts() == before


def test_the_documented_activity_says_a_stage_change_can_be_listed_but_not_posted(client):
    schemas = client.get("/openapi.json").json["components"]["schemas"]
    assert "stage" in schemas["Activity"]["properties"]["kind"]["enum"]  # what GET answers
    assert "stage" not in schemas["NewActivity"]["properties"]["kind"]["enum"]  # what POST takes
