"""Departments (OWN-9) through the HTTP API on the real PostgreSQL: the operator's templates, an estate's
departments made from them, a supervisor each, staff in one or more departments, every change an event
with the department's whole state; and another estate's departments not found."""

from __future__ import annotations

from owners.tables import departments
from servicekit.testing import check_operator_wide_needs_every_estate


def _member(client, auth, estate, name="李师傅", role="technician", active=True):
    member = client.post("/api/v1/staff", json={"estate_id": estate, "name": name, "role": role},
                         headers=auth()).json
    if not active:
        client.patch(f"/api/v1/staff/{member['id']}", json={"active": False}, headers=auth())
    return member["id"]


def _template(client, auth, code, name):
    answer = client.post("/api/v1/departments", json={"code": code, "name": name}, headers=auth())
    assert answer.status_code == 201, answer.json
    return answer.json


def test_an_estate_gets_its_departments_from_the_operators_templates_once(client, auth, make_place, outbox_events):
    place = make_place()
    _template(client, auth, "customer_service", "客服部")
    _template(client, auth, "engineering", "工程部")
    before = len(outbox_events())
    url = f"/api/v1/estates/{place['estate']}/departments/from-templates"
    made = client.post(url, headers=auth())
    assert made.status_code == 201, made.json
    assert [(d["code"], d["name"], d["estate_id"]) for d in made.json] == [
        ("customer_service", "客服部", place["estate"]), ("engineering", "工程部", place["estate"])]
    published = outbox_events()[before:]
    assert [e["type"] for e in published] == ["owners.department.added.v1"] * 2  # templates: no events
    assert published[1]["data"] == {"estate_id": place["estate"], "department_id": made.json[1]["id"],
                                    "code": "engineering", "name": "工程部", "supervisor_id": None, "members": [],
                                    "active": True, "version": 1}
    again = client.post(url, headers=auth())
    assert (again.status_code, again.json) == (201, [])  # none made twice
    _template(client, auth, "security", "保安部")
    assert [d["code"] for d in client.post(url, headers=auth()).json] == ["security"]
    listed = client.get(f"/api/v1/departments?estate_id={place['estate']}", headers=auth()).json["items"]
    assert [d["code"] for d in listed] == ["customer_service", "engineering", "security"]
    templates = client.get("/api/v1/departments?templates=true", headers=auth()).json["items"]
    assert [d["code"] for d in templates] == ["customer_service", "engineering", "security"]
    assert all(d["estate_id"] is None for d in templates)


def test_a_department_with_a_supervisor_and_staff_in_more_than_one(client, auth, make_place, outbox_events):
    place = make_place()
    boss, fixer, both = (_member(client, auth, place["estate"], n) for n in ("钱主管", "赵师傅", "孙师傅"))
    body = {"estate_id": place["estate"], "code": "engineering", "name": "工程部", "supervisor_id": boss,
            "member_ids": [fixer, both, fixer]}
    engineering = client.post("/api/v1/departments", json=body, headers=auth())
    assert engineering.status_code == 201, engineering.json
    assert engineering.json["member_ids"] == sorted([fixer, both])
    assert (engineering.json["supervisor_id"], engineering.json["supervisor_name"]) == (boss, "钱主管")
    cleaning = client.post("/api/v1/departments", json={
        "estate_id": place["estate"], "code": "cleaning", "name": "保洁部", "member_ids": [both]}, headers=auth()).json
    shown = client.get(f"/api/v1/departments/{engineering.json['id']}", headers=auth()).json
    assert (shown["supervisor_id"], shown["supervisor_name"]) == (boss, "钱主管")
    hers = client.get(f"/api/v1/departments?staff_id={both}", headers=auth()).json["items"]
    assert sorted(d["code"] for d in hers) == ["cleaning", "engineering"]

    moved = client.put(f"/api/v1/departments/{engineering.json['id']}/members", json={"member_ids": [fixer]},
                       headers=auth())
    assert moved.status_code == 200 and moved.json["member_ids"] == [fixer] and moved.json["version"] == 2
    vacant = client.patch(f"/api/v1/departments/{engineering.json['id']}", json={"supervisor_id": None},
                          headers=auth())
    assert vacant.status_code == 200 and vacant.json["supervisor_id"] is None
    updates = [e for e in outbox_events() if e["type"] == "owners.department.updated.v1"]
    assert [(e["data"]["version"], e["data"]["members"], e["data"]["supervisor_id"]) for e in updates] == [
        (2, [fixer], boss), (3, [fixer], None)]
    assert client.get(f"/api/v1/departments/{cleaning['id']}", headers=auth()).json["member_ids"] == [both]
    same = client.put(f"/api/v1/departments/{engineering.json['id']}/members", json={"member_ids": [fixer]},
                      headers=auth())
    assert same.json["version"] == 3  # nothing changed, no event
    assert len([e for e in outbox_events() if e["type"] == "owners.department.updated.v1"]) == 2


