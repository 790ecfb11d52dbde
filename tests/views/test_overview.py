"""The aggregated views (GW-2), over real HTTP to real owners, tickets, notify and surveys apps (each
verifying the caller's token and scoping and masking its answer as if asked directly). A person's whole
picture in one gateway request: profile and units, open tickets with their service levels, the
timeline. An estate's dashboard the same way, kept a few seconds. With a service stopped each still
answers, names it in ``partial`` and keeps the rest; another estate's person or estate is a 404.

The world (``suite``) is tests/views/conftest.py's; test_matrix.py asks every view as every caller.
An owner reads their own picture only."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert


def _overview(suite, client, headers=None):  # noqa: ANN001, ANN202
    headers = headers or suite["auth"]("service_desk_agent", [suite["estate"]["id"]])
    return client.get(f"/api/v1/overview/people/{suite['person']['id']}", headers=headers)


def test_a_persons_whole_picture_in_one_request(suite) -> None:
    answer = _overview(suite, suite["gateway"]())
    assert answer.status_code == 200, answer.json
    picture = answer.json
    assert picture["partial"] == []
    assert picture["person"]["name"] == "张伟"
    assert "13812345678" not in json.dumps(picture, ensure_ascii=False)  # masked: the desk may not reveal
    [ticket] = picture["open_tickets"]
    assert ticket["id"] == suite["ticket"]["id"] and ticket["sla"]["next_target"] == "acknowledge"
    assert [entry["kind"] for entry in picture["timeline"]] == ["ticket.opened"]
    zhang = suite["households"]["zhang"]
    assert [n["notice_id"] for n in picture["notices"]] == [zhang["notice"]]
    assert (picture["notices"][0]["outcome"], picture["notices"][0]["reached_over"]) == ("reached", "sms")
    assert [a["id"] for a in picture["answers"]] == [zhang["answer"]]


@pytest.mark.parametrize("caller", ["service_desk_agent", "owner"])
@pytest.mark.parametrize("stopped", ["surveys", "tickets"])
def test_a_stopped_service_is_named_and_the_rest_still_answers(suite, stopped: str, caller: str) -> None:
    """Asked by the desk, or by the owner about themselves: the stopped service's part is null and named
    in ``partial``; every other part still answers, with its rows."""
    zhang = suite["households"]["zhang"]
    headers = suite["auth"](caller, [zhang["estate"]], subject=zhang["person"] if caller == "owner" else None)
    answer = _overview(suite, suite["gateway"](**{stopped: True}), headers)
    assert answer.status_code == 200, answer.json
    assert answer.json["partial"] == [stopped]
    section = {"surveys": "answers", "tickets": "open_tickets"}[stopped]
    assert answer.json[section] is None
    assert answer.json["person"]["name"] == "张伟" and answer.json["timeline"]
    assert [n["notice_id"] for n in answer.json["notices"]] == [zhang["notice"]]
    if stopped != "tickets":
        assert [t["id"] for t in answer.json["open_tickets"]] == [zhang["ticket"]]
    if stopped != "surveys":
        assert [a["id"] for a in answer.json["answers"]] == [zhang["answer"]]


def test_another_estates_desk_is_told_there_is_no_such_person(suite) -> None:
    client = suite["gateway"]()
    stranger = suite["auth"]("service_desk_agent", [suite["other"]["id"]])
    assert _overview(suite, client, stranger).status_code == 404


def test_an_owner_reads_their_own_whole_picture_and_no_one_elses(suite) -> None:
    """Every service answers an owner's token for their own person (their ``sub``), masked as for the
    desk, without the desk's note; another person of the same estate is 404, as one that does not exist."""
    client, estate = suite["gateway"](), suite["estate"]["id"]
    zhang, li = suite["households"]["zhang"], suite["households"]["li"]
    own = _overview(suite, client, suite["auth"]("owner", [estate], subject=zhang["person"]))
    assert own.status_code == 200, own.json
    picture = own.json
    assert picture["partial"] == [] and picture["person"]["name"] == "张伟" and picture["person"]["note"] is None
    assert "13812345678" not in json.dumps(picture, ensure_ascii=False)
    assert [t["id"] for t in picture["open_tickets"]] == [zhang["ticket"]]
    assert [n["notice_id"] for n in picture["notices"]] == [zhang["notice"]]
    assert [a["id"] for a in picture["answers"]] == [zhang["answer"]] and picture["timeline"]
    neighbour = client.get(f"/api/v1/overview/people/{li['person']}",
                           headers=suite["auth"]("owner", [estate], subject=zhang["person"]))
    assert neighbour.status_code == 404 and "李娜" not in neighbour.get_data(as_text=True)


