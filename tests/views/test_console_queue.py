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
    assert f'href="/console/tickets/{households["zhang"]["ticket"]}"' in answer.text
    assert 'class="clock on_time"' in answer.text and "受理时效" in answer.text  # the live clocks
    assert 'hx-trigger="every 5s"' in answer.text and "/console/queue/rows?" in answer.text
    assert "138****5678" in answer.text and "13812345678" not in answer.text  # masked as the API masks
