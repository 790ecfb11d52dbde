"""A ticket's page in the staff console (issue 24): the stages, the SLA clocks and the steps allowed
now; each step taken through the page changes the ticket (read back through the tickets API); a bad
form is refused in the staff member's language beside its field and changes nothing; a POST without
the session's CSRF token changes nothing; another estate's ticket is not found; a technician sees
only their own tickets and only the steps a technician takes; attachments are uploaded and shown
through the page.

The views' suite has no staff: two technicians of 阳光花园 (SUN) are written into tickets' copy of
owners' staff here, holding the whole estate, so dispatch has someone to suggest."""

from __future__ import annotations

import base64
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

# A 1x1 PNG, as a phone's photo would be attached.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAAB"
                       "JRU5ErkJggg==")


@pytest.fixture(scope="module")
def staff(suite) -> dict[str, str]:
    """Two technicians holding the whole of SUN, in tickets' copy of owners' staff."""
    from tickets.tables import staff as staff_copy
    from tickets.tables import territories

    estate = uuid.UUID(suite["estate"]["id"])
    ids = {"wu": uuid.uuid4(), "zhao": uuid.uuid4()}
    with suite["engines"]["tickets"].begin() as conn:
        for key, name in (("wu", "吴师傅"), ("zhao", "赵师傅")):
            conn.execute(insert(staff_copy).values(id=ids[key], estate_id=estate, name=name, role="technician",
                                                   skills=["customer_service", "plumbing"], active=True, version=1))
            conn.execute(insert(territories).values(id=uuid.uuid4(), estate_id=estate, staff_id=ids[key],
                                                    building_id=None, released=False, version=1))
    return {key: str(value) for key, value in ids.items()}


def _desk_headers(suite, estate: str | None = None) -> dict[str, str]:
    return suite["auth"]("service_desk_agent", [estate or suite["estate"]["id"]])


def _complaint(suite, household: str = "zhang", **changes: Any) -> dict[str, Any]:
    """A complaint opened through the tickets API with the desk's token, as the quick entry opens one."""
    home = suite["households"][household]
    opened = suite["tickets"].post("/api/v1/tickets", headers=_desk_headers(suite, home["estate"]), json={
        "estate_id": home["estate"], "unit_id": home["unit"], "person_id": home["person"], "kind": "complaint",
        "channel": "phone", "complaint_class": "management", "quality_aspect": "attitude",
        "contact_name": home["name"], "contact_phone": "13812345678", "title": "保安态度差",
        "description": "门岗保安态度恶劣", **changes})
    assert opened.status_code == 201, opened.json
    return opened.json


def _api(suite, ticket_id: str) -> dict[str, Any]:
    return suite["tickets"].get(f"/api/v1/tickets/{ticket_id}", headers=suite["auth"]()).json


def _step(suite, ticket_id: str, path: str, **body: Any) -> dict[str, Any]:
    answer = suite["tickets"].post(f"/api/v1/tickets/{ticket_id}/{path}", json=body, headers=_desk_headers(suite))
    assert answer.status_code == 200, answer.json
    return answer.json


def _csrf(page) -> str:  # noqa: ANN001
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def _post(client, ticket_id: str, action: str, **form: str):  # noqa: ANN001, ANN202
    csrf = _csrf(client.get(f"/console/tickets/{ticket_id}"))
    return client.post(f"/console/tickets/{ticket_id}/steps/{action}", data={"csrf": csrf, **form})


@pytest.fixture(scope="module")
def desk(suite, staff):  # noqa: ANN001, ANN201
    return suite["console"](suite["gateway"](), "service_desk_agent", [suite["estate"]["id"]])


