"""The desk's queue and the quick entry in the staff console (issue 24): a desk agent of one estate
sees its open tickets and none of another's, filters them, saves a filter set that comes back for
their account only, the live part returns the rows; the entry search finds a caller by the last four
digits of their mobile, a complaint entered opens a ticket (seen through the tickets API), a bad form
is refused in the agent's language and opens nothing, and a form without its CSRF token is refused."""

from __future__ import annotations

import re

import pytest


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-ticket="([^"]+)"', html)


@pytest.fixture(scope="module")
def gateway(suite):
    return suite["gateway"]


@pytest.fixture
def desk(suite, gateway):
    return suite["console"](gateway(), "service_desk_agent", [suite["estate"]["id"]])


def test_the_queue_lists_the_estates_open_tickets_with_their_clocks_and_none_of_another(suite, desk) -> None:
    households = suite["households"]
    answer = desk.get("/console/queue")
    assert answer.status_code == 200, answer.text
    rows = _rows(answer.text)
    assert households["zhang"]["ticket"] in rows and households["li"]["ticket"] in rows
    assert households["wang"]["ticket"] not in rows and "王芳" not in answer.text
    # each row's link has an id, so htmx gives it the focus back after the live part is replaced
    zhangs = households["zhang"]["ticket"]
    assert f'id="t-{zhangs}" href="/console/tickets/{zhangs}"' in answer.text
    assert 'class="clock on_time"' in answer.text and "受理时效" in answer.text  # the live clocks
    assert 'hx-trigger="every 5s"' in answer.text and "/console/queue/rows?" in answer.text
    assert "138****5678" in answer.text and "13812345678" not in answer.text  # masked as the API masks
    desk.get("/console/language/en")
    english = desk.get("/console/queue")
    assert "To acknowledge" in english.text and "Open tickets" in english.text and "受理时效" not in english.text


def test_the_filters_narrow_the_queue_and_a_wrong_one_is_refused(suite, desk) -> None:
    households = suite["households"]
    assert households["zhang"]["ticket"] in _rows(desk.get("/console/queue?kind=inquiry&stage=received").text)
    assert _rows(desk.get("/console/queue?kind=repair").text) == []
    assert _rows(desk.get("/console/queue?stage=dispatched&stage=on_site").text) == []
    assert _rows(desk.get("/console/queue?assignee_id=none&priority=normal").text)
    wrong = desk.get("/console/queue?priority=whenever")
    assert wrong.status_code == 422 and "筛选条件不是可选的值" in wrong.text and _rows(wrong.text) == []


def test_a_saved_filter_set_comes_back_for_the_same_account_only(suite, gateway) -> None:
    client = gateway()
    desk = suite["console"](client, "service_desk_agent", [suite["estate"]["id"]])
    form = desk.get("/console/queue")
    refused = desk.post("/console/queue/filters", data={"csrf": _csrf(form.text), "name": " ", "kind": "repair"})
    assert refused.status_code == 422 and "请为筛选方案命名。" in refused.text
    saved = desk.post("/console/queue/filters", data={"csrf": _csrf(form.text), "name": "报修·待派工",
                                                      "kind": "repair", "stage": ["received", "acknowledged"]})
    assert saved.status_code == 303, saved.text
    back = desk.get("/console/queue")  # no query: the set saved last
    assert "已应用筛选方案：报修·待派工" in back.text and _rows(back.text) == []
    assert '<option value="repair" selected>' in back.text
    assert 'value="received" checked' in back.text and 'value="dispatched" checked' not in back.text
    everything = desk.get("/console/queue?clear=1")
    assert suite["households"]["zhang"]["ticket"] in _rows(everything.text)
    other = suite["console"](client.application.test_client(), "service_desk_agent",
                             [suite["estate"]["id"]])  # another account of the same gateway
    theirs = other.get("/console/queue")
    assert "报修·待派工" not in theirs.text and _rows(theirs.text)
    set_id = re.search(r"/console/queue\?saved=([0-9a-f-]+)", back.text).group(1)
    assert other.get(f"/console/queue?saved={set_id}").status_code == 404
    assert other.post(f"/console/queue/filters/{set_id}/delete", data={"csrf": _csrf(theirs.text)}).status_code == 404
    assert desk.post(f"/console/queue/filters/{set_id}/delete", data={"csrf": _csrf(back.text)}).status_code == 303
    assert "报修·待派工" not in desk.get("/console/queue").text


