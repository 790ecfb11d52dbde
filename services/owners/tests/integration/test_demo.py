"""The demo estate on the real PostgreSQL: loaded once, about 1,200 households with their events,
a service-desk team with territories, and searchable."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from owners.demo import CODE, DEMO
from owners.service import SERVICE
from owners.tables import estates, occupancies, outbox, people, staff, territories
from servicekit.demo import load_demo


def _counts(db) -> tuple[int, int, int]:
    with db.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (estates, people, outbox.table))


def test_the_demo_loads_once_and_prints_its_estate_id_each_time(settings, db, capsys):
    assert load_demo(SERVICE, settings, DEMO) == 0
    first = capsys.readouterr().out.split()[-1]
    loaded = _counts(db)
    assert load_demo(SERVICE, settings, DEMO) == 0
    assert capsys.readouterr().out.split()[-1] == first
    assert _counts(db) == loaded
    with db.connect() as conn:
        assert str(conn.execute(select(estates.c.id).where(estates.c.code == CODE)).scalar_one()) == first


def test_the_demo_estate_has_about_1200_households_a_team_and_their_events(settings, db):
    load_demo(SERVICE, settings, DEMO)
    with db.connect() as conn:
        households = conn.execute(select(func.count(func.distinct(occupancies.c.unit_id)))).scalar_one()
        roles = Counter(conn.execute(select(occupancies.c.role)).scalars())
        team = Counter(conn.execute(select(staff.c.role)).scalars())
        technicians = conn.execute(select(staff.c.skills).where(staff.c.role == "technician")).scalars().all()
        patches = conn.execute(select(func.count()).select_from(territories)).scalar_one()
        types = Counter(conn.execute(select(outbox.table.c.event_type)).scalars())
        mobiles = conn.execute(select(func.min(people.c.name))).scalar_one()
    assert 1100 <= households <= 1300
    assert roles["owner"] >= households and roles["tenant"] > 50 and roles["family"] > 300
    # The roles tickets' escalation rules name are held: a supervisor and a first responsible person.
    assert team == Counter({"technician": 6, "service_desk_agent": 3, "estate_manager": 1, "first_responsible": 1,
                            "supervisor": 1, "security_guard": 2, "cleaner": 2})
    assert all(skills for skills in technicians)
    assert patches > len(team)
    assert types["owners.estate.registered.v1"] == 1 and types["owners.unit.added.v1"] == households
    assert types["owners.person.registered.v1"] > households and types["owners.staff.joined.v1"] == 16
    assert types["owners.territory.assigned.v1"] == patches and types["owners.building.added.v1"] == 8
    assert mobiles


def test_the_demo_is_searchable_by_name_phone_and_unit(settings, client, auth, db):
    load_demo(SERVICE, settings, DEMO)
    desk = auth("service_desk_agent")
    wangs = client.get("/api/v1/people", query_string={"q": "王", "page_size": 100}, headers=desk).json
    assert len(wangs["items"]) == 100 and wangs["has_more"]
    assert all(hit["name"].startswith("王") for hit in wangs["items"])
    first = client.get("/api/v1/people", query_string={"q": "15400000001"}, headers=desk).json["items"]
    assert [hit["mobiles"] for hit in first] == [["154****0001"]]
    room = client.get("/api/v1/people", query_string={"q": "3栋2单元1202"}, headers=desk).json["items"]
    assert room and all(("3", "2-1202") in {(u["building_code"], u["unit_number"]) for u in hit["units"]}
                        for hit in room)


def test_the_demo_estate_has_its_departments_each_with_a_supervisor(settings, client, auth):
    load_demo(SERVICE, settings, DEMO)
    desk = auth("service_desk_agent")
    listed = client.get("/api/v1/departments", query_string={"templates": "false"}, headers=desk).json["items"]
    assert [d["code"] for d in listed] == ["cleaning", "customer_service", "engineering", "finance", "security"]
    assert all(d["supervisor_id"] and d["member_ids"] for d in listed)
    engineering = next(d for d in listed if d["code"] == "engineering")
    assert (engineering["name"], engineering["supervisor_name"]) == ("工程部", "冯国庆")
    assert len(engineering["member_ids"]) == 6
    templates = client.get("/api/v1/departments", query_string={"templates": "true"}, headers=desk).json["items"]
    assert {d["code"] for d in templates} == {d["code"] for d in listed}


def test_the_demo_estate_registers_its_lifts_and_pumps(settings, client, auth):
    load_demo(SERVICE, settings, DEMO)
    desk = auth("service_desk_agent")
    lifts = client.get("/api/v1/equipment", query_string={"kind": "lift", "page_size": 100}, headers=desk).json
    assert len(lifts["items"]) == 16 and all(i["building_id"] and i["maintenance_contractor"] for i in lifts["items"])
    pumps = client.get("/api/v1/equipment", query_string={"kind": "pump"}, headers=desk).json["items"]
    assert {p["identifier"] for p in pumps} == {"生活水泵-1", "生活水泵-2", "消防水泵-1"}


def test_the_demo_estate_has_two_office_companies_found_by_name(settings, client, auth):
    load_demo(SERVICE, settings, DEMO)
    desk = auth("service_desk_agent")
    found = client.get("/api/v1/companies", query_string={"q": "深圳阳光"}, headers=desk).json["items"]
    assert [len(c["units"]) for c in found] == [2] and found[0]["contacts"][0]["title"] == "行政经理"
    assert len(client.get("/api/v1/companies", headers=desk).json["items"]) == 2


def test_the_demo_estate_has_its_owners_committee_and_a_log(settings, client, auth):
    load_demo(SERVICE, settings, DEMO)
    desk = auth("service_desk_agent")
    [board] = client.get("/api/v1/committees", headers=desk).json["items"]
    assert sorted(m["role"] for m in board["members"]) == ["chair", "member", "member", "secretary", "vice_chair"]
    log = client.get(f"/api/v1/committees/{board['id']}/contacts", headers=desk).json["items"]
    assert [c["kind"] for c in log] == ["call", "meeting"]


def test_the_demo_estate_has_a_few_prospects_in_its_pipeline(settings, client, auth):
    load_demo(SERVICE, settings, DEMO)
    pipeline = client.get("/api/v1/prospects", headers=auth("service_desk_agent")).json["items"]
    assert len(pipeline) == 4 and {p["stage"] for p in pipeline} == {"new", "contacted", "viewing", "negotiating"}
    assert all(p["mobile"].startswith("154****") for p in pipeline)


def test_the_demo_estate_has_a_generated_contract_that_reads_in_chinese(settings, client, auth, db):
    import io

    from docx import Document

    from owners.tables import documents

    load_demo(SERVICE, settings, DEMO)
    with db.connect() as conn:
        person_id = conn.execute(select(documents.c.person_id)).scalar_one()
    desk = auth("service_desk_agent")
    [contract] = client.get(f"/api/v1/people/{person_id}/documents", headers=desk).json["items"]
    content = client.get(f"/api/v1/documents/{contract['id']}", headers=desk).data
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "物业：阳光花园" in text and "乙方（业主）：" in text and "{{" not in text
