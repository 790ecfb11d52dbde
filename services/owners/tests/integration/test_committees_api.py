"""The owners' committee (SRV-7) through the HTTP API on the real PostgreSQL: an estate's committee, its
members (owners of the estate) with roles and terms, one chair at a time, a term ended, and the log of
contacts and meetings with the management office; another estate's committee not found."""

from __future__ import annotations


def _committee(client, auth, estate):
    answer = client.post("/api/v1/committees", json={"estate_id": estate, "name": "第二届业主委员会",
                                                     "term_starts_on": "2024-01-01", "term_ends_on": "2028-12-31"},
                         headers=auth())
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_committee_with_its_members_roles_and_terms(client, auth, make_place, make_person):
    place = make_place(units=("1-101", "1-102", "1-103"))
    chair = make_person(place["estate"], "王主任", unit=place["units"][0])
    secretary = make_person(place["estate"], "李秘书", unit=place["units"][1])
    successor = make_person(place["estate"], "赵委员", unit=place["units"][2])
    board = _committee(client, auth, place["estate"])
    url = f"/api/v1/committees/{board['id']}/members"
    seated = client.post(url, json={"person_id": chair["id"], "role": "chair", "starts_on": "2024-01-01"},
                         headers=auth())
    assert seated.status_code == 201, seated.json
    assert (seated.json["name"], seated.json["role"], seated.json["ends_on"]) == ("王主任", "chair", None)
    client.post(url, json={"person_id": secretary["id"], "role": "secretary", "starts_on": "2024-01-01"},
                headers=auth())
    second_chair = client.post(url, json={"person_id": successor["id"], "role": "chair", "starts_on": "2025-01-01"},
                               headers={**auth(), "Accept-Language": "zh-CN"})
    assert second_chair.status_code == 409 and "主任" in second_chair.json["detail"]

    ended = client.post(f"/api/v1/committee-members/{seated.json['id']}/end-term", json={"ends_on": "2025-06-30"},
                        headers=auth())
    assert ended.status_code == 200 and ended.json["ends_on"] == "2025-06-30"
    assert client.post(url, json={"person_id": successor["id"], "role": "chair", "starts_on": "2025-07-01"},
                       headers=auth()).status_code == 201
    shown = client.get(f"/api/v1/committees/{board['id']}", headers=auth("service_desk_agent", [place["estate"]]))
    assert sorted((m["name"], m["role"]) for m in shown.json["members"]) == [("李秘书", "secretary"),
                                                                            ("赵委员", "chair")]
    everyone = client.get(url, headers=auth()).json
    assert [m["name"] for m in everyone][-1] == "王主任"  # past members last