def test_the_live_part_returns_the_rows_marking_those_opened_since(suite, desk) -> None:
    households = suite["households"]
    rows = desk.get("/console/queue/rows?since=2000-01-01T00:00:00%2B00:00")
    assert rows.status_code == 200 and "<html" not in rows.text
    assert households["zhang"]["ticket"] in _rows(rows.text) and households["wang"]["ticket"] not in _rows(rows.text)
    assert 'class="sla-on_time new"' in rows.text or "new\"" in rows.text
    assert desk.get("/console/queue/rows?since=2000-01-01T00:00:00").status_code == 200  # no zone: UTC
    assert desk.get("/console/queue/rows?since=yesterday").status_code == 200  # unreadable: now
    later = desk.get("/console/queue/rows?since=2999-01-01T00:00:00%2B00:00")
    assert households["zhang"]["ticket"] in _rows(later.text) and "★" not in later.text


def test_a_technician_has_no_queue_or_entry(suite, gateway) -> None:
    technician = suite["console"](gateway(), "technician", [suite["estate"]["id"]])
    assert technician.get("/console/queue").status_code == 404
    assert technician.get("/console/entry").status_code == 404


def test_the_entry_search_finds_a_caller_by_the_last_four_digits(suite, desk) -> None:
    hits = desk.get("/console/entry/search?q=5678")
    assert hits.status_code == 200, hits.text
    assert "张伟" in hits.text and "138****5678" in hits.text and "13812345678" not in hits.text
    assert f'/console/entry/caller?person={suite["person"]["id"]}' in hits.text
    assert "王芳" not in desk.get("/console/entry/search?q=5680").text  # MOON's, not the SUN agent's


def test_choosing_the_caller_shows_their_units_and_open_tickets(suite, desk) -> None:
    zhang = suite["households"]["zhang"]
    answer = desk.get(f"/console/entry/caller?person={zhang['person']}")
    assert answer.status_code == 200, answer.text
    assert "1-101" in answer.text and f'/console/tickets/{zhang["ticket"]}' in answer.text
    assert f'value="{zhang["unit"]}"' in answer.text
    other = desk.get(f"/console/entry/caller?person={suite['households']['wang']['person']}")
    assert other.status_code == 404 and "王芳" not in other.text


def _tickets(suite, estate: str) -> list[dict]:
    headers = suite["auth"]("service_desk_agent", [estate])
    answer = suite["tickets"].get("/api/v1/tickets?page_size=100", headers=headers)
    return answer.json["items"]


def _entry_form(desk, person: str) -> dict:
    page = desk.get(f"/console/entry?person={person}")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text).group(1)
    return {"csrf": _csrf(page.text), "idempotency_key": key, "person_id": person}


def test_a_complaint_entered_opens_one_ticket_with_its_sla_running(suite, desk) -> None:
    zhang, estate = suite["households"]["zhang"], suite["estate"]["id"]
    before = len(_tickets(suite, estate))
    form = {**_entry_form(desk, zhang["person"]), "kind": "complaint", "unit_id": zhang["unit"],
            "complaint_class": "facilities", "channel": "phone", "title": "电梯夜间噪音"}
    answer = desk.post("/console/entry", data=form)
    assert answer.status_code == 303, answer.text
    ticket_id = answer.headers["Location"].removeprefix("/console/tickets/")
    again = desk.post("/console/entry", data=form)  # a double submit: the same ticket
    assert again.status_code == 303 and again.headers["Location"] == answer.headers["Location"]
    listed = _tickets(suite, estate)
    assert len(listed) == before + 1
    [ticket] = [t for t in listed if t["id"] == ticket_id]
    assert (ticket["kind"], ticket["complaint_class"], ticket["channel"], ticket["person_id"]) == (
        "complaint", "facilities", "phone", zhang["person"])
    assert ticket["stage"] == "received" and ticket["sla"]["state"] == "on_time"
    assert {t["target"] for t in ticket["sla"]["targets"]} >= {"acknowledge", "resolve"}
    queue = desk.get("/console/queue?clear=1")
    assert ticket_id in _rows(queue.text)


