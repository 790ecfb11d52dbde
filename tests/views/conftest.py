"""The world the views' tests share: real owners, tickets, notify and surveys apps over real HTTP (each
verifying the caller's token and scoping and masking its answer as if asked directly), and a gateway
in front of them with any of them stopped.

Two estates. In 阳光花园 (SUN) two households: 张伟 in 1-101 (``person``) and his neighbour 李娜 in
1-102; in 月亮湾 (MOON) 王芳 in 2-201. Each has an open ticket, a notice that reached them and a
submitted answer, so any view leaking another household's or estate's rows shows their ids.

The services' copies of owners are filled as their consumers fill them: owners' outbox events applied
through each consumer's own handlers; the tickets' events go to owners' timeline the same way. A
notice and an answer are written as notify's and surveys' rows (their own tests prove how they come
to be)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from gateway.app import create_app as create_gateway_app
from gateway.service import SERVICE as GATEWAY
from notify.service import SERVICE as NOTIFY
from owners.service import SERVICE as OWNERS
from servicekit.auth import TokenVerifier
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import (
    TEST_AUDIENCE,
    TEST_ISSUER,
    app_settings,
    deliver_outbox,
    migrated_database,
    served_app,
    token_headers,
)
from servicekit.tokens import generate_keypair
from servicekit.webapp import create_service_app
from surveys.service import SERVICE as SURVEYS
from tickets.service import SERVICE as TICKETS

SERVICES = {"owners": OWNERS, "tickets": TICKETS, "notify": NOTIFY, "surveys": SURVEYS}


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"  # nothing listens once the socket closes


@pytest.fixture(scope="module")
def suite(make_database, tmp_path_factory) -> Iterator[dict]:  # noqa: PLR0915  (one world, built in order)
    private, public = generate_keypair()
    auth = token_headers(private)
    urls = {name: migrated_database(service, "sqlite", make_database, tmp_path_factory)
            for name, service in SERVICES.items()}
    engines = {name: make_engine(url) for name, url in urls.items()}
    with ExitStack() as stack:
        served = {}
        for name, service in SERVICES.items():
            verifier = TokenVerifier(public, issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=service.roles)
            app = create_service_app(service, app_settings(service, urls[name]), verifier)
            served[name] = stack.enter_context(served_app(app)).removeprefix("http://")
        owners_client = create_service_app(OWNERS, app_settings(OWNERS, urls["owners"]), TokenVerifier(
            public, issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=OWNERS.roles)).test_client()
        admin = auth()
        estate = owners_client.post("/api/v1/estates", json={"code": "SUN", "name": "阳光花园"}, headers=admin).json
        other = owners_client.post("/api/v1/estates", json={"code": "MOON", "name": "月亮湾"}, headers=admin).json
        building = owners_client.post(f"/api/v1/estates/{estate['id']}/buildings",
                                      json={"code": "1", "name": "1栋", "floors": 30}, headers=admin).json
        other_building = owners_client.post(f"/api/v1/estates/{other['id']}/buildings",
                                            json={"code": "2", "name": "2栋", "floors": 30}, headers=admin).json
        households = {}
        for key, name, place, number, mobile in (("zhang", "张伟", building, "1-101", "13812345678"),
                                                 ("li", "李娜", building, "1-102", "13812345679"),
                                                 ("wang", "王芳", other_building, "2-201", "13812345680")):
            place_estate = estate["id"] if place is building else other["id"]
            home = owners_client.post(f"/api/v1/buildings/{place['id']}/units", json={"number": number},
                                      headers=admin).json
            person = owners_client.post("/api/v1/people", headers=admin, json={
                "estate_id": place_estate, "name": name, "contact_points": [{"kind": "mobile", "value": mobile}],
                "occupancy": {"unit_id": home["id"], "role": "owner", "moved_in_on": "2024-03-01"}}).json
            households[key] = {"estate": place_estate, "unit": home["id"], "person": person["id"], "name": name}
        unit, person = {"id": households["zhang"]["unit"]}, {"id": households["zhang"]["person"]}
        deliver_outbox(engines["owners"], OWNERS, [(engines[n], SERVICES[n]) for n in ("tickets", "notify", "surveys")])
        tickets_client = create_service_app(TICKETS, app_settings(TICKETS, urls["tickets"]), TokenVerifier(
            public, issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=TICKETS.roles)).test_client()
        for household in households.values():
            opened = tickets_client.post("/api/v1/tickets", headers=auth("service_desk_agent", [household["estate"]]),
                                         json={"estate_id": household["estate"], "unit_id": household["unit"],
                                               "person_id": household["person"], "kind": "inquiry",
                                               "title": f"{household['name']}：物业费怎么交"})
            assert opened.status_code == 201, opened.json
            household["ticket"] = opened.json["id"]
            household["notice"] = _reached_by_a_notice(engines["notify"], household)
            household["answer"] = _an_answer(engines["surveys"], household)
        ticket = tickets_client.get(f"/api/v1/tickets/{households['zhang']['ticket']}", headers=admin)
        deliver_outbox(engines["tickets"], TICKETS, [(engines["owners"], OWNERS)])
        surveys_client = create_service_app(SURVEYS, app_settings(SURVEYS, urls["surveys"]), TokenVerifier(
            public, issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=SURVEYS.roles)).test_client()
        wave = surveys_client.post("/api/v1/waves", headers=auth("estate_manager", [estate["id"]]),
                                   json={"estate_id": estate["id"], "period": "2026-Q4"})
        assert wave.status_code == 201, wave.json

        def gateway(keep: float = 5.0, **down: bool):  # noqa: ANN202
            """A gateway test client with ``<service>=True`` services down. Its own API (the views the
            console's dashboard calls, as through the front door) is served over HTTP too, at the
            address its settings name for ``gateway``."""
            own = _closed_port()
            upstreams = ",".join(f"{name}={_closed_port() if down.get(name) else address}"
                                 for name, address in {**served, "gateway": own}.items())
            settings = app_settings(GATEWAY, make_database(), environment="development", edge_upstreams=upstreams,
                                 overview_keep_seconds=keep)
            upgrade(GATEWAY, settings.database_url)
            verifier = TokenVerifier(public, issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=GATEWAY.roles)
            app = create_gateway_app(settings, verifier)
            stack.enter_context(served_app(app, int(own.rsplit(":", 1)[1])))
            return app.test_client()

        def console(client: Any, role: str, estates: list[str], **claims: Any) -> Any:
            """``client`` signed in to the staff console as ``role`` of ``estates``."""
            token = auth(role, estates, **claims)["Authorization"].split()[1]
            return console_browser(client, token, role)

        yield {"gateway": gateway, "console": console, "auth": auth, "estate": estate, "other": other, "person": person,
               "unit": unit, "ticket": ticket.json, "wave": wave.json, "tickets": tickets_client,
               "engines": engines, "households": households}
    for engine in engines.values():
        engine.dispose()


def console_browser(client: Any, token: str, role: str, name: str = "测试员工") -> Any:
    """Sign the gateway test ``client`` in to the staff console with ``token`` (a test token the
    services accept), as the console's sign-in does: an account, a session holding the token, and the
    cookie naming it. Returns the client."""
    from gateway.console import frame, sessions
    from gateway.pages import session as cookies
    from gateway.tables import accounts
    from servicekit.webapp import current_settings, unit_of_work

    app = client.application
    with app.app_context():
        uow, now, account_id = unit_of_work(), datetime.now(UTC), uuid.uuid4()
        with uow:
            uow.execute(insert(accounts).values(
                id=account_id, login=f"test-{account_id.hex[:10]}", name=name, role=role, password_hash="unused",
                must_change_password=False, disabled=False, failures=0, created_at=now, updated_at=now))
            uow.commit()
        opened = sessions.keep(unit_of_work(), account_id, name, {
            "access_token": token, "refresh_token": "unused", "expires_in": 900, "refresh_expires_in": 3600,
            "role": role, "estates": [], "permissions": []})
        signer = cookies.serializer(current_settings().keys_passphrase, purpose="staff console", salt="staff-console")
    client.set_cookie(frame.COOKIE, signer.dumps({"csrf": uuid.uuid4().hex, "sid": str(opened.id), "key": opened.key}))
    return client


def _reached_by_a_notice(engine: Any, household: dict) -> str:
    """A notice of the household's estate that reached them by SMS (notify's rows as sending leaves them)."""
    from notify.tables import messages, notices, recipients

    notice, recipient, at = uuid.uuid4(), uuid.uuid4(), datetime.now(UTC) - timedelta(hours=1)
    estate, person, unit = (uuid.UUID(household[k]) for k in ("estate", "person", "unit"))
    with engine.begin() as conn:
        conn.execute(insert(notices).values(
            id=notice, estate_id=estate, template_id=uuid.uuid4(), purpose="notice",
            title=f"致{household['name']}的通知", channels=["sms"], audience={"kind": "estate"}, variables={},
            status="completed", send_at=at, created_by="test", created_at=at, started_at=at, finished_at=at))
        conn.execute(insert(recipients).values(
            id=recipient, notice_id=notice, estate_id=estate, person_id=person, unit_id=unit, name=household["name"],
            language="zh-CN", variables={}))
        conn.execute(insert(messages).values(
            id=uuid.uuid4(), estate_id=estate, notice_id=notice, recipient_id=recipient, person_id=person,
            channel="sms", address="13800000000", language="zh-CN", body="通知", params={}, state="delivered",
            next_attempt_at=at, queued_at=at, sent_at=at, delivered_at=at, updated_at=at))
    return str(notice)


def _an_answer(engine: Any, household: dict) -> str:
    """The household's submitted answer to the question after a ticket (surveys' rows as answering leaves them)."""
    from surveys.tables import answers, invitations

    invitation, answer, at = uuid.uuid4(), uuid.uuid4(), datetime.now(UTC) - timedelta(hours=1)
    estate, person, unit = (uuid.UUID(household[k]) for k in ("estate", "person", "unit"))
    with engine.begin() as conn:
        conn.execute(insert(invitations).values(
            id=invitation, estate_id=estate, purpose="ticket", ticket_id=uuid.uuid4(), unit_id=unit, person_id=person,
            questionnaire_version_id=uuid.uuid4(), expires_at=at + timedelta(days=7), state="answered", sent_at=at,
            answered_at=at))
        conn.execute(insert(answers).values(
            id=answer, invitation_id=invitation, estate_id=estate, unit_id=unit, questionnaire_version_id=uuid.uuid4(),
            channel="link", items=[{"code": "overall", "score": 5}], state="submitted", started_at=at, submitted_at=at))
    return str(answer)