def test_only_owners_of_the_estate_sit_and_bad_terms_are_refused(client, auth, make_place, make_person, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    tenant = make_person(mine["estate"], "租户", unit=mine["units"][0], role="tenant")
    stranger = make_person(theirs["estate"], "外人", unit=theirs["units"][0])
    owner = make_person(mine["estate"], "业主", unit=mine["units"][0], mobile="13900001111")
    board = _committee(client, auth, mine["estate"])
    url = f"/api/v1/committees/{board['id']}/members"
    before = row_counts()
    assert client.post(url, json={"person_id": tenant["id"], "role": "member", "starts_on": "2024-01-01"},
                       headers=auth()).status_code == 422
    assert client.post(url, json={"person_id": stranger["id"], "role": "member", "starts_on": "2024-01-01"},
                       headers=auth()).status_code == 422
    assert client.post(url, json={"person_id": owner["id"], "role": "member", "starts_on": "2024-01-01",
                                  "ends_on": "2023-01-01"}, headers=auth()).status_code == 422
    assert client.post(url, json={"person_id": owner["id"], "role": "king", "starts_on": "2024-01-01"},
                       headers=auth()).status_code == 422
    assert client.post("/api/v1/committees", json={"estate_id": mine["estate"], "name": "又一届",
                                                   "term_starts_on": "2024-01-01"}, headers=auth()).status_code == 409
    assert row_counts() == before


def test_the_log_of_contacts_and_meetings(client, auth, make_place, make_person):
    place = make_place()
    owner = make_person(place["estate"], "王主任", unit=place["units"][0])
    manager = client.post("/api/v1/staff", json={"estate_id": place["estate"], "name": "孙经理",
                                                 "role": "estate_manager"}, headers=auth()).json["id"]
    board = _committee(client, auth, place["estate"])
    chair = client.post(f"/api/v1/committees/{board['id']}/members", json={
        "person_id": owner["id"], "role": "chair", "starts_on": "2024-01-01"}, headers=auth()).json["id"]
    url = f"/api/v1/committees/{board['id']}/contacts"
    desk = auth("service_desk_agent", [place["estate"]], subject="desk-1")
    meeting = client.post(url, json={"kind": "meeting", "at": "2025-03-01T10:00:00+08:00",
                                     "subject": "讨论电梯更新改造方案", "summary": "同意申请维修资金",
                                     "staff_id": manager, "member_ids": [chair]}, headers=desk)
    assert meeting.status_code == 201, meeting.json
    assert meeting.json["recorded_by"] == "desk-1" and meeting.json["member_ids"] == [chair]
    client.post(url, json={"kind": "call", "at": "2025-03-05T09:00:00+08:00", "subject": "通知停水"}, headers=desk)
    log = client.get(url, headers=desk).json["items"]
    assert [c["subject"] for c in log] == ["通知停水", "讨论电梯更新改造方案"]
    assert [c["kind"] for c in client.get(url, query_string={"kind": "meeting"}, headers=desk).json["items"]] == [
        "meeting"]
    bad = client.post(url, json={"kind": "call", "at": "2025-03-05T09:00:00+08:00", "subject": "x",
                                 "member_ids": [manager]}, headers=desk)
    assert bad.status_code == 422 and bad.json["errors"]["member_ids"]


def test_another_estates_committee_is_not_found(client, auth, make_place, make_person, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    their_owner = make_person(theirs["estate"], "外人", unit=theirs["units"][0])
    board = _committee(client, auth, theirs["estate"])
    member = client.post(f"/api/v1/committees/{board['id']}/members", json={
        "person_id": their_owner["id"], "role": "member", "starts_on": "2024-01-01"}, headers=auth()).json["id"]
    manager = auth("estate_manager", [mine["estate"]])
    before = row_counts()
    assert client.get(f"/api/v1/committees/{board['id']}", headers=manager).status_code == 404
    assert client.patch(f"/api/v1/committees/{board['id']}", json={"note": "x"}, headers=manager).status_code == 404
    assert client.get(f"/api/v1/committees/{board['id']}/members", headers=manager).status_code == 404
    seat = {"person_id": their_owner["id"], "role": "member", "starts_on": "2024-01-01"}
    assert client.post(f"/api/v1/committees/{board['id']}/members", json=seat, headers=manager).status_code == 404
    assert client.post(f"/api/v1/committee-members/{member}/end-term", json={"ends_on": "2025-01-01"},
                       headers=manager).status_code == 404
    assert client.get(f"/api/v1/committees/{board['id']}/contacts", headers=manager).status_code == 404
    assert client.post(f"/api/v1/committees/{board['id']}/contacts", json={
        "kind": "call", "at": "2025-03-05T09:00:00+08:00", "subject": "x"}, headers=manager).status_code == 404
    assert client.post("/api/v1/committees", json={"estate_id": theirs["estate"], "name": "X",
                                                   "term_starts_on": "2024-01-01"}, headers=manager).status_code == 404
    assert client.get(f"/api/v1/committees?estate_id={theirs['estate']}", headers=manager).status_code == 404
    assert client.get("/api/v1/committees", headers=manager).json["items"] == []
    assert row_counts() == before