def test_bad_departments_are_refused_and_change_nothing(client, auth, make_place, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    idle = _member(client, auth, mine["estate"], "离职", active=False)
    stranger = _member(client, auth, theirs["estate"], "外人")
    client.post("/api/v1/departments", json={"estate_id": mine["estate"], "code": "finance", "name": "财务部"},
                headers=auth())
    base = {"estate_id": mine["estate"], "code": "security", "name": "保安部"}
    before = row_counts()
    cases = [
        ({**base, "code": "Security!"}, 422),
        ({**base, "code": "finance"}, 409),
        ({**base, "member_ids": [idle]}, 422),
        ({**base, "member_ids": [stranger]}, 422),
        ({**base, "supervisor_id": stranger}, 422),
        ({"code": "security", "name": "保安部", "supervisor_id": idle}, 422),  # a template has no supervisor
    ]
    for body, status in cases:
        answer = client.post("/api/v1/departments", json=body, headers=auth())
        assert answer.status_code == status, (body, answer.json)
        assert answer.json["detail"]
    assert client.post("/api/v1/departments", json={**base, "supervisor_id": stranger},
                       headers={**auth(), "Accept-Language": "zh-CN"}).json["detail"] == "本小区没有此员工"
    assert row_counts() == before


def test_a_template_needs_a_caller_who_sees_every_estate(client, auth, db):
    check_operator_wide_needs_every_estate(client, auth, db, "/api/v1/departments",
                                           {"code": "cleaning", "name": "保洁部"}, departments, "estate_manager")


def test_departments_of_another_estate_are_not_found(client, auth, make_place, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    their_staff = _member(client, auth, theirs["estate"])
    my_staff = _member(client, auth, mine["estate"])
    department = client.post("/api/v1/departments", json={
        "estate_id": theirs["estate"], "code": "engineering", "name": "工程部", "supervisor_id": their_staff},
        headers=auth()).json["id"]
    manager = auth("estate_manager", [mine["estate"]])
    before = row_counts()
    assert client.get(f"/api/v1/departments/{department}", headers=manager).status_code == 404
    assert client.patch(f"/api/v1/departments/{department}", json={"name": "X"}, headers=manager).status_code == 404
    assert client.put(f"/api/v1/departments/{department}/members", json={"member_ids": [my_staff]},
                      headers=manager).status_code == 404
    assert client.post(f"/api/v1/estates/{theirs['estate']}/departments/from-templates",
                       headers=manager).status_code == 404
    assert client.post("/api/v1/departments", json={"estate_id": theirs["estate"], "code": "x1", "name": "X"},
                       headers=manager).status_code == 404
    assert client.post("/api/v1/departments", json={"estate_id": mine["estate"], "code": "x1", "name": "X",
                                                    "supervisor_id": their_staff}, headers=manager).status_code == 404
    assert client.get(f"/api/v1/departments?estate_id={theirs['estate']}", headers=manager).status_code == 404
    assert client.get(f"/api/v1/departments?staff_id={their_staff}", headers=manager).status_code == 404
    mine_listed = client.get("/api/v1/departments", headers=manager).json["items"]
    assert department not in [d["id"] for d in mine_listed]
    assert row_counts() == before


def test_a_department_without_a_supervisor_is_a_configuration_warning_a_metric_and_a_log_line(
        client, auth, db, make_place, caplog):
    from sqlalchemy.orm import sessionmaker

    from owners.departments.metrics import collectors

    def vacant() -> float:
        [gauge] = collectors(sessionmaker(db))
        [family] = gauge.collect()
        return {s.labels["warning"]: s.value for s in family.samples}["department_without_supervisor"]

    place = make_place()
    boss = _member(client, auth, place["estate"], "钱主管")
    before = vacant()
    with caplog.at_level("WARNING", logger="owners.departments.use_cases"):
        made = client.post("/api/v1/departments", json={"estate_id": place["estate"], "code": "security",
                                                        "name": "保安部"}, headers=auth()).json
    [warned] = [r for r in caplog.records if "department without a supervisor" in r.getMessage()]
    assert warned.department_id == made["id"] and warned.code == "security"
    assert vacant() == before + 1
    _template(client, auth, "cleaning", "保洁部")  # a template has no post to fill: no warning
    assert vacant() == before + 1
    client.patch(f"/api/v1/departments/{made['id']}", json={"supervisor_id": boss}, headers=auth())
    assert vacant() == before
    client.patch(f"/api/v1/staff/{boss}", json={"active": False}, headers=auth())  # the supervisor leaves
    assert vacant() == before + 1
    client.patch(f"/api/v1/departments/{made['id']}", json={"active": False}, headers=auth())  # closed
    assert vacant() == before
    assert "owners_configuration_warnings{warning=\"department_without_supervisor\"}" in client.get(
        "/metrics").get_data(as_text=True)