def test_the_page_shows_the_stages_the_clocks_and_the_steps_allowed_now(suite, desk) -> None:
    ticket = _complaint(suite)
    page = desk.get(f"/console/tickets/{ticket['id']}")
    assert page.status_code == 200
    assert f"工单 {ticket['number']}" in page.text
    stepper = re.search(r'<ol class="stepper">(.*?)</ol>', page.text, re.S).group(1)
    assert re.findall(r'<span class="stage-name">([^<]+)</span>', stepper) == [
        "已登记", "已受理", "已派工", "已到场", "已处理", "已回复业主", "已回访评价", "已归档"]
    assert re.search(r'<li class="now" aria-current="step">\s*<span class="dot"[^>]*></span>\s*'
                     r'<span class="stage-name">已登记</span>', stepper)
    # The clocks: a complaint is acknowledged within a minute and a handler on site within three.
    assert "受理时限" in page.text and "到场时限" in page.text and "完成时限" in page.text
    assert re.search(r'class="clock" data-left="-?\d+"', page.text)
    # The steps allowed now, each its own form; the contact phone masked as the API masks it.
    forms = re.findall(r'action="/console/tickets/[^/]+/steps/(\w+)"', page.text)
    assert forms == [a for a in ticket["allowed_actions"] if a in forms] and forms[0] == "acknowledge"
    assert set(forms) == {"acknowledge", "merge", "cancel", "pause"}
    assert "13812345678" not in page.text and "138****5678" in page.text
    assert f'href="/console/people/{ticket["person_id"]}"' in page.text
    occupants = re.search(r'<ul class="occupants">(.*?)</ul>', page.text, re.S).group(1)
    assert "张伟" in occupants and "业主" in occupants and "138****5678" in occupants  # the unit's, masked

    english = desk.get(f"/console/language/en?next=/console/tickets/{ticket['id']}", follow_redirects=True)
    try:
        assert f"Ticket {ticket['number']}" in english.text and "Acknowledge by" in english.text
        assert ">Acknowledge</button>" in english.text
    finally:
        desk.get("/console/language/zh-CN?next=/console/")


def test_each_step_of_the_main_path_through_the_page_changes_the_ticket(suite, desk, staff) -> None:
    ticket = _complaint(suite)
    tid = ticket["id"]
    answer = _post(desk, tid, "acknowledge", note="已电话安抚")
    assert answer.status_code == 303 and answer.headers["Location"].startswith(f"/console/tickets/{tid}?done=")
    assert _api(suite, tid)["stage"] == "acknowledged"

    page = desk.get(answer.headers["Location"])
    assert "已完成：受理。" in page.text
    suggested = re.search(r'<option value="">(\S+)（系统推荐）</option>', page.text).group(1)
    assert suggested in ("吴师傅", "赵师傅")
    assert re.search(r'<p class="why" id="dispatch-staff_id-hint">\s*<strong>推荐：', page.text)
    assert "未完成工单" in page.text  # why: the load of whoever is suggested
    assert _post(desk, tid, "dispatch", staff_id="").status_code == 303
    after = _api(suite, tid)
    assert after["stage"] == "dispatched"
    assert after["assignee_id"] == staff["wu" if suggested == "吴师傅" else "zhao"]

    assert _post(desk, tid, "arrive").status_code == 303
    assert _api(suite, tid)["stage"] == "on_site"
    assert _post(desk, tid, "resolve", resolution="已与保安主管沟通，当面致歉").status_code == 303
    assert _api(suite, tid)["stage"] == "resolved"
    assert _post(desk, tid, "inform_owner", how="phone").status_code == 303
    assert _post(desk, tid, "evaluate", score="5", comment="满意").status_code == 303
    evaluated = _api(suite, tid)
    assert evaluated["stage"] == "evaluated" and evaluated["evaluation_score"] == 5
    page = desk.get(f"/console/tickets/{tid}")
    assert "<strong>5 / 5</strong>" in page.text and "服务台回访" in page.text
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', page.text, re.S).group(1)
    for said in ("登记", "受理", "派工", "到达现场", "处理完毕", "回复业主", "回访评价", "已电话安抚",
                 f"派给 {suggested}"):
        assert said in timeline, said
    assert _post(desk, tid, "archive").status_code == 303
    assert _api(suite, tid)["stage"] == "archived"
    assert _post(desk, tid, "reopen", reason="业主再次来电", to="acknowledged").status_code == 303
    assert _api(suite, tid)["stage"] == "acknowledged"


