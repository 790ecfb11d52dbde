"""The question after a ticket across three services (SRV-5), with their real consumers, relays and
sender on the real PostgreSQL and RabbitMQ: a ticket resolved in tickets -> tickets' relay publishes
``tickets.ticket.resolved.v1`` -> surveys' consumer invites the reporter -> surveys' relay publishes
the invitation -> notify's consumer makes the SMS by its built-in survey rule and its sender sends it
to the SMS stand-in, with the personal link -> the owner answers by the link (surveys' answer API) ->
surveys' relay publishes the answer -> tickets' consumer records it as the ticket's evaluation, with
the channel survey.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import sessionmaker

from notify import tables as notify_tables
from notify.service import SERVICE as NOTIFY
from servicekit.testing import processes_suite, service_process, wait_for
from surveys.app import create_app as surveys_app
from surveys.service import SERVICE as SURVEYS
from tickets import tables as tickets_tables
from tickets.service import SERVICE as TICKETS
from tickets.tickets.schemas import NewTicketSchema
from tickets.tickets.timeline import Actor
from tickets.tickets.use_cases.entry import open_ticket
from tickets.tickets.use_cases.procedure import acknowledge, arrive, dispatch, resolve

pytestmark = pytest.mark.slow
MOBILE = "13812340077"
DESK = Actor("desk", "service_desk_agent")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _seed(engines: dict, ids: dict) -> None:
    """The same estate in tickets' and notify's copies of owners (as their consumers would have it)."""
    t, n = tickets_tables, notify_tables
    with engines["tickets"].begin() as db:
        db.execute(insert(t.estates).values(id=ids["estate"], code="LOOP", name="回访花园", version=1))
        db.execute(insert(t.buildings).values(id=ids["building"], estate_id=ids["estate"], code="1", name="1栋",
                                              version=1))
        db.execute(insert(t.units).values(id=ids["unit"], estate_id=ids["estate"], building_id=ids["building"],
                                          number="1-101", floor=1, version=1))
        db.execute(insert(t.people).values(id=ids["person"], estate_id=ids["estate"], name="李伟", mobile=MOBILE,
                                           version=1))
        db.execute(insert(t.staff).values(id=ids["technician"], estate_id=ids["estate"], name="张师傅",
                                          role="technician", skills=["plumbing"], active=True, version=1))
        db.execute(insert(t.categories).values(id=uuid.uuid4(), estate_id=None, kind="repair", code="plumbing",
                                               name_zh="水管", name_en="Plumbing", skill="plumbing"))
    with engines["notify"].begin() as db:
        db.execute(insert(n.estates).values(id=ids["estate"], code="LOOP", name="回访花园", version=1))
        # start == end: no quiet window, so the SMS goes at any hour the test runs.
        db.execute(insert(n.estate_settings).values(estate_id=ids["estate"], timezone="Asia/Shanghai",
                                                    quiet_start="00:00", quiet_end="00:00", sms_sign_name="回访物业",
                                                    version=1))
        db.execute(insert(n.people).values(id=ids["person"], estate_id=ids["estate"], name="李伟", language="zh-CN",
                                           preferred_channel="sms", mobile=MOBILE, version=1))
        db.execute(insert(n.occupancies).values(id=uuid.uuid4(), estate_id=ids["estate"], unit_id=ids["unit"],
                                                person_id=ids["person"], role="owner", moved_in_on=date(2020, 1, 1),
                                                version=1))


@pytest.fixture
def suite(make_database, amqp_vhost_url: str) -> Iterator[dict]:
    with processes_suite(make_database, amqp_vhost_url, (TICKETS, SURVEYS, NOTIFY)) as suite:
        yield suite


def test_a_resolved_ticket_is_evaluated_by_the_owners_answer_to_the_sms_link(suite) -> None:
    engines, env = suite["engines"], suite["env"]
    ids = {name: uuid.uuid4() for name in ("estate", "building", "unit", "person", "technician")}
    _seed(engines, ids)
    sms_port = _free_port()
    env = {**env, "NOTIFY_SMS_ENDPOINT": f"http://127.0.0.1:{sms_port}", "NOTIFY_SENDER_INTERVAL_SECONDS": "0.05"}
    with ExitStack() as stack:
        for service in ("tickets", "surveys", "notify"):
            stack.enter_context(service_process(service, "topology", env=env)).wait()
        standin = stack.enter_context(service_process("notify", "sms-standin", "--port", str(sms_port), env=env))
        for service, command in (("tickets", "consume"), ("tickets", "relay"), ("surveys", "consume"),
                                 ("surveys", "relay"), ("notify", "consume"), ("notify", "send")):
            stack.enter_context(service_process(service, command, env=env))

        uow = lambda: TICKETS.unit_of_work(sessionmaker(engines["tickets"], expire_on_commit=False))  # noqa: E731
        entry = NewTicketSchema().load({"estate_id": str(ids["estate"]), "unit_id": str(ids["unit"]),
                                        "person_id": str(ids["person"]), "kind": "repair", "category": "plumbing",
                                        "title": "厨房水管漏水"})
        ticket = open_ticket(uow(), DESK, entry)["ticket"]
        acknowledge(uow(), ticket["id"], DESK)
        dispatch(uow(), ticket["id"], DESK, staff_id=ids["technician"])
        arrive(uow(), ticket["id"], DESK)
        resolve(uow(), ticket["id"], DESK, resolution="已更换阀门")

        http = stack.enter_context(httpx.Client(timeout=10))

        def invitation_sms() -> dict | None:
            if standin.poll() is not None:
                raise AssertionError("the SMS stand-in stopped")
            try:
                found = http.get(f"http://127.0.0.1:{sms_port}/_standin/messages").json()["messages"]
            except httpx.HTTPError:
                return None
            return next((m for m in found if m["template_code"] == "SMS_ED_SURVEY_INVITATION"), None)

        wait_for(lambda: invitation_sms() is not None, "the survey invitation's SMS at the stand-in")
        sms = invitation_sms()
        assert sms["number"].endswith(MOBILE) and sms["params"]["name"] == "李伟"
        token = sms["params"]["link"].rsplit("/", 1)[1]

        client = surveys_app(SURVEYS.settings(database_url=suite["urls"]["surveys"], amqp_url="amqp://unused",
                                              port=0, log_level="WARNING", max_body_bytes=64 * 1024)).test_client()
        page = client.get(f"/api/v1/answers/{token}").json
        assert [q["code"] for q in page["questions"]] == ["satisfied", "overall", "comment"]
        done = client.post(f"/api/v1/answers/{token}/submission", json={"items": {
            "satisfied": {"choice": "yes"}, "overall": {"score": 5}, "comment": {"text": "师傅很专业"}}})
        assert done.status_code == 201, done.json

        def evaluated() -> bool:
            with engines["tickets"].connect() as db:
                row = db.execute(select(tickets_tables.tickets).where(tickets_tables.tickets.c.id == ticket["id"])
                                 ).mappings().one()
            return row["stage"] == "evaluated"

        wait_for(evaluated, "tickets to record the owner's evaluation")
        with engines["tickets"].connect() as db:
            row = db.execute(select(tickets_tables.tickets).where(tickets_tables.tickets.c.id == ticket["id"])
                             ).mappings().one()
        assert (row["evaluation_score"], row["evaluation_comment"], row["evaluation_channel"]) == (
            5, "师傅很专业", "survey")
        assert datetime.now(UTC) > row["updated_at"]
