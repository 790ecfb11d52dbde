"""The desk's lookups in the copy: units by number, a unit's occupants (mobiles masked), staff with
their load; another estate's rows are 404 or absent."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def estate(owners_world):
    world = owners_world()
    world.b1, world.b2 = world.building("1"), world.building("2")
    world.u1202 = world.unit(world.b2, "2-1202", 12)
    world.u1203 = world.unit(world.b2, "2-1203", 12)
    world.u101 = world.unit(world.b1, "1-101", 1)
    world.unit(world.b1, "1_x", 1)  # an underscore in a number: matched literally
    owner, tenant, gone = world.person("张伟", "13812345678"), world.person("李娜", "13900001111"), world.person("旧户")
    world.owner, world.tenant = owner, tenant
    world.move_in(world.u1202, tenant, role="tenant")
    world.move_in(world.u1202, owner, role="owner")
    world.move_in(world.u1202, gone, role="tenant", moved_out_on="2025-01-31")
    return world


def test_units_are_found_by_the_start_of_their_number_and_building(client, auth, estate) -> None:
    desk = auth("service_desk_agent", [estate.estate_id])
    found = client.get(f"/api/v1/units?estate_id={estate.estate_id}&number=2-12", headers=desk)
    assert found.status_code == 200, found.json
    assert [u["number"] for u in found.json["items"]] == ["2-1202", "2-1203"]
    assert found.json["items"][0] | {"id": None} == {
        "id": None, "estate_id": str(estate.estate_id), "building_id": str(estate.b2), "building_code": "2",
        "building_name": "2栋", "number": "2-1202", "floor": 12}
    by_building = client.get(f"/api/v1/units?building_id={estate.b1}", headers=desk).json["items"]
    assert [u["number"] for u in by_building] == ["1-101", "1_x"]
    assert [u["number"] for u in client.get("/api/v1/units?number=1_", headers=desk).json["items"]] == ["1_x"]


def test_a_units_people_are_its_current_occupants_owner_first_mobiles_masked(client, auth, estate) -> None:
    desk = auth("service_desk_agent", [estate.estate_id])
    answer = client.get(f"/api/v1/units/{estate.u1202}/people", headers=desk)
    assert answer.status_code == 200, answer.json
    assert [(p["name"], p["role"], p["mobile"]) for p in answer.json["people"]] == [
        ("张伟", "owner", "138****5678"), ("李娜", "tenant", "139****1111")]
    past = client.get(f"/api/v1/units/{estate.u1202}/people?include_past=true", headers=desk).json["people"]
    assert [(p["name"], p["moved_out_on"]) for p in past][-1] == ("旧户", "2025-01-31")
    assert client.get(f"/api/v1/units/{estate.u101}/people", headers=desk).json["people"] == []


def test_full_mobiles_need_the_reveal_permission(client, auth, estate) -> None:
    url = f"/api/v1/units/{estate.u1202}/people?reveal=true"
    refused = client.get(url, headers=auth("service_desk_agent", [estate.estate_id]))
    assert refused.status_code == 403
    shown = client.get(url, headers=auth("service_desk_agent", [estate.estate_id], perms=["pii:reveal"]))
    assert [p["mobile"] for p in shown.json["people"]] == ["13812345678", "13900001111"]


def test_staff_with_their_load_and_ground_filtered_by_skill_and_role(client, auth, estate, add_ticket) -> None:
    plumber = estate.staff("李师傅", ("locks", "plumbing"))
    electrician = estate.staff("王师傅", ("electrical",))
    estate.staff("赵主管", role="supervisor")
    estate.staff("离职", ("plumbing",), active=False)
    estate.assign(plumber, estate.b1)
    estate.assign(electrician)
    add_ticket(estate.estate_id, assignee_id=plumber)
    add_ticket(estate.estate_id, assignee_id=plumber, stage="on_site")
    add_ticket(estate.estate_id, assignee_id=plumber, stage="resolved")
    desk = auth("service_desk_agent", [estate.estate_id])
    skilled = client.get(f"/api/v1/staff?estate_id={estate.estate_id}&skill=plumbing", headers=desk)
    assert skilled.status_code == 200, skilled.json
    assert [(m["name"], m["load"], m["territories"]) for m in skilled.json["items"]] == [
        ("李师傅", 2, [{"estate_id": str(estate.estate_id), "building_id": str(estate.b1)}])]
    everyone = client.get(f"/api/v1/staff?estate_id={estate.estate_id}", headers=desk).json["items"]
    assert sorted(m["name"] for m in everyone) == sorted(["李师傅", "王师傅", "赵主管"])
    bosses = client.get("/api/v1/staff?role=supervisor", headers=desk).json["items"]
    assert [m["name"] for m in bosses] == ["赵主管"]
    gone = client.get("/api/v1/staff?active=false", headers=desk).json["items"]
    assert [m["name"] for m in gone] == ["离职"]


def test_another_estates_rows_are_not_found_or_not_listed(client, auth, estate) -> None:
    other = auth("service_desk_agent", [uuid.uuid4()])
    assert client.get(f"/api/v1/units/{estate.u1202}/people", headers=other).status_code == 404
    assert client.get(f"/api/v1/units/{uuid.uuid4()}/people", headers=other).status_code == 404
    assert client.get(f"/api/v1/units?estate_id={estate.estate_id}", headers=other).status_code == 404
    assert client.get(f"/api/v1/units?building_id={estate.b1}", headers=other).status_code == 404
    assert client.get(f"/api/v1/staff?estate_id={estate.estate_id}", headers=other).status_code == 404
    assert client.get("/api/v1/units?number=2", headers=other).json["items"] == []
    estate.staff("李师傅", ("plumbing",))
    assert client.get("/api/v1/staff", headers=other).json["items"] == []
    assert client.get("/api/v1/staff", headers=auth()).json["items"] != []  # the operator sees it


def test_residents_may_not_use_the_directory_and_bad_arguments_are_4xx(client, auth, estate) -> None:
    owner = auth("owner", [estate.estate_id])
    assert client.get(f"/api/v1/units?estate_id={estate.estate_id}", headers=owner).status_code == 403
    desk = auth("service_desk_agent", [estate.estate_id])
    assert client.get("/api/v1/staff?skill=%22%25", headers=desk).status_code == 422
    assert client.get("/api/v1/units?estate_id=not-a-uuid", headers=desk).status_code == 422
    assert client.get("/api/v1/units?page_size=1000", headers=desk).status_code == 422
    assert client.get("/api/v1/units?number=1%00", headers=desk).status_code == 422
    assert client.get(f"/api/v1/units/{estate.u101}/people?include_past=maybe", headers=desk).status_code == 422
    assert client.get("/api/v1/units").status_code == 401


# --- companies (OWN-11): an office tenant's unit, its contacts in order, found by name -------------

@pytest.fixture
def offices(estate):
    estate.tower = estate.building("A")
    estate.a1201, estate.a1202 = estate.unit(estate.tower, "A-1201", 12), estate.unit(estate.tower, "A-1202", 12)
    estate.manager, estate.front = estate.person("陈经理", "13711112222"), estate.person("前台小周", "13733334444")
    estate.company_id = estate.company("深圳示例科技有限公司", (estate.a1202, estate.a1201),
                                       ((estate.manager, "行政经理"), (estate.front, "前台")))
    estate.company("深圳另一家公司")  # no units yet
    return estate


def test_the_desk_finds_a_company_by_the_start_of_its_name_with_its_units_and_contacts_in_order(
        client, auth, offices) -> None:
    desk = auth("service_desk_agent", [offices.estate_id])
    found = client.get(f"/api/v1/companies?estate_id={offices.estate_id}&q=深圳示例", headers=desk)
    assert found.status_code == 200, found.json
    [company] = found.json["items"]
    assert company["name"] == "深圳示例科技有限公司" and company["id"] == str(offices.company_id)
    assert [u["number"] for u in company["units"]] == ["A-1201", "A-1202"]
    assert [(c["position"], c["name"], c["title"], c["mobile"]) for c in company["contacts"]] == [
        (1, "陈经理", "行政经理", "137****2222"), (2, "前台小周", "前台", "137****4444")]
    everyone = client.get("/api/v1/companies?q=深圳", headers=desk).json["items"]
    assert [c["name"] for c in everyone] == ["深圳另一家公司", "深圳示例科技有限公司"]
    assert client.get("/api/v1/companies?q=%25", headers=desk).json["items"] == []  # % taken literally


def test_a_companys_unit_shows_the_company_and_a_change_of_order_reaches_the_copy(client, auth, offices) -> None:
    desk = auth("service_desk_agent", [offices.estate_id])
    people = client.get(f"/api/v1/units/{offices.a1201}/people", headers=desk).json
    assert people["people"] == []
    assert [(c["name"], [p["name"] for p in c["contacts"]]) for c in people["companies"]] == [
        ("深圳示例科技有限公司", ["陈经理", "前台小周"])]
    offices.company("深圳示例科技有限公司", (offices.a1202,), ((offices.front, "前台"), (offices.manager, "行政经理")),
                    id_=offices.company_id)
    assert client.get(f"/api/v1/units/{offices.a1201}/people", headers=desk).json["companies"] == []
    [company] = client.get(f"/api/v1/units/{offices.a1202}/people", headers=desk).json["companies"]
    assert [c["name"] for c in company["contacts"]] == ["前台小周", "陈经理"]
    assert client.get(f"/api/v1/units/{offices.u1202}/people", headers=desk).json["companies"] == []


def test_another_estates_companies_are_not_found(client, auth, offices) -> None:
    other = auth("service_desk_agent", [uuid.uuid4()])
    assert client.get(f"/api/v1/companies?estate_id={offices.estate_id}", headers=other).status_code == 404
    assert client.get("/api/v1/companies?q=深圳", headers=other).json["items"] == []
    desk = auth("service_desk_agent", [offices.estate_id])
    assert client.get("/api/v1/companies?q=", headers=desk).status_code == 422
    assert client.get("/api/v1/companies", headers=auth("owner", [offices.estate_id])).status_code == 403


def test_a_tickets_report_for_a_companys_unit_shows_the_company_and_whom_to_call(client, auth, offices,
                                                                                 add_ticket) -> None:
    desk = auth("service_desk_agent", [offices.estate_id])
    office = add_ticket(offices.estate_id, unit_id=offices.a1201, building_id=offices.tower, title="空调不制冷")
    report = client.get(f"/api/v1/tickets/{office['id']}/report", headers=desk)
    assert report.status_code == 200, report.json
    assert [(c["name"], [(p["position"], p["name"], p["mobile"]) for p in c["contacts"]])
            for c in report.json["companies"]] == [
        ("深圳示例科技有限公司", [(1, "陈经理", "137****2222"), (2, "前台小周", "137****4444")])]
    home = add_ticket(offices.estate_id, unit_id=offices.u1202, building_id=offices.b2)
    assert client.get(f"/api/v1/tickets/{home['id']}/report", headers=desk).json["companies"] == []