def test_the_other_steps_through_the_page(suite, desk, staff) -> None:
    first, second = _complaint(suite), _complaint(suite)
    assert _post(desk, second["id"], "pause", reason="业主出差，下周再约").status_code == 303
    assert _api(suite, second["id"])["waiting_on_owner"] is True
    assert _post(desk, second["id"], "resume").status_code == 303
    assert _api(suite, second["id"])["waiting_on_owner"] is False
    _step(suite, second["id"], "acknowledge")
    promised = (datetime.now(UTC) + timedelta(days=2)).astimezone().strftime("%Y-%m-%dT%H:%M")
    assert _post(desk, second["id"], "explain", explanation="需更换门禁设备", promised_by=promised).status_code == 303
    explained = _api(suite, second["id"])
    assert explained["stage"] == "explained" and explained["promised_by"]
    assert _post(desk, second["id"], "escalate", reason="需总部审批").status_code == 303
    assert _api(suite, second["id"])["stage"] == "escalated"
    assert _post(desk, second["id"], "reassign", reason="换人跟进", staff_id=staff["zhao"]).status_code == 303
    assert _api(suite, second["id"])["assignee_id"] == staff["zhao"]
    assert _post(desk, second["id"], "cancel", reason="业主撤回投诉").status_code == 303
    assert _api(suite, second["id"])["stage"] == "cancelled"

    duplicate = _complaint(suite)
    page = desk.get(f"/console/tickets/{duplicate['id']}")
    assert f'<option value="{first["id"]}"' in page.text  # the same unit's open tickets to merge into
    assert _post(desk, duplicate["id"], "merge", into_ticket_id=first["id"]).status_code == 303
    merged = _api(suite, duplicate["id"])
    assert merged["stage"] == "merged" and merged["merged_into_id"] == first["id"]


@pytest.mark.parametrize(("language", "said"), [
    ("zh-CN", {"resolve": "请填写处理结果。", "explain": "承诺时间必须晚于现在。", "evaluate": "请选择 1 到 5 分。"}),
    ("en", {"resolve": "Enter the resolution.", "explain": "The promised date must be after now.",
            "evaluate": "Choose a score from 1 to 5."}),
])
def test_a_bad_form_is_refused_beside_its_field_and_changes_nothing(suite, desk, language, said) -> None:
    desk.get(f"/console/language/{language}?next=/console/")
    try:
        ticket = _complaint(suite)
        tid = ticket["id"]
        for path in ("acknowledge", "dispatch", "arrive"):
            _step(suite, tid, path)
        before = _api(suite, tid)
        refused = _post(desk, tid, "resolve", resolution="  ")
        assert refused.status_code == 422
        assert f'<p class="error" id="resolve-resolution-error">{said["resolve"]}</p>' in refused.text
        assert 'aria-describedby="resolve-resolution-error"' in refused.text
        assert 'href="#resolve-resolution"' in refused.text  # the error summary links the field
        past = (datetime.now(UTC) - timedelta(hours=3)).astimezone().strftime("%Y-%m-%dT%H:%M")
        refused = _post(desk, tid, "explain", explanation="等配件", promised_by=past)
        assert refused.status_code == 422 and said["explain"] in refused.text
        assert 'value="等配件"' not in refused.text  # a textarea keeps what was typed as its content
        assert ">等配件</textarea>" in refused.text
        after = _api(suite, tid)
        assert (after["stage"], after["version"], after["promised_by"]) == ("on_site", before["version"], None)
        # The refused form's address opened again (the language switch goes back to it): the ticket's page.
        assert desk.get(f"/console/tickets/{tid}/steps/explain").headers["Location"] == f"/console/tickets/{tid}"

        _step(suite, tid, "resolve", resolution="ok")
        _step(suite, tid, "inform-owner", how="phone")
        refused = _post(desk, tid, "evaluate", score="9")
        assert refused.status_code == 422 and said["evaluate"] in refused.text
        assert _api(suite, tid)["evaluation_score"] is None
    finally:
        desk.get("/console/language/zh-CN?next=/console/")


def test_a_step_the_stage_does_not_allow_is_refused_with_the_services_words(suite, desk) -> None:
    ticket = _complaint(suite)
    refused = _post(desk, ticket["id"], "arrive")  # not dispatched yet: the tickets API's 409
    assert refused.status_code == 409 and "不能执行此操作" in refused.text
    assert _api(suite, ticket["id"])["stage"] == "received"


def test_a_post_without_the_sessions_csrf_token_changes_nothing(suite, desk) -> None:
    ticket = _complaint(suite)
    for form in ({}, {"csrf": "forged"}):
        refused = desk.post(f"/console/tickets/{ticket['id']}/steps/acknowledge", data=form)
        assert refused.status_code == 400 and "本次提交未做任何更改" in refused.text
    refused = desk.post(f"/console/tickets/{ticket['id']}/attachments", data={"file": (io.BytesIO(PNG), "a.png")},
                        content_type="multipart/form-data")
    assert refused.status_code == 400
    assert _api(suite, ticket["id"])["stage"] == "received"
    assert suite["tickets"].get(f"/api/v1/tickets/{ticket['id']}/attachments", headers=suite["auth"]()).json == []


