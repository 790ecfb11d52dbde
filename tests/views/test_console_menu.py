"""The staff console's menu shows each role what it can use: a desk agent the desk's areas, a
technician only their own work, an estate manager the register too."""

from __future__ import annotations

import re


def _menu(answer) -> list[str]:  # noqa: ANN001
    nav = re.search(r'<nav class="menu"[^>]*>(.*?)</nav>', answer.text, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(1)) if nav else []


def test_each_role_sees_its_own_menu(suite) -> None:
    estate = suite["estate"]["id"]
    desk = suite["console"](suite["gateway"](), "service_desk_agent", [estate])
    home = desk.get("/console/")
    assert home.status_code == 302 and home.headers["Location"] == "/console/queue"  # the desk's work first
    assert _menu(desk.get("/console/", follow_redirects=True)) == [
        "/console/queue", "/console/entry", "/console/notices", "/console/surveys", "/console/dashboard",
        "/console/desk"]
    technician = suite["console"](suite["gateway"](), "technician", [estate])
    assert technician.get("/console/").headers["Location"] == "/console/my-work"
    assert _menu(technician.get("/console/", follow_redirects=True)) == ["/console/my-work"]
    manager = suite["console"](suite["gateway"](), "estate_manager", [estate])
    assert "/console/register" in _menu(manager.get("/console/", follow_redirects=True))
