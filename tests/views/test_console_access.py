"""Access over every page of the staff console, found from the gateway's own routes (a page added
later is covered without being listed here): a desk agent of 阳光花园 (SUN) finds nothing of 月亮湾
(MOON) on any page, whichever of MOON's records a page is asked for; a technician finds none of the
desk's pages; every form refuses a POST without the session's CSRF token and changes nothing."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

SKIPPED = {"console.static", "console.choose_language", "console.unknown", "console.sign_in_page",
           "console.sign_in", "console.sign_out"}
# A MOON record for each kind of id a console path names; any other id: one that exists nowhere.
KINDS = {"ticket_id": "ticket", "person_id": "person", "notice_id": "notice"}
# The values a path's other parts take.
CHOSEN = {"kind": "csv", "action": "acknowledge", "step": "done"}


def _rules(client: Any, method: str) -> list[Any]:
    return sorted((rule for rule in client.application.url_map.iter_rules()
                   if rule.endpoint.startswith("console.") and rule.endpoint not in SKIPPED
                   and method in rule.methods), key=lambda rule: rule.rule)


def _path(rule: Any, moon: dict[str, str]) -> str:
    values = {}
    for name in rule.arguments:
        if name in KINDS:
            values[name] = moon[KINDS[name]]
        elif name in CHOSEN:
            values[name] = CHOSEN[name]
        else:
            values[name] = str(uuid.uuid4())
    return rule.build(values, append_unknown=False)[1]


def _moon(suite: dict) -> dict[str, str]:
    return suite["households"]["wang"]


def _leaks(text: str, suite: dict) -> list[str]:
    """What of MOON's a page shows: its household's name (on its ticket, notice and answer), its estate's."""
    return [word for word in ("王芳", "月亮湾") if word in text]


def test_the_console_has_pages_to_check(suite) -> None:
    client = suite["gateway"]()
    assert len(_rules(client, "GET")) >= 30 and len(_rules(client, "POST")) >= 20


@pytest.mark.parametrize("role", ["service_desk_agent", "estate_manager"])
def test_no_page_shows_anything_of_another_estate(suite, role: str) -> None:
    sun, moon = suite["estate"]["id"], _moon(suite)
    client = suite["console"](suite["gateway"](), role, [sun])
    seen = []
    for rule in _rules(client, "GET"):
        path = _path(rule, moon)
        for asked in (path, f"{path}?estate_id={moon['estate']}"):
            answer = client.get(asked, follow_redirects=True)
            assert answer.status_code < 500, (asked, answer.status_code)
            assert not _leaks(answer.get_data(as_text=True), suite), (asked, _leaks(answer.text, suite))
            if rule.arguments & set(KINDS):
                assert answer.status_code == 404, (asked, answer.status_code)
        seen.append(rule.rule)
    assert "/console/tickets/<uuid:ticket_id>" in seen and "/console/people/<uuid:person_id>" in seen


def test_no_form_acts_on_another_estates_record(suite) -> None:
    sun, moon = suite["estate"]["id"], _moon(suite)
    client = suite["console"](suite["gateway"](), "estate_manager", [sun])
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/queue").text).group(1)
    for rule in _rules(client, "POST"):
        if not rule.arguments & set(KINDS):
            continue
        answer = client.post(_path(rule, moon), data={"csrf": csrf, "reason": "测试", "resolution": "测试",
                                                      "channel": "email"})
        assert answer.status_code in (403, 404), (rule.rule, answer.status_code)
        assert not _leaks(answer.get_data(as_text=True), suite), rule.rule
    ticket = suite["tickets"].get(f"/api/v1/tickets/{moon['ticket']}", headers=suite["auth"]()).json
    assert ticket["stage"] == "received"  # nothing was done to MOON's ticket


def test_every_form_refuses_a_post_without_the_sessions_csrf_token(suite) -> None:
    client = suite["console"](suite["gateway"](), "estate_manager", [suite["estate"]["id"]])
    for rule in _rules(client, "POST"):
        answer = client.post(_path(rule, _moon(suite)), data={"csrf": "forged"})
        assert answer.status_code == 400, (rule.rule, answer.status_code)
        assert "本次提交未做任何更改" in answer.get_data(as_text=True), rule.rule


def test_a_technician_finds_none_of_the_desks_pages(suite) -> None:
    sun = suite["estate"]["id"]
    client = suite["console"](suite["gateway"](), "technician", [sun], subject=str(uuid.uuid4()))
    mine = ("/console/my-work", "/console/tickets/")
    for rule in _rules(client, "GET"):
        if rule.arguments or rule.rule == "/console/" or rule.rule.startswith(mine):
            continue
        answer = client.get(rule.rule)
        assert answer.status_code == 404, (rule.rule, answer.status_code)
    zhang = suite["households"]["zhang"]["ticket"]  # not assigned to them
    assert client.get(f"/console/tickets/{zhang}").status_code == 404
    assert client.get("/console/my-work").status_code == 200