def test_another_estates_ticket_is_not_found(suite, desk) -> None:
    moon = _complaint(suite, "wang")
    for path in ("", "/attachments/" + str(uuid.uuid4())):
        page = desk.get(f"/console/tickets/{moon['id']}{path}")
        assert page.status_code == 404 and "没有找到此页面或记录" in page.text
        assert moon["number"] not in page.text
    csrf = _csrf(desk.get("/console/", follow_redirects=True))
    refused = desk.post(f"/console/tickets/{moon['id']}/steps/acknowledge", data={"csrf": csrf})
    assert refused.status_code == 404
    assert _api(suite, moon["id"])["stage"] == "received"


def test_a_technician_sees_only_their_own_tickets_and_their_own_steps(suite, staff) -> None:
    mine, theirs = _complaint(suite), _complaint(suite)
    for ticket, who in ((mine, "wu"), (theirs, "zhao")):
        _step(suite, ticket["id"], "acknowledge")
        _step(suite, ticket["id"], "dispatch", staff_id=staff[who])
    technician = suite["console"](suite["gateway"](), "technician", [suite["estate"]["id"]], subject=staff["wu"])
    page = technician.get(f"/console/tickets/{mine['id']}")
    assert page.status_code == 200
    assert re.findall(r'action="/console/tickets/[^/]+/steps/(\w+)"', page.text) == ["arrive"]
    other = technician.get(f"/console/tickets/{theirs['id']}")
    assert other.status_code == 404 and theirs["number"] not in other.text
    refused = _post(technician, mine["id"], "cancel", reason="不想做")
    assert refused.status_code == 403 and _api(suite, mine["id"])["stage"] == "dispatched"
    assert _post(technician, mine["id"], "arrive").status_code == 303
    assert _api(suite, mine["id"])["stage"] == "on_site"
    page = technician.get(f"/console/tickets/{mine['id']}")
    assert re.findall(r'action="/console/tickets/[^/]+/steps/(\w+)"', page.text) == ["resolve"]


def test_an_attachment_is_uploaded_and_shown_through_the_page(suite, desk) -> None:
    ticket = _complaint(suite)
    tid = ticket["id"]
    csrf = _csrf(desk.get(f"/console/tickets/{tid}"))
    refused = desk.post(f"/console/tickets/{tid}/attachments", data={"csrf": csrf},
                        content_type="multipart/form-data")
    assert refused.status_code == 422 and "请选择要上传的文件。" in refused.text
    refused = desk.post(f"/console/tickets/{tid}/attachments", content_type="multipart/form-data",
                        data={"csrf": csrf, "file": (io.BytesIO(b"not a photo at all"), "note.txt")})
    assert refused.status_code == 415 and 'id="attach-file-error"' in refused.text
    answer = desk.post(f"/console/tickets/{tid}/attachments", content_type="multipart/form-data",
                       data={"csrf": csrf, "file": (io.BytesIO(PNG), "门岗.png")})
    assert answer.status_code == 303
    kept = suite["tickets"].get(f"/api/v1/tickets/{tid}/attachments", headers=suite["auth"]()).json
    assert [a["content_type"] for a in kept] == ["image/png"]
    page = desk.get(f"/console/tickets/{tid}")
    thumbnail = f'<img src="/console/tickets/{tid}/attachments/{kept[0]["id"]}"'
    assert thumbnail in page.text
    image = desk.get(f"/console/tickets/{tid}/attachments/{kept[0]['id']}")
    assert image.status_code == 200 and image.data == PNG and image.content_type == "image/png"

    # A phone's photo is larger than any other form the console takes (the app's body limit): it passes.
    photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x11" * 300_000
    answer = desk.post(f"/console/tickets/{tid}/attachments", content_type="multipart/form-data",
                       data={"csrf": csrf, "file": (io.BytesIO(photo), "现场.jpg")})
    assert answer.status_code == 303
    kept = suite["tickets"].get(f"/api/v1/tickets/{tid}/attachments", headers=suite["auth"]()).json
    assert [a["size"] for a in kept] == [len(PNG), len(photo)]
