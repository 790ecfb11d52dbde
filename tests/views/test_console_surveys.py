"""The console's surveys, estate dashboard and monthly complaint report (issue 24), over the views'
suite: real services over HTTP, the gateway signed in as a staff member of one estate.

A SUN agent sees SUN's wave and not MOON's (opened here by MOON's manager from the page); opening a
wave with bad input is refused in the staff member's language and opens none; without the form's
CSRF token nothing is opened; a wave's results and the dashboard hold each chart's data and the same
numbers as a table; the report page makes the month's report and downloads the API's own file."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select

from surveys.tables import waves

SETTINGS = "servicekit.settings"  # where servicekit.webapp keeps an app's settings
SCORES = {"attitude": 5, "equipment": 4, "skills": 5, "services": 4, "flexibility": 3, "procedures": 4, "fees": 2,
          "rules": 4, "efficiency": 5}


def _upstreams(client: Any) -> dict[str, str]:
    settings = client.application.extensions[SETTINGS]
    return dict(part.split("=", 1) for part in settings.edge_upstreams.split(","))


def _waves(suite: dict, estate: str) -> int:
    with suite["engines"]["surveys"].connect() as conn:
        count = select(func.count()).select_from(waves).where(waves.c.estate_id == uuid.UUID(estate))
        return conn.execute(count).scalar_one()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def _chart(page: str, name: str) -> dict[str, Any]:
    found = re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', page, re.S)
    assert found, f"no chart data {name}"
    return json.loads(found.group(1))


def _table(page: str, name: str) -> list[list[str]]:
    found = re.search(rf'<table[^>]*id="{name}"[^>]*>(.*?)</table>', page, re.S)
    assert found, f"no table {name}"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(1), re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]


@pytest.fixture(scope="module")
def moon_wave(suite) -> str:
    """MOON's wave, opened from the console's form by MOON's estate manager."""
    other = suite["other"]["id"]
    manager = suite["console"](suite["gateway"](), "estate_manager", [other])
    before = _waves(suite, other)
    form = manager.get("/console/surveys")
    assert form.status_code == 200
    opened = manager.post("/console/surveys/waves", data={
        "csrf": _csrf(form.text), "estate": other, "period": "2026-Q4", "percent": "50", "lookback": "2",
        "key": "moon-wave-1"})
    assert opened.status_code == 303, opened.text
    assert _waves(suite, other) == before + 1
    wave_id = opened.headers["Location"].split("/")[-1].split("?")[0]
    shown = manager.get(opened.headers["Location"])
    assert "2026-Q4" in shown.text and "月亮湾" in shown.text
    return wave_id


def test_the_surveys_page_lists_the_agents_estates_waves_only(suite, moon_wave) -> None:
    sun = suite["estate"]["id"]
    agent = suite["console"](suite["gateway"](), "service_desk_agent", [sun])
    answer = agent.get("/console/surveys")
    assert answer.status_code == 200
    assert f'data-wave="{suite["wave"]["id"]}"' in answer.text
    assert moon_wave not in answer.text and "月亮湾" not in answer.text
    assert "回复率" in answer.text and "0 / " in answer.text  # each wave's response rate
    assert 'hx-get="/console/surveys/' in answer.text  # an open wave's rate refreshes itself
    # A desk agent is not offered the form (surveys lets managers open waves).
    assert 'action="/console/surveys/waves"' not in answer.text
    # Another estate's wave, its rate and its file are as absent as in the API.
    for path in (f"/console/surveys/{moon_wave}", f"/console/surveys/{moon_wave}/rate",
                 f"/console/surveys/{moon_wave}/statistics.xlsx", f"/console/surveys?estate={suite['other']['id']}"):
        refused = agent.get(path)
        assert refused.status_code == 404, path
        assert "没有找到" in refused.text


