"""A notice reaches an office tenant's contact (OWN-11), across owners and notify with their real
processes on the real PostgreSQL and RabbitMQ: owners registers an office tower's units, a company
occupying two of them with its contacts in order (the first with no mobile) and one household; owners'
relay publishes; notify's consumer builds its copy (companies included); a fee notice to the tower's
building from notify's API; notify's sender sends it to the SMS stand-in, where the company's first
contact with a mobile gets one SMS per office unit and the household its own, and the contact without
a mobile gets nothing.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import sessionmaker
from tenancy.roles import ROLES

from notify import tables as notify_tables
from notify.app import create_app as notify_app
from notify.service import SERVICE as NOTIFY
from owners.companies.use_cases import add_company
from owners.people.use_cases import register_person
from owners.places.use_cases import add_building, add_unit, register_estate
from owners.service import SERVICE as OWNERS
from servicekit.auth import TokenVerifier, issue_token
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import service_process, wait_for
from servicekit.tokens import generate_keypair

pytestmark = pytest.mark.slow
FRONT_DESK, HOUSEHOLD, MANAGER_EMAIL = "13733334444", "13812340001", "chen@example.com"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def suite(make_database, amqp_vhost_url: str) -> Iterator[dict]:
    urls = {"owners": make_database(), "notify": make_database()}
    upgrade(OWNERS, urls["owners"])
    upgrade(NOTIFY, urls["notify"])
    engines = {name: make_engine(url) for name, url in urls.items()}
    env = {"AMQP_URL": amqp_vhost_url, "LOG_LEVEL": "WARNING", "NOTIFY_ENVIRONMENT": "development",
           "OWNERS_DATABASE_URL": urls["owners"], "NOTIFY_DATABASE_URL": urls["notify"]}
    try:
        yield {"urls": urls, "engines": engines, "env": env}
    finally:
        for engine in engines.values():
            engine.dispose()


def _register_offices(engine) -> dict:  # noqa: ANN001
    uow = lambda: OWNERS.unit_of_work(sessionmaker(engine, expire_on_commit=False))  # noqa: E731
    estate = register_estate(uow(), code="TOWER", name="中心大厦")["id"]
    tower = add_building(uow(), estate, "A", "A座")["id"]
    a1201, a1202, a1203 = (add_unit(uow(), tower, n, 12)["id"] for n in ("A-1201", "A-1202", "A-1203"))
    manager = register_person(uow(), estate, "陈经理", contact_points=[{"kind": "email", "value": MANAGER_EMAIL}])
    front = register_person(uow(), estate, "前台小周", contact_points=[{"kind": "mobile", "value": FRONT_DESK}])
    register_person(uow(), estate, "王芳", contact_points=[{"kind": "mobile", "value": HOUSEHOLD}],
                    occupancy={"unit_id": a1203, "role": "owner", "moved_in_on": date(2024, 3, 1)})
    add_company(uow(), {"estate_id": estate, "name": "深圳示例科技有限公司", "unit_ids": [a1202, a1201],
                        "contacts": [{"person_id": manager["id"], "title": "行政经理"},
                                     {"person_id": front["id"], "title": "前台"}]})
    return {"estate": estate, "tower": tower}


def _notify_ready(engine, estate) -> uuid.UUID:  # noqa: ANN001
    """A fee template of the estate, and no quiet hours (the SMS go at any hour the test runs)."""
    template_id, stamp = uuid.uuid4(), datetime.now(UTC)
    with engine.begin() as db:
        db.execute(insert(notify_tables.estate_settings).values(
            estate_id=estate, timezone="Asia/Shanghai", quiet_start="00:00", quiet_end="00:00",
            sms_sign_name="中心物业", version=1))
        db.execute(insert(notify_tables.templates).values(
            id=template_id, estate_id=estate, code="office_fee", purpose="fee", sms_template_code="SMS_FEE",
            texts={"zh-CN": {"subject": "缴费通知", "body": "${name}您好：${unit}本月物业费请于${due_date}前缴纳。"}},
            variables=["due_date"], created_at=stamp, updated_at=stamp, version=1))
    return template_id


def test_a_notice_to_the_tower_reaches_the_companys_first_contact_with_a_mobile(suite) -> None:
    engines, env = suite["engines"], suite["env"]
    sms_port = _free_port()
    env = {**env, "NOTIFY_SMS_ENDPOINT": f"http://127.0.0.1:{sms_port}", "NOTIFY_SENDER_INTERVAL_SECONDS": "0.05"}
    with ExitStack() as stack:
        for service in ("owners", "notify"):
            stack.enter_context(service_process(service, "topology", env=env)).wait()
        standin = stack.enter_context(service_process("notify", "sms-standin", "--port", str(sms_port), env=env))
        for service, command in (("owners", "relay"), ("notify", "consume"), ("notify", "send")):
            stack.enter_context(service_process(service, command, env=env))
        ids = _register_offices(engines["owners"])

        def copied() -> bool:
            with engines["notify"].connect() as db:
                companies = db.execute(select(func.count()).select_from(notify_tables.companies)).scalar_one()
                people = db.execute(select(func.count()).select_from(notify_tables.people)).scalar_one()
            return companies == 1 and people == 3

        wait_for(copied, "notify's copy of owners to hold the company and its people")
        template_id = _notify_ready(engines["notify"], ids["estate"])
        private, public = generate_keypair()
        settings = NOTIFY.settings(database_url=suite["urls"]["notify"], amqp_url="amqp://unused", port=0,
                                   log_level="WARNING", max_body_bytes=64 * 1024)
        client = notify_app(settings, TokenVerifier(public, issuer="t", audience="estatedesk",
                                                    roles=ROLES)).test_client()
        token = issue_token(private, subject="desk", role="service_desk_agent", estates=[str(ids["estate"])],
                            issuer="t", audience="estatedesk")
        made = client.post("/api/v1/notices", headers={"Authorization": f"Bearer {token}"}, json={
            "estate_id": str(ids["estate"]), "template_id": str(template_id), "title": "十二月物业费",
            "audience": {"buildings": [str(ids["tower"])]}, "variables": {"due_date": "12月31日"},
            "channels": ["sms"]})
        assert made.status_code == 201, made.json
        assert made.json["recipients_count"] == 3  # the household, and the company's contact for each office

        http = stack.enter_context(httpx.Client(timeout=10))

        def received() -> list[dict]:
            if standin.poll() is not None:
                raise AssertionError("the SMS stand-in stopped")
            try:
                return http.get(f"http://127.0.0.1:{sms_port}/_standin/messages").json()["messages"]
            except httpx.HTTPError:
                return []

        wait_for(lambda: len(received()) >= 3, "the notice's three SMS at the stand-in")
        messages = received()
    to_front_desk = sorted(m["params"]["unit"] for m in messages if m["number"].endswith(FRONT_DESK))
    assert to_front_desk == ["A座 A-1201", "A座 A-1202"]
    assert [m["params"]["name"] for m in messages if m["number"].endswith(HOUSEHOLD)] == ["王芳"]
    assert len(messages) == 3 and all(m["params"]["name"] in ("前台小周", "王芳") for m in messages)
