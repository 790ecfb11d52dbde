"""The aggregated views (GW-2), over real HTTP to real owners, tickets, notify and surveys apps (each
verifying the caller's token and scoping and masking its answer as if asked directly). A person's whole
picture in one gateway request: profile and units, open tickets with their service levels, the
timeline. An estate's dashboard the same way, kept a few seconds. With a service stopped each still
answers, names it in ``partial`` and keeps the rest; another estate's person or estate is a 404.

The services' copies of owners are filled as their consumers fill them: owners' outbox events applied
through each consumer's own handlers; the ticket's events go to owners' timeline the same way."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from gateway.app import create_app as create_gateway_app
from gateway.service import SERVICE as GATEWAY
from notify.service import SERVICE as NOTIFY
from owners.service import SERVICE as OWNERS
from servicekit.auth import TokenVerifier
from servicekit.db import make_engine
from servicekit.envelope import parse
from servicekit.migrate import upgrade
from servicekit.testing import TEST_AUDIENCE, TEST_ISSUER, migrated_database, served_app, token_headers
from servicekit.tokens import generate_keypair
from servicekit.webapp import create_service_app
from surveys.service import SERVICE as SURVEYS
from tickets.service import SERVICE as TICKETS

SERVICES = {"owners": OWNERS, "tickets": TICKETS, "notify": NOTIFY, "surveys": SURVEYS}


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"  # nothing listens once the socket closes


def _settings(service, url: str, **extra: Any):  # noqa: ANN001, ANN202
    return service.settings(database_url=url, amqp_url="amqp://unused", port=0, log_level="WARNING",
                            max_body_bytes=64 * 1024, **extra)


def _deliver(source, producer, consumers: list) -> None:  # noqa: ANN001
    """Apply every event of ``producer``'s outbox through each consumer's handlers, as its consumer would."""
    table = producer.outbox.table
    with source.connect() as conn:
        events = [parse(row.body) for row in conn.execute(select(table).order_by(table.c.seq))]
    for engine, service in consumers:
        handlers = service.event_handlers()
        with Session(engine) as session, session.begin():
            for event in events:
                if event.type in handlers:
                    handlers[event.type](session, event)


@pytest.fixture(scope="module")
def suite(make_database, tmp_path_factory) -> Iterator[dict]:
    private, public = generate_keypair()
    auth = token_headers(private)
    urls = {name: migrated_database(service, "sqlite", make_database, tmp_path_factory)
            for name, service in SERVICES.items()}
    engines = {name: make_engine(url) for name, url in urls.items()}
    with ExitStack() as stack:
        served = {}
        for name, service in SERVICES.items():
            verifier = TokenVerifier(public, issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=service.roles)
            app = create_service_app(service, _settings(service, urls[name]), verifier)
            served[name] = stack.enter_context(served_app(app)).removeprefix("http://")
        owners_client = create_service_app(OWNERS, _settings(OWNERS, urls["owners"]), TokenVerifier(
            public, issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=OWNERS.roles)).test_client()
        admin = auth()
        estate = owners_client.post("/api/v1/estates", json={"code": "SUN", "name": "阳光花园"}, headers=admin).json
        other = owners_client.post("/api/v1/estates", json={"code": "MOON", "name": "月亮湾"}, headers=admin).json
        building = owners_client.post(f"/api/v1/estates/{estate['id']}/buildings",
                                      json={"code": "1", "name": "1栋", "floors": 30}, headers=admin).json
        unit = owners_client.post(f"/api/v1/buildings/{building['id']}/units", json={"number": "1-101"},
                                  headers=admin).json
        person = owners_client.post("/api/v1/people", headers=admin, json={
            "estate_id": estate["id"], "name": "张伟", "contact_points": [{"kind": "mobile", "value": "13812345678"}],
            "occupancy": {"unit_id": unit["id"], "role": "owner", "moved_in_on": "2024-03-01"}}).json
        _deliver(engines["owners"], OWNERS, [(engines[n], SERVICES[n]) for n in ("tickets", "notify", "surveys")])
        tickets_client = create_service_app(TICKETS, _settings(TICKETS, urls["tickets"]), TokenVerifier(
            public, issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=TICKETS.roles)).test_client()
        ticket = tickets_client.post("/api/v1/tickets", headers=auth("service_desk_agent", [estate["id"]]), json={
            "estate_id": estate["id"], "unit_id": unit["id"], "person_id": person["id"], "kind": "inquiry",
            "title": "物业费怎么交"})
        assert ticket.status_code == 201, ticket.json
        _deliver(engines["tickets"], TICKETS, [(engines["owners"], OWNERS)])
        surveys_client = create_service_app(SURVEYS, _settings(SURVEYS, urls["surveys"]), TokenVerifier(
            public, issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=SURVEYS.roles)).test_client()
        wave = surveys_client.post("/api/v1/waves", headers=auth("estate_manager", [estate["id"]]),
                                   json={"estate_id": estate["id"], "period": "2026-Q4"})
        assert wave.status_code == 201, wave.json

        def gateway(keep: float = 5.0, **down: bool):  # noqa: ANN202
            upstreams = ",".join(f"{name}={_closed_port() if down.get(name) else address}"
                                 for name, address in served.items())
            settings = _settings(GATEWAY, make_database(), environment="development", edge_upstreams=upstreams,
                                 overview_keep_seconds=keep)
            upgrade(GATEWAY, settings.database_url)
            verifier = TokenVerifier(public, issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=GATEWAY.roles)
            return create_gateway_app(settings, verifier).test_client()

        yield {"gateway": gateway, "auth": auth, "estate": estate, "other": other, "person": person,
               "unit": unit, "ticket": ticket.json, "wave": wave.json, "tickets": tickets_client,
               "engines": engines}
    for engine in engines.values():
        engine.dispose()


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
    assert picture["notices"] == [] and picture["answers"] == []


@pytest.mark.parametrize("stopped", ["surveys", "tickets"])
def test_a_stopped_service_is_named_and_the_rest_still_answers(suite, stopped: str) -> None:
    answer = _overview(suite, suite["gateway"](**{stopped: True}))
    assert answer.status_code == 200, answer.json
    assert answer.json["partial"] == [stopped]
    section = {"surveys": "answers", "tickets": "open_tickets"}[stopped]
    assert answer.json[section] is None
    assert answer.json["person"]["name"] == "张伟" and answer.json["timeline"]


def test_another_estates_desk_is_told_there_is_no_such_person(suite) -> None:
    client = suite["gateway"]()
    stranger = suite["auth"]("service_desk_agent", [suite["other"]["id"]])
    assert _overview(suite, client, stranger).status_code == 404
    assert _overview(suite, client, suite["auth"]("owner", [suite["estate"]["id"]])).status_code == 403


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
    assert (board["notices"]["notices"], board["notices"]["reach_rate"]) == (0, None)
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