def test_opening_a_wave_with_bad_input_is_refused_in_the_staff_members_language(suite) -> None:
    sun = suite["estate"]["id"]
    manager = suite["console"](suite["gateway"](), "estate_manager", [sun])
    before = _waves(suite, sun)
    form = manager.get("/console/surveys")
    assert 'action="/console/surveys/waves"' in form.text
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    this_quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    suggested = "2027-Q1" if this_quarter == "2026-Q4" else this_quarter  # SUN has its 2026-Q4 wave: the next
    assert f'id="wave-period" name="period" value="{suggested}"' in form.text
    bad = {"csrf": _csrf(form.text), "estate": sun, "period": "2026Q9", "percent": "0", "lookback": "x",
           "opens_on": "2026-02-30", "closes_on": ""}
    refused = manager.post("/console/surveys/waves", data=bad)
    assert refused.status_code == 422
    for words in ("季度格式应为 YYYY-Qn", "抽样比例应为 1 到 100 之间的整数", "回避批次数应为 0 到 20 之间的整数",
                  "日期格式应为 YYYY-MM-DD"):
        assert words in refused.text
    assert 'aria-describedby="wave-period-hint wave-period-error"' in refused.text
    assert 'href="#wave-percent"' in refused.text  # the summary links to the field
    assert 'value="2026Q9"' in refused.text  # what was typed is kept

    manager.get("/console/language/en")
    english = manager.post("/console/surveys/waves", data={**bad, "estate": suite["other"]["id"]})
    assert english.status_code == 422
    for words in ("Choose an estate.", "Enter the quarter as YYYY-Qn",
                  "The share must be a whole number from 1 to 100"):
        assert words in english.text
    backwards = manager.post("/console/surveys/waves", data={
        **bad, "period": "2027-Q1", "percent": "20", "lookback": "4", "opens_on": "2027-01-10",
        "closes_on": "2027-01-09"})
    assert backwards.status_code == 422 and "The closing day must come after the opening day." in backwards.text
    # SUN has its wave of 2026-Q4 already: surveys refuses a second, and says so in English.
    again = manager.post("/console/surveys/waves", data={
        **bad, "period": "2026-Q4", "percent": "20", "lookback": "4", "opens_on": ""})
    assert again.status_code == 422
    assert 'class="error" id="wave-period-error"' in again.text
    assert _waves(suite, sun) == before


def test_a_desk_agent_cannot_open_a_wave_and_csrf_is_checked(suite) -> None:
    sun = suite["estate"]["id"]
    before = _waves(suite, sun)
    agent = suite["console"](suite["gateway"](), "service_desk_agent", [sun])
    form = agent.get("/console/surveys")
    good = {"csrf": _csrf(form.text), "estate": sun, "period": "2027-Q1", "percent": "20", "lookback": "4"}
    assert agent.post("/console/surveys/waves", data=good).status_code == 404
    manager = suite["console"](suite["gateway"](), "estate_manager", [sun])
    no_token = manager.post("/console/surveys/waves", data={**good, "csrf": "forged"})
    assert no_token.status_code == 400
    assert "页面已过期" in no_token.text
    report = manager.post("/console/dashboard/report", data={"estate": sun, "month": "2026-01"})
    assert report.status_code == 400
    visit = manager.post("/console/surveys/follow-ups/00000000-0000-0000-0000-000000000001/visit",
                         data={"owner_said": "好"})
    assert visit.status_code == 400
    assert _waves(suite, sun) == before


