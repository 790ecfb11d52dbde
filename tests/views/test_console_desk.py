"""The console's desk work, register and a technician's own work: each page lists its estate's records
and none of another estate's; each form changes the service (seen through its API) or, refused, says
why in the agent's language and changes nothing; every POST needs the CSRF token; the register is
the managers'; a technician sees only the tickets assigned to them."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from tickets import tables as tickets_tables


def _csrf(page: Any) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def _local(delta: timedelta) -> str:
    """A time for a datetime-local field (the estate's clock), ``delta`` from now."""
    return (datetime.now(UTC) + timedelta(hours=8) + delta).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture(scope="module")
def world(suite) -> dict[str, Any]:
    """Staff in both estates (as tickets' copy of owners holds them) and a record of each kind in each."""
    sun, moon = suite["estate"]["id"], suite["other"]["id"]
    staff = {key: uuid.uuid4() for key in ("agent", "colleague", "technician", "moon_agent", "moon_colleague")}
    with suite["engines"]["tickets"].begin() as db:
        for key, estate, name, role in (("agent", sun, "王客服", "service_desk_agent"),
                                        ("colleague", sun, "陈客服", "service_desk_agent"),
                                        ("technician", sun, "张师傅", "technician"),
                                        ("moon_agent", moon, "月客服", "service_desk_agent"),
                                        ("moon_colleague", moon, "月同事", "service_desk_agent")):
            db.execute(insert(tickets_tables.staff).values(id=staff[key], estate_id=uuid.UUID(estate), name=name,
                                                           role=role, skills=[], active=True, version=1))
    api, auth = suite["tickets"], suite["auth"]
    records: dict[str, dict[str, str]] = {}
    for key, estate, agent, colleague in (("sun", sun, "agent", "colleague"),
                                         ("moon", moon, "moon_agent", "moon_colleague")):
        desk = auth("service_desk_agent", [estate])
        manager = auth("estate_manager", [estate])
        start = datetime.now(UTC) + timedelta(hours=2)
        made = {
            "entry": api.post("/api/v1/diary", headers=desk, json={
                "estate_id": estate, "kind": "appointment", "title": f"{key}-上门查看水表", "team": "desk",
                "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}),
            "call": api.post("/api/v1/calls", headers=desk, json={
                "estate_id": estate, "direction": "inbound", "number": "13900001111" if key == "sun" else "13900002222",
                "ring_started_at": datetime.now(UTC).isoformat(), "outcome": "missed", "notes": f"{key}-未接来电"}),
            "handover": api.post("/api/v1/shifts/handovers", headers=desk, json={
                "estate_id": estate, "outgoing_staff_id": str(staff[colleague]), "incoming_staff_id": str(staff[agent]),
                "desk": f"{key}-前台", "notes": [f"{key}-钥匙借给3-502"]}),
            "item": api.post("/api/v1/catalogue/items", headers=manager, json={
                "estate_id": estate, "code": f"{key}-unclog", "kind": "paid", "name_zh": f"{key}-疏通下水道",
                "name_en": f"{key} drain unclogging", "price": "80.00", "cost": "50.00"}),
            "article": api.post("/api/v1/knowledge/articles", headers=desk, json={
                "estate_id": estate, "title": f"{key}-水管漏水怎么办", "symptoms": "漏水", "steps": ["关闭总阀"]}),
            "script": api.post("/api/v1/scripts", headers=manager, json={
                "estate_id": estate, "name": f"{key}-报修话术", "opening": "您好，物业客服中心"}),
        }
        for what, answer in made.items():
            assert answer.status_code == 201, (what, answer.json)
        article = made["article"].json
        approved = api.post(f"/api/v1/knowledge/articles/{article['id']}/versions/1/review",
                            headers=auth("estate_manager", [estate], subject="reviewer"), json={"approve": True})
        assert approved.status_code == 200, approved.json
        records[key] = {what: answer.json["id"] for what, answer in made.items()}
    return {"staff": {k: str(v) for k, v in staff.items()}, "records": records}


def _agent(suite, world, language: str | None = None) -> Any:
    client = suite["console"](suite["gateway"](), "service_desk_agent", [suite["estate"]["id"]],
                              subject=world["staff"]["agent"])
    if language:
        client.get(f"/console/language/{language}")
    return client


def test_each_desk_page_lists_its_estate_s_records_and_not_another_s(suite, world) -> None:
    desk = _agent(suite, world)
    for path, sun, moon in (("/console/desk/appointments", "sun-上门查看水表", "moon-上门查看水表"),
                            ("/console/desk/calls", "sun-未接来电", "moon-未接来电"),
                            ("/console/desk/handover", "sun-前台", "moon-前台"),
                            ("/console/desk/catalogue", "sun-疏通下水道", "moon-疏通下水道"),
                            ("/console/desk/knowledge?q=漏水", "sun-水管漏水怎么办", "moon-水管漏水怎么办"),
                            ("/console/desk/knowledge?q=报修", "sun-报修话术", "moon-报修话术")):
        answer = desk.get(path)
        assert answer.status_code == 200, (path, answer.text)
        assert sun in answer.text and moon not in answer.text, path
    calls = desk.get("/console/desk/calls").text
    assert "139****1111" in calls and "13900001111" not in calls  # masked as the service masks it
    home = desk.get("/console/desk")
    assert home.status_code == 200 and "1 份交接班记录等待您签收" in home.text
    assert desk.get(f"/console/desk/catalogue?estate_id={suite['other']['id']}").status_code == 404


def test_booking_an_appointment_adds_it_to_the_diary(suite, world) -> None:
    desk = _agent(suite, world)
    form = desk.get("/console/desk/appointments")
    answer = desk.post("/console/desk/appointments", data={
        "csrf": _csrf(form), "estate_id": suite["estate"]["id"], "kind": "appointment", "title": "给 1-101 换锁芯",
        "staff_id": world["staff"]["colleague"], "starts_at": _local(timedelta(days=1)),
        "ends_at": _local(timedelta(days=1, hours=1)), "location": "1-101"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("done=booked")
    diary = suite["tickets"].get("/api/v1/diary", headers=suite["auth"]("service_desk_agent", [suite["estate"]["id"]]),
                                 query_string={"staff_id": world["staff"]["colleague"]}).json["items"]
    assert [e["title"] for e in diary] == ["给 1-101 换锁芯"]
    assert "给 1-101 换锁芯" in desk.get("/console/desk/appointments?done=booked").text


@pytest.mark.parametrize(("language", "said"), [(None, "请填写「事项」。"), ("en", "Enter Title.")])
def test_a_bad_appointment_is_refused_in_the_agent_s_language_and_books_nothing(suite, world, language, said) -> None:
    desk = _agent(suite, world, language)
    headers = suite["auth"]("service_desk_agent", [suite["estate"]["id"]])
    before = len(suite["tickets"].get("/api/v1/diary", headers=headers).json["items"])
    form = desk.get("/console/desk/appointments")
    answer = desk.post("/console/desk/appointments", data={
        "csrf": _csrf(form), "estate_id": suite["estate"]["id"], "kind": "appointment", "title": "",
        "starts_at": _local(timedelta(hours=3)), "ends_at": _local(timedelta(hours=2))})
    assert answer.status_code == 422
    assert said in answer.text and 'aria-describedby="title-error"' in answer.text
    assert 'class="error-summary"' in answer.text
    assert len(suite["tickets"].get("/api/v1/diary", headers=headers).json["items"]) == before


def test_recording_a_call_logs_it_and_a_bad_number_is_refused(suite, world) -> None:
    desk = _agent(suite, world)
    headers = suite["auth"]("service_desk_agent", [suite["estate"]["id"]])
    form = desk.get("/console/desk/calls")
    refused = desk.post("/console/desk/calls", data={
        "csrf": _csrf(form), "estate_id": suite["estate"]["id"], "direction": "inbound", "number": "call me",
        "outcome": "answered"})
    assert refused.status_code == 422 and "「电话号码」须为电话号码" in refused.text
    assert not [c for c in suite["tickets"].get("/api/v1/calls", headers=headers).json["items"]
                if c["notes"] == "问物业费"]
    answer = desk.post("/console/desk/calls", data={
        "csrf": _csrf(form), "estate_id": suite["estate"]["id"], "direction": "inbound", "number": "13812345678",
        "outcome": "answered", "notes": "问物业费"})
    assert answer.status_code == 302, answer.text
    [logged] = [c for c in suite["tickets"].get("/api/v1/calls", headers=headers).json["items"]
                if c["notes"] == "问物业费"]
    assert logged["staff_id"] == world["staff"]["agent"] and logged["answered_at"]


def test_a_handover_is_written_and_signed_by_the_incoming_agent(suite, world) -> None:
    desk = _agent(suite, world)
    headers = suite["auth"]("service_desk_agent", [suite["estate"]["id"]])
    form = desk.get("/console/desk/handover")
    refused = desk.post("/console/desk/handover", data={"csrf": _csrf(form), "estate_id": suite["estate"]["id"],
                                                        "incoming_staff_id": "", "note": "无"})
    assert refused.status_code == 422 and "请填写「接班人」。" in refused.text
    written = desk.post("/console/desk/handover", data={
        "csrf": _csrf(form), "estate_id": suite["estate"]["id"], "incoming_staff_id": world["staff"]["colleague"],
        "desk": "前台", "note": "夜班平稳", "notes": "2栋1号梯停用\n钥匙借给3-502"})
    assert written.status_code == 302, written.text
    [made] = [h for h in suite["tickets"].get("/api/v1/shifts/handovers", headers=headers).json["items"]
              if h["note"] == "夜班平稳"]
    assert made["outgoing_staff_id"] == world["staff"]["agent"] and made["state"] == "written"
    assert [i["text"] for i in made["items"] if i["kind"] == "note"] == ["2栋1号梯停用", "钥匙借给3-502"]

    waiting = world["records"]["sun"]["handover"]
    page = desk.get("/console/desk/handover")
    assert f'action="/console/desk/handover/{waiting}/sign"' in page.text
    signed = desk.post(f"/console/desk/handover/{waiting}/sign", data={"csrf": _csrf(page)})
    assert signed.status_code == 302
    assert suite["tickets"].get(f"/api/v1/shifts/handovers/{waiting}", headers=headers).json["state"] == "signed"
    again = desk.post(f"/console/desk/handover/{waiting}/sign", data={"csrf": _csrf(page)})
    assert again.status_code == 409 and "已签收" in again.text
    moon = world["records"]["moon"]["handover"]
    assert desk.post(f"/console/desk/handover/{moon}/sign", data={"csrf": _csrf(page)}).status_code == 404
    moon_headers = suite["auth"]("service_desk_agent", [suite["other"]["id"]])
    assert suite["tickets"].get(f"/api/v1/shifts/handovers/{moon}", headers=moon_headers).json["state"] == "written"


@pytest.mark.parametrize("path", ["/console/desk/appointments", "/console/desk/calls", "/console/desk/handover",
                                  f"/console/desk/handover/{uuid.uuid4()}/sign", "/console/register/departments",
                                  "/console/register/equipment", "/console/register/prospects",
                                  "/console/register/contracts"])
def test_every_form_refuses_a_post_without_the_csrf_token(suite, world, path) -> None:
    manager = suite["console"](suite["gateway"](), "estate_manager", [suite["estate"]["id"]],
                               subject=world["staff"]["agent"])
    answer = manager.post(path, data={"csrf": "forged", "estate_id": suite["estate"]["id"], "title": "x",
                                      "name": "x", "code": "x_code"})
    assert answer.status_code == 400 and "本次提交未做任何更改" in answer.text


def test_the_register_is_the_managers_not_a_desk_agent_s(suite, world) -> None:
    desk = _agent(suite, world)
    assert "/console/register" not in desk.get("/console/desk").text
    for path in ("/console/register", "/console/register/departments", "/console/register/equipment",
                 "/console/register/prospects", "/console/register/contracts"):
        assert desk.get(path).status_code == 404, path
    form = desk.get("/console/desk/calls")
    assert desk.post("/console/register/departments", data={"csrf": _csrf(form), "name": "工程部",
                                                              "code": "engineering"}).status_code == 404


def test_a_manager_adds_to_the_register_and_a_bad_form_changes_nothing(suite, world) -> None:
    estate = suite["estate"]["id"]
    manager = suite["console"](suite["gateway"](), "estate_manager", [estate], subject=world["staff"]["agent"])
    page = manager.get("/console/register/departments")
    assert page.status_code == 200
    csrf = _csrf(page)
    for path, bad, good, seen in (
        ("/console/register/departments", {"name": "工程部", "code": ""},
         {"name": "工程部", "code": "engineering"}, "工程部"),
        ("/console/register/equipment", {"kind": "lift", "identifier": "1栋-1号梯", "name": "1栋1号客梯",
                                         "installed_on": "昨天"},
         {"kind": "lift", "identifier": "1栋-1号梯", "name": "1栋1号客梯", "maintenance_contractor": "某电梯维保公司"},
         "1栋1号客梯"),
        ("/console/register/prospects", {"name": "陈先生", "interest": "buyer", "mobile": "not a phone"},
         {"name": "陈先生", "interest": "buyer", "mobile": "13700001234", "source": "来访"}, "陈先生"),
        ("/console/register/contracts", {"name": "物业服务合同", "code": "service_contract", "kind": "contract",
                                         "paragraphs": ""},
         {"name": "物业服务合同", "code": "service_contract", "kind": "contract",
          "paragraphs": "甲方：{{ estate_name }}\n乙方：{{ person_name }}"}, "物业服务合同"),
    ):
        refused = manager.post(path, data={"csrf": csrf, "estate_id": estate, **bad})
        assert refused.status_code == 422 and 'class="error-summary"' in refused.text, path
        assert seen not in manager.get(path).text.split("<h2 id=\"add-heading\">")[0], path
        added = manager.post(path, data={"csrf": csrf, "estate_id": estate, **good})
        assert added.status_code == 302, (path, added.text)
        listed = manager.get(path).text
        assert seen in listed.split("<h2 id=\"add-heading\">")[0], path
    prospects = manager.get("/console/register/prospects").text
    assert "137****1234" in prospects and "13700001234" not in prospects
    english = manager.get("/console/language/en")
    assert english.status_code == 302
    refused = manager.post("/console/register/departments", data={"csrf": csrf, "estate_id": estate,
                                                                  "name": "", "code": "x"})
    assert refused.status_code == 422 and "Enter Name." in refused.text
    assert manager.get(f"/console/register/departments?estate_id={suite['other']['id']}").status_code == 404


def test_a_manager_decommissions_equipment_and_assigns_a_lead(suite, world) -> None:
    estate = suite["estate"]["id"]
    manager = suite["console"](suite["gateway"](), "estate_manager", [estate], subject=world["staff"]["agent"])
    csrf = _csrf(manager.get("/console/register/equipment"))
    added = manager.post("/console/register/equipment", data={
        "csrf": csrf, "estate_id": estate, "kind": "pump", "identifier": "B1-生活水泵", "name": "生活水泵"})
    assert added.status_code == 302
    page = manager.get("/console/register/equipment").text
    [item] = re.findall(r'action="/console/register/equipment/([0-9a-f-]+)/decommission"', page)[-1:]
    assert manager.post(f"/console/register/equipment/{item}/decommission",
                        data={"csrf": csrf, "estate_id": estate}).status_code == 302
    assert f"/console/register/equipment/{item}/decommission" not in manager.get("/console/register/equipment").text

    assert manager.post("/console/register/prospects", data={
        "csrf": csrf, "estate_id": estate, "name": "林女士", "interest": "tenant"}).status_code == 302
    leads = manager.get("/console/register/prospects").text
    [lead] = re.findall(r'action="/console/register/prospects/([0-9a-f-]+)"', leads)[:1]
    refused = manager.post(f"/console/register/prospects/{lead}", data={"csrf": csrf, "estate_id": estate,
                                                                        "stage": "won"})
    assert refused.status_code == 422 and "不是可选的项" in refused.text
    moved = manager.post(f"/console/register/prospects/{lead}", data={
        "csrf": csrf, "estate_id": estate, "stage": "contacted", "follow_up_on": "2030-01-15"})
    assert moved.status_code == 302
    assert 'value="contacted" selected' in manager.get("/console/register/prospects").text


def test_a_technician_s_own_work_lists_only_the_tickets_assigned_to_them(suite, world) -> None:
    estate = suite["estate"]["id"]
    desk = suite["auth"]("service_desk_agent", [estate])
    mine, theirs = suite["households"]["zhang"]["ticket"], suite["households"]["li"]["ticket"]
    for path, body in (("acknowledge", {}), ("dispatch", {"staff_id": world["staff"]["technician"]})):
        answer = suite["tickets"].post(f"/api/v1/tickets/{mine}/{path}", headers=desk, json=body)
        assert answer.status_code == 200, answer.json
    technician = suite["console"](suite["gateway"](), "technician", [estate], subject=world["staff"]["technician"])
    page = technician.get("/console/my-work")
    assert page.status_code == 200
    assert f'href="/console/tickets/{mine}"' in page.text and f"/console/tickets/{theirs}" not in page.text
    assert "张伟：物业费怎么交" in page.text and "李娜" not in page.text
    assert "到场时限" in page.text or "处理时限" in page.text  # the SLA clock of its next target
    other = suite["console"](suite["gateway"](), "technician", [estate], subject=str(uuid.uuid4()))
    assert f"/console/tickets/{mine}" not in other.get("/console/my-work").text
    assert technician.get("/console/desk").status_code == 404
    assert _agent(suite, world).get("/console/my-work").status_code == 404


def test_a_callback_is_marked_done_from_the_call_log(suite, world) -> None:
    desk = _agent(suite, world)
    headers = suite["auth"]("service_desk_agent", [suite["estate"]["id"]])
    [callback] = suite["tickets"].get("/api/v1/callbacks", headers=headers,
                                      query_string={"call_id": world["records"]["sun"]["call"]}).json["items"]
    page = desk.get("/console/desk/calls")
    assert f'action="/console/desk/callbacks/{callback["id"]}/done"' in page.text
    done = desk.post(f"/console/desk/callbacks/{callback['id']}/done", data={"csrf": _csrf(page)})
    assert done.status_code == 302 and done.headers["Location"].endswith("done=called_back")
    assert suite["tickets"].get(f"/api/v1/callbacks/{callback['id']}", headers=headers).json["state"] == "done"
    again = desk.post(f"/console/desk/callbacks/{callback['id']}/done", data={"csrf": _csrf(page)})
    assert again.status_code == 409 and 'class="notice bad"' in again.text
    moon_headers = suite["auth"]("service_desk_agent", [suite["other"]["id"]])
    [moon] = suite["tickets"].get("/api/v1/callbacks", headers=moon_headers,
                                  query_string={"call_id": world["records"]["moon"]["call"]}).json["items"]
    assert desk.post(f"/console/desk/callbacks/{moon['id']}/done", data={"csrf": _csrf(page)}).status_code == 404
    assert suite["tickets"].get(f"/api/v1/callbacks/{moon['id']}", headers=moon_headers).json["state"] == "open"


@pytest.mark.parametrize(("language", "said"), [(None, "过长（最多 200 个字符）"), ("en", "is too long (at most 200")])
def test_an_overlong_knowledge_search_is_refused_in_the_agent_s_language(suite, world, language, said) -> None:
    answer = _agent(suite, world, language).get("/console/desk/knowledge", query_string={"q": "漏" * 201})
    assert answer.status_code == 422 and said in answer.text and 'aria-describedby="q-hint q-error"' in answer.text


def test_a_manager_of_one_estate_finds_nothing_of_another_s_register(suite, world) -> None:
    sun, moon = suite["estate"]["id"], suite["other"]["id"]
    theirs = suite["console"](suite["gateway"](), "estate_manager", [moon], subject=world["staff"]["moon_agent"])
    csrf = _csrf(theirs.get("/console/register/departments"))
    for path, form in (("/console/register/departments", {"name": "月亮湾保洁部", "code": "moon_cleaning"}),
                       ("/console/register/equipment", {"kind": "gate", "identifier": "月亮湾南门",
                                                        "name": "月亮湾南门道闸"}),
                       ("/console/register/prospects", {"name": "月亮湾周先生", "interest": "buyer"}),
                       ("/console/register/contracts", {"name": "月亮湾停车协议", "code": "moon_parking",
                                                        "kind": "contract", "paragraphs": "甲方：{{ estate_name }}"})):
        assert theirs.post(path, data={"csrf": csrf, "estate_id": moon, **form}).status_code == 302, path
    ids = {what: re.findall(pattern, theirs.get(path).text)[0] for what, path, pattern in (
        ("department", "/console/register/departments", r'action="/console/register/departments/([0-9a-f-]+)"'),
        ("equipment", "/console/register/equipment", r'action="/console/register/equipment/([0-9a-f-]+)/decommission"'),
        ("prospect", "/console/register/prospects", r'action="/console/register/prospects/([0-9a-f-]+)"'))}

    mine = suite["console"](suite["gateway"](), "estate_manager", [sun], subject=world["staff"]["agent"])
    csrf = _csrf(mine.get("/console/register/departments"))
    for path in ("/console/register/departments", "/console/register/equipment", "/console/register/prospects",
                 "/console/register/contracts"):
        page = mine.get(path)
        assert page.status_code == 200 and "月亮湾" not in page.text, path
    for path, form in ((f"/console/register/departments/{ids['department']}", {"supervisor_id": ""}),
                       (f"/console/register/equipment/{ids['equipment']}/decommission", {}),
                       (f"/console/register/prospects/{ids['prospect']}", {"stage": "contacted"})):
        assert mine.post(path, data={"csrf": csrf, "estate_id": sun, **form}).status_code == 404, path
    still = theirs.get("/console/register/equipment").text
    assert f"/console/register/equipment/{ids['equipment']}/decommission" in still  # not decommissioned