@pytest.mark.parametrize(("language", "words"), [("zh-CN", "投诉须选择投诉分类。"),
                                                ("en", "A complaint needs its class.")])
def test_a_bad_entry_is_refused_in_the_agents_language_and_opens_nothing(suite, desk, language, words) -> None:
    zhang, estate = suite["households"]["zhang"], suite["estate"]["id"]
    desk.get(f"/console/language/{language}")
    before = len(_tickets(suite, estate))
    answer = desk.post("/console/entry", data={**_entry_form(desk, zhang["person"]), "kind": "complaint",
                                               "unit_id": zhang["unit"], "channel": "phone", "title": ""})
    assert answer.status_code == 422
    assert words in answer.text and 'aria-describedby="complaint_class-error"' in answer.text
    assert 'class="error-summary"' in answer.text and 'href="#title"' in answer.text
    assert len(_tickets(suite, estate)) == before


def test_a_walk_in_not_on_record_is_entered_by_name_and_number(suite, desk) -> None:
    estate = suite["estate"]["id"]
    page = desk.get("/console/entry?walk_in=1")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text).group(1)
    form = {"csrf": _csrf(page.text), "idempotency_key": key, "estate_id": estate, "kind": "inquiry",
            "unit_id": "common", "common_area": "北门", "channel": "desk", "title": "临时停车怎么办理",
            "contact_name": "访客赵先生", "contact_phone": "12"}
    refused = desk.post("/console/entry", data=form)
    assert refused.status_code == 422 and "请填写有效的联系电话" in refused.text
    opened = desk.post("/console/entry", data={**form, "contact_phone": "13700001234"})
    assert opened.status_code == 303, opened.text
    ticket_id = opened.headers["Location"].removeprefix("/console/tickets/")
    [ticket] = [t for t in _tickets(suite, estate) if t["id"] == ticket_id]
    assert (ticket["common_area"], ticket["contact_name"], ticket["person_id"]) == ("北门", "访客赵先生", None)


def test_a_form_without_its_csrf_token_is_refused_and_opens_nothing(suite, desk) -> None:
    zhang, estate = suite["households"]["zhang"], suite["estate"]["id"]
    before = len(_tickets(suite, estate))
    form = {**_entry_form(desk, zhang["person"]), "kind": "inquiry", "unit_id": zhang["unit"], "channel": "phone",
            "title": "咨询"}
    answer = desk.post("/console/entry", data={**form, "csrf": "forged"})
    assert answer.status_code == 400
    saved = desk.post("/console/queue/filters", data={"name": "mine", "kind": "repair"})
    assert saved.status_code == 400
    assert len(_tickets(suite, estate)) == before
    assert "mine" not in desk.get("/console/queue").text


def test_a_likely_duplicate_is_warned_of_before_and_after_the_ticket_opens(suite, desk) -> None:
    zhang = suite["households"]["zhang"]  # his open inquiry about 1-101, opened today
    before = desk.get(f"/console/entry/duplicates?unit_id={zhang['unit']}&kind=inquiry&category=")
    assert before.status_code == 200 and "可能重复" in before.text
    assert f'/console/tickets/{zhang["ticket"]}' in before.text
    assert "可能重复" not in desk.get(f"/console/entry/duplicates?unit_id={zhang['unit']}&kind=repair").text
    opened = desk.post("/console/entry", data={**_entry_form(desk, zhang["person"]), "kind": "inquiry",
                                               "unit_id": zhang["unit"], "channel": "phone", "title": "物业费能否分期"})
    assert opened.status_code == 201, opened.text  # opened, the duplicates shown before its page
    assert "工单已登记" in opened.text and f'/console/tickets/{zhang["ticket"]}' in opened.text
    new = re.search(r'href="/console/tickets/([0-9a-f-]+)" autofocus', opened.text).group(1)
    assert new != zhang["ticket"]
    assert any(t["id"] == new for t in _tickets(suite, suite["estate"]["id"]))