def test_a_waves_results_hold_the_charts_data_and_the_same_numbers_in_tables(suite) -> None:
    sun, wave = suite["estate"]["id"], suite["wave"]["id"]
    agent = suite["console"](suite["gateway"](), "service_desk_agent", [sun])
    upstreams = _upstreams(agent)
    for key, shift in (("zhang", 0), ("li", -1)):  # two answers entered by the desk from paper
        items = {code: {"score": max(1, score + shift)} for code, score in SCORES.items()}
        entered = httpx.post(f"http://{upstreams['surveys']}/api/v1/answers", headers=suite["auth"](
            "service_desk_agent", [sun]), json={"wave_id": wave, "unit_id": suite["households"][key]["unit"],
                                               "channel": "paper", "items": {**items, "overall": {"score": 4}}})
        assert entered.status_code == 201, entered.text

    page = agent.get(f"/console/surveys/{wave}")
    assert page.status_code == 200
    assert 'src="/console/static/charts.js"' in page.text and 'src="/console/static/echarts.min.js"' in page.text
    heat = _chart(page.text, "chart-buildings")
    assert heat["yAxis"]["data"] == ["1栋"]
    assert heat["xAxis"]["data"][0] == "服务热情"
    cells = {x: value for x, _y, value in heat["series"][0]["data"]}
    table = _table(page.text, "table-buildings")
    assert table[1][0] == "1栋"
    assert [float(v) for v in table[1][1:10]] == [cells[x] for x in range(9)]
    assert cells[0] == 4.5 and cells[6] == 1.5  # attitude 5 and 4; fees 2 and 1
    trend = _chart(page.text, "chart-trend")
    assert trend["xAxis"]["data"] == ["2026-Q4"]
    trend_table = _table(page.text, "table-trend")
    assert trend_table[1][0] == "服务热情" and float(trend_table[1][1]) == trend["series"][0]["data"][0] == 4.5
    statistics = agent.get(f"/console/surveys/{wave}/statistics.csv")
    assert statistics.status_code == 200 and statistics.mimetype == "text/csv"
    assert "attachment" in statistics.headers["Content-Disposition"]


def test_the_dashboard_draws_the_overview_with_its_numbers_in_tables(suite) -> None:
    sun, other = suite["estate"]["id"], suite["other"]["id"]
    agent = suite["console"](suite["gateway"](), "service_desk_agent", [sun])
    page = agent.get("/console/dashboard")
    assert page.status_code == 200, page.text
    assert "阳光花园" in page.text and "月亮湾" not in page.text
    stages = _chart(page.text, "chart-stages")
    table = _table(page.text, "table-stages")
    assert table[0] == stages["xAxis"]["data"]
    assert [int(n) for n in table[1]] == stages["series"][0]["data"]
    assert sum(stages["series"][0]["data"]) == 2  # 张伟's and 李娜's tickets, not 王芳's
    assert re.search(r'id="kpi-open">2<', page.text)
    sla = _chart(page.text, "chart-sla")
    assert [int(n) for n in _table(page.text, "table-sla")[1][1:]] == [s["data"][0] for s in sla["series"]]
    assert 'hx-get="/console/dashboard/live?estate=' in page.text and 'hx-trigger="every 30s"' in page.text
    live = agent.get(f"/console/dashboard/live?estate={sun}")
    assert live.status_code == 200 and "<html" not in live.text and "chart-stages" in live.text
    assert agent.get(f"/console/dashboard?estate={other}").status_code == 404


def test_the_report_page_makes_the_month_and_downloads_the_apis_file(suite) -> None:
    sun, other = suite["estate"]["id"], suite["other"]["id"]
    agent = suite["console"](suite["gateway"](), "service_desk_agent", [sun])
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    month = f"{today.year - 1}-{today.month:02d}"  # a month that has ended, whose report nobody made
    none = agent.get(f"/console/dashboard/report?estate={sun}&month={month}")
    assert none.status_code == 200 and "尚未生成" in none.text
    bad = agent.get(f"/console/dashboard/report?estate={sun}&month=2026-13")
    assert bad.status_code == 422 and "月份格式应为 YYYY-MM" in bad.text
    made = agent.post("/console/dashboard/report", data={"csrf": _csrf(none.text), "estate": sun, "month": month})
    assert made.status_code == 303, made.text
    shown = agent.get(made.headers["Location"])
    assert shown.status_code == 200 and "报告已生成" in shown.text
    assert f"/console/dashboard/report.xlsx?estate={sun}&amp;month={month}" in shown.text

    upstreams = _upstreams(agent)
    direct = httpx.get(f"http://{upstreams['tickets']}/api/v1/reports/monthly", headers=suite["auth"](
        "service_desk_agent", [sun]), params={"estate_id": sun, "period": month, "format": "csv"})
    assert direct.status_code == 200
    csv = agent.get(f"/console/dashboard/report.csv?estate={sun}&month={month}")
    assert csv.status_code == 200 and csv.data == direct.content
    assert csv.headers["Content-Disposition"] == f'attachment; filename="complaints-SUN-{month}.csv"'
    xlsx = agent.get(f"/console/dashboard/report.xlsx?estate={sun}&month={month}")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert xlsx.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert agent.get(f"/console/dashboard/report.xlsx?estate={other}&month={month}").status_code == 404