def _dashboard(suite, client, headers=None):  # noqa: ANN001, ANN202
    headers = headers or suite["auth"]("estate_manager", [suite["estate"]["id"]])
    return client.get(f"/api/v1/overview/estates/{suite['estate']['id']}", headers=headers)


def test_an_estates_dashboard_from_every_service_in_one_request(suite) -> None:
    answer = _dashboard(suite, suite["gateway"](keep=0))
    assert answer.status_code == 200, answer.json
    board = answer.json
    assert board["partial"] == []
    assert board["tickets"]["open"] >= 1 and board["tickets"]["open_by_stage"]["received"] >= 1
    assert set(board["tickets"]["sla"]) == {"warned_today", "breached_today", "warned_this_month",
                                            "breached_this_month"}
    assert (board["notices"]["notices"], board["notices"]["reach_rate"]) == (2, 1.0)  # 张伟's and 李娜's
    assert board["satisfaction"]["wave"]["id"] == suite["wave"]["id"]
    assert float(board["satisfaction"]["response_rate"]) == 0 and "elements" in board["satisfaction"]


def test_the_dashboard_is_kept_a_few_seconds_for_a_wall_screen(suite) -> None:
    client = suite["gateway"](keep=300)
    before = _dashboard(suite, client).json["tickets"]["open"]
    desk = suite["auth"]("service_desk_agent", [suite["estate"]["id"]])
    opened = suite["tickets"].post("/api/v1/tickets", headers=desk, json={
        "estate_id": suite["estate"]["id"], "unit_id": suite["unit"]["id"], "kind": "inquiry", "title": "停车位怎么租"})
    assert opened.status_code == 201, opened.json
    assert _dashboard(suite, client).json["tickets"]["open"] == before  # the kept answer
    assert _dashboard(suite, suite["gateway"](keep=0)).json["tickets"]["open"] == before + 1


def test_the_dashboard_names_a_stopped_service_and_another_estates_is_not_found(suite) -> None:
    answer = _dashboard(suite, suite["gateway"](notify=True))
    assert answer.status_code == 200 and answer.json["partial"] == ["notify"]
    assert answer.json["notices"] is None and answer.json["tickets"] is not None
    stranger = suite["auth"]("estate_manager", [suite["other"]["id"]])
    assert _dashboard(suite, suite["gateway"](), stranger).status_code == 404


def test_the_dashboard_shows_open_follow_ups_and_overdue_rectification_actions(suite) -> None:
    """An unhappy answer's follow-up visit still open, and of a visited one's two actions one past its
    due date: surveys' part of the dashboard; with surveys stopped both are null and surveys named."""
    from surveys.tables import actions, answers, follow_ups

    estate, now = uuid.UUID(suite["estate"]["id"]), datetime.now(UTC)
    with suite["engines"]["surveys"].begin() as conn:
        for state in ("open", "visited"):
            answer, follow_up = uuid.uuid4(), uuid.uuid4()
            conn.execute(insert(answers).values(
                id=answer, estate_id=estate, questionnaire_version_id=uuid.uuid4(), channel="phone", items=[],
                state="submitted", started_at=now, submitted_at=now))
            conn.execute(insert(follow_ups).values(
                id=follow_up, estate_id=estate, answer_id=answer, reasons=[{"kind": "staff"}], state=state,
                opened_by="surveys", opened_at=now - timedelta(days=3)))
        for due in (now - timedelta(days=1), now + timedelta(days=5)):
            conn.execute(insert(actions).values(
                id=uuid.uuid4(), estate_id=estate, follow_up_id=follow_up, description="修门禁",
                responsible_id=uuid.uuid4(), due_on=due.date(), due_at=due, state="open", created_by="test",
                created_at=now))
    board = _dashboard(suite, suite["gateway"](keep=0)).json
    assert board["partial"] == []
    assert (board["follow_ups"]["open"], board["follow_ups"]["unassigned"]) == (1, 1)
    assert (board["actions"]["open"], board["actions"]["overdue"]) == (2, 1)
    stopped = _dashboard(suite, suite["gateway"](keep=0, surveys=True)).json
    assert stopped["partial"] == ["surveys"] and stopped["tickets"] is not None
    assert (stopped["follow_ups"], stopped["actions"], stopped["satisfaction"]) == (None, None, None)
