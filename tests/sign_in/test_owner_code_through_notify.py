"""An owner signs in by their mobile and a one-time code that really goes through notify: the
gateway asks notify's POST /api/v1/messages (its own token, verified by notify from the gateway's
JWKS) for an urgent SMS from the login_code template; the code notify queued signs the owner in, and
the token names the person of owners' copy. With notify stopped the request is a 503 problem."""

from __future__ import annotations

import re
import socket
import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from gateway.app import create_app as create_gateway_app
from gateway.keys.use_cases import ensure_key
from gateway.service import SERVICE as GATEWAY
from notify.app import create_app as create_notify_app
from notify.service import SERVICE as NOTIFY
from notify.tables import messages
from servicekit.auth import TokenVerifier
from servicekit.db import make_engine
from servicekit.envelope import CloudEvent
from servicekit.keys import JwksKeys
from servicekit.migrate import upgrade
from servicekit.testing import migrated_database, served_app

MOBILE = "13912340088"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def suite(make_database, tmp_path_factory):
    gateway_db = make_database()
    upgrade(GATEWAY, gateway_db)
    engine = make_engine(gateway_db)
    person, estate = uuid.uuid4(), uuid.uuid4()
    with Session(engine) as session:
        handlers = GATEWAY.event_handlers()
        for type_, data in [
            ("owners.person.registered.v1", {"person_id": str(person), "estate_id": str(estate), "name": "王芳",
                                             "contact_points": [{"kind": "mobile", "value": MOBILE}], "version": 1}),
            ("owners.occupant.moved_in.v1", {"occupancy_id": str(uuid.uuid4()), "estate_id": str(estate),
                                             "unit_id": str(uuid.uuid4()), "person_id": str(person),
                                             "role": "owner", "moved_in_on": "2024-03-01", "version": 1})]:
            handlers[type_](session, CloudEvent(type=type_, source="/estatedesk/owners", data=data))
        session.commit()
    notify_db = migrated_database(NOTIFY, "sqlite", make_database, tmp_path_factory)
    notify_engine = make_engine(notify_db)
    with Session(notify_engine) as session:  # notify's copy of the same person, as its consumer keeps it
        handlers = NOTIFY.event_handlers()
        for type_, data in [
            ("owners.estate.registered.v1", {"estate_id": str(estate), "code": "SUN", "name": "阳光花园",
                                             "city": "", "address": "", "version": 1}),
            ("owners.person.registered.v1", {"person_id": str(person), "estate_id": str(estate), "name": "王芳",
                                             "contact_points": [{"kind": "mobile", "value": MOBILE}], "version": 1})]:
            handlers[type_](session, CloudEvent(type=type_, source="/estatedesk/owners", data=data))
        session.commit()
    notify_port = _free_port()
    settings = GATEWAY.settings(database_url=gateway_db, amqp_url="amqp://unused", port=0, log_level="WARNING",
                                max_body_bytes=64 * 1024, environment="development",
                                notify_url=f"http://127.0.0.1:{notify_port}")
    ensure_key(GATEWAY.unit_of_work(sessionmaker(engine, expire_on_commit=False)), settings)
    notify_settings = NOTIFY.settings(database_url=notify_db, amqp_url="amqp://unused", port=0, log_level="WARNING",
                                      max_body_bytes=64 * 1024, environment="development")
    try:
        with served_app(create_gateway_app(settings)) as gateway:
            keys = JwksKeys.from_url(gateway + "/.well-known/jwks.json", min_refresh_seconds=0.0)
            verifier = TokenVerifier(keys, issuer=settings.issuer, audience=settings.audience, roles=NOTIFY.roles)
            yield {"gateway": gateway, "person": person, "estate": estate, "notify_engine": notify_engine,
                   "notify_app": create_notify_app(notify_settings, verifier), "notify_port": notify_port}
    finally:
        engine.dispose()
        notify_engine.dispose()


def test_the_code_goes_through_notify_and_signs_the_owner_in(suite):
    with served_app(suite["notify_app"], suite["notify_port"]):
        asked = httpx.post(f"{suite['gateway']}/api/v1/owner-sign-in/codes", json={"mobile": MOBILE})
        assert asked.status_code == 202, asked.text
    with suite["notify_engine"].connect() as conn:
        queued = conn.execute(select(messages.c.body, messages.c.urgent, messages.c.channel)
                              .where(messages.c.address == MOBILE)).one()
    assert queued.urgent and queued.channel == "sms" and "验证码" in queued.body
    code = re.search(r"\d{6}", queued.body).group(0)
    signed = httpx.post(f"{suite['gateway']}/api/v1/owner-sign-in", json={"mobile": MOBILE, "code": code})
    assert signed.status_code == 200, signed.text
    assert signed.json()["person_id"] == str(suite["person"]) and signed.json()["estates"] == [str(suite["estate"])]
    again = httpx.post(f"{suite['gateway']}/api/v1/owner-sign-in", json={"mobile": MOBILE, "code": code})
    assert again.status_code == 401 and again.headers["Content-Type"] == "application/problem+json"
    # The owner's token reads their own inbox at notify, and no one else's.
    owner = {"Authorization": f"Bearer {signed.json()['access_token']}"}
    with served_app(suite["notify_app"], suite["notify_port"]) as notify:
        assert httpx.get(f"{notify}/api/v1/people/{suite['person']}/inbox", headers=owner).status_code == 200
        assert httpx.get(f"{notify}/api/v1/people/{uuid.uuid4()}/inbox", headers=owner).status_code == 404


def test_with_notify_stopped_asking_for_a_code_is_a_503_problem(suite):
    down = httpx.post(f"{suite['gateway']}/api/v1/owner-sign-in/codes", json={"mobile": MOBILE})
    assert down.status_code == 503 and down.headers["Content-Type"] == "application/problem+json"