def test_follow_ups_and_actions_are_worked_from_the_page_and_bad_input_changes_nothing(suite) -> None:
    from owners.service import SERVICE as OWNERS
    from servicekit.testing import deliver_outbox
    from surveys.service import SERVICE as SURVEYS

    sun, other = suite["estate"]["id"], suite["other"]["id"]
    agent = suite["console"](suite["gateway"](), "service_desk_agent", [sun])
    api = {name: f"http://{address}" for name, address in _upstreams(agent).items()}
    flagged = {}
    for key, estate in (("zhang", sun), ("wang", other)):  # the desk asks for a visit of each estate's answer
        made = httpx.post(f"{api['surveys']}/api/v1/follow-ups", headers=suite["auth"]("service_desk_agent", [estate]),
                          json={"answer_id": suite["households"][key]["answer"], "note": f"回访{key}"})
        assert made.status_code == 201, made.text
        flagged[key] = made.json()

    page = agent.get("/console/surveys/follow-ups")
    assert page.status_code == 200
    assert f'data-follow-up="{flagged["zhang"]["id"]}"' in page.text and "员工标记：回访zhang" in page.text
    assert flagged["wang"]["id"] not in page.text and "回访wang" not in page.text

    visit = f"/console/surveys/follow-ups/{flagged['zhang']['id']}/visit"
    refused = agent.post(visit, data={"csrf": _csrf(page.text), "owner_said": "   ", "version": "1"})
    assert refused.status_code == 422 and "请填写业主反馈" in refused.text
    assert f'aria-describedby="owner_said-{flagged["zhang"]["id"]}-error"' in refused.text
    read = httpx.get(f"{api['surveys']}/api/v1/follow-ups/{flagged['zhang']['id']}",
                     headers=suite["auth"]("service_desk_agent", [sun])).json()
    assert read["state"] == "open"
    assert agent.post(f"/console/surveys/follow-ups/{flagged['wang']['id']}/visit", data={
        "csrf": _csrf(page.text), "owner_said": "好"}).status_code == 404  # another estate's: not found
    done = agent.post(visit, data={"csrf": _csrf(page.text), "owner_said": "电梯已修好，业主满意", "version": "1"})
    assert done.status_code == 303
    shown = agent.get(done.headers["Location"] + "&visited=1")
    assert "回访已记录" in shown.text and "电梯已修好，业主满意" in shown.text

    # A rectification action of the visit, its responsible person one of SUN's staff.
    admin = suite["auth"]()
    staff = httpx.post(f"{api['owners']}/api/v1/staff", headers=admin,
                       json={"estate_id": sun, "name": "赵主管", "role": "supervisor"})
    assert staff.status_code == 201, staff.text
    deliver_outbox(suite["engines"]["owners"], OWNERS, [(suite["engines"]["surveys"], SURVEYS)])
    desk = suite["auth"]("service_desk_agent", [sun])
    opening = agent.get("/console/surveys/follow-ups?visited=1")
    new_action = f"/console/surveys/follow-ups/{flagged['zhang']['id']}/actions"
    assert f'action="{new_action}"' in opening.text and "赵主管" in opening.text  # the estate's staff to choose
    wrong = agent.post(new_action, data={"csrf": _csrf(opening.text), "description": "", "visited": "1",
                                         "responsible": "00000000-0000-0000-0000-000000000009", "due_on": "2020-01-01"})
    assert wrong.status_code == 422
    for words in ("请填写整改内容", "请选择本小区的一名在岗员工作为责任人", "完成期限应为今天或之后的日期"):
        assert words in wrong.text
    assert "<details class=\"new-action\" open>" in wrong.text
    actions_of = {"follow_up_id": flagged["zhang"]["id"]}
    assert httpx.get(f"{api['surveys']}/api/v1/actions", headers=desk, params=actions_of).json()["items"] == []
    opened = agent.post(new_action, data={"csrf": _csrf(opening.text), "description": "更换电梯按钮",
                                          "responsible": staff.json()["id"], "due_on": "2099-01-31"})
    assert opened.status_code == 303
    assert "整改措施已创建" in agent.get(opened.headers["Location"]).text
    action = httpx.get(f"{api['surveys']}/api/v1/actions", headers=desk, params=actions_of).json()["items"][0]
    assert action["responsible_name"] == "赵主管" and action["due_on"] == "2099-01-31"
    listed = agent.get("/console/surveys/follow-ups")
    assert f'data-action="{action["id"]}"' in listed.text and "更换电梯按钮" in listed.text
    move = f"/console/surveys/actions/{action['id']}/done"
    too_long = agent.post(move, data={"csrf": _csrf(listed.text), "note": "长" * 2001, "version": "1"})
    assert too_long.status_code == 422 and "进展说明不超过 2000 字" in too_long.text
    assert httpx.get(f"{api['surveys']}/api/v1/actions/{action['id']}",
                     headers=suite["auth"]("service_desk_agent", [sun])).json()["state"] == "open"
    moved = agent.post(move, data={"csrf": _csrf(listed.text), "note": "已更换", "version": "1"})
    assert moved.status_code == 303
    after = agent.get(moved.headers["Location"])
    assert "整改措施已更新" in after.text
    assert httpx.get(f"{api['surveys']}/api/v1/actions/{action['id']}",
                     headers=suite["auth"]("service_desk_agent", [sun])).json()["state"] == "done"
    # The desk cannot verify (a manager does): no button for it, and the route is refused by surveys.
    assert f"/console/surveys/actions/{action['id']}/verification" not in after.text
    manager = suite["console"](suite["gateway"](), "estate_manager", [sun])
    form = manager.get("/console/surveys/follow-ups")
    assert f"/console/surveys/actions/{action['id']}/verification" in form.text
    verified = manager.post(f"/console/surveys/actions/{action['id']}/verification",
                            data={"csrf": _csrf(form.text), "note": "", "version": "2"})
    assert verified.status_code == 303


def test_a_technician_finds_none_of_these_pages(suite) -> None:
    sun = suite["estate"]["id"]
    technician = suite["console"](suite["gateway"](), "technician", [sun])
    for path in ("/console/surveys", f"/console/surveys/{suite['wave']['id']}", "/console/surveys/follow-ups",
                 "/console/dashboard", "/console/dashboard/report"):
        answer = technician.get(path)
        assert answer.status_code == 404, path
        assert "没有找到" in answer.text


def test_the_pages_speak_english_when_asked(suite) -> None:
    sun = suite["estate"]["id"]
    agent = suite["console"](suite["gateway"](), "service_desk_agent", [sun])
    agent.get("/console/language/en")
    waves_page = agent.get("/console/surveys")
    assert "Satisfaction surveys" in waves_page.text and "Response rate" in waves_page.text
    results = agent.get(f"/console/surveys/{suite['wave']['id']}")
    assert "The nine elements by building" in results.text and "Trend against earlier waves" in results.text
    rate = agent.get(f"/console/surveys/{suite['wave']['id']}/rate")
    assert rate.status_code == 200 and "<html" not in rate.text and "answered" in rate.text
