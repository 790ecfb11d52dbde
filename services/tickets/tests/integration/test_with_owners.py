"""Tickets beside owners, on the real PostgreSQL and RabbitMQ, with the real processes:

* live: what the owners API does reaches tickets' copy through ``owners relay`` and ``tickets consume``
  (servicekit's consumer loop with tickets' handlers);
* late: tickets started after owners already holds the demo estate gets nothing of the past until
  ``owners replay --consumer tickets`` (the current state, then the history) gives it its copy,
  row by row equal to owners' tables;
* a complaint's whole life: a unit and a person made on the owners API, a complaint on the tickets
  API, dispatched to the territory's technician, warned and breached on time by the timer (its
  clock set, no sleeps), escalated, resolved and evaluated, each event observed on the broker once.

Each world has databases and a vhost of its own; the processes run as deployed (servicekit.testing's
``service_process``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pika
import pika.exceptions
import pytest
from sqlalchemy import Engine, delete, select
from tenancy.roles import ROLES

from owners import tables as owned
from owners.app import create_app as create_owners_app
from owners.service import SERVICE as OWNERS
from owners.settings import Settings as OwnersSettings
from servicekit.auth import TokenVerifier, issue_token
from servicekit.copies import preferred_contact
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import configured_broker, create_vhost, delete_vhost, service_process, wait_for
from servicekit.tokens import generate_keypair
from tickets import tables as copy
from tickets.dispatch.candidates import choose_assignee
from tickets.service import SERVICE as TICKETS

preferred_mobile = preferred_contact("mobile")

COPY_TABLES = (copy.estates, copy.buildings, copy.units, copy.people, copy.occupancies, copy.staff, copy.territories,
               copy.departments, copy.equipment, copy.companies)


# --- owners' data and tickets' copy, in the same shape -------------------------------------------

def owners_rows(engine: Engine) -> dict[str, dict[Any, tuple]]:
    """Owners' tables as tickets keeps them (a person's number: the preferred mobile, else the first)."""
    o = owned
    with engine.connect() as db:
        points: dict[Any, list[dict[str, Any]]] = {}
        for p in db.execute(select(o.contact_points).order_by(o.contact_points.c.person_id,
                                                              o.contact_points.c.preferred.desc(),
                                                              o.contact_points.c.kind, o.contact_points.c.value)):
            points.setdefault(p.person_id, []).append({"kind": p.kind, "value": p.value, "preferred": p.preferred})
        members: dict[Any, list[str]] = {}
        for m in db.execute(select(o.department_members)):
            members.setdefault(m.department_id, []).append(str(m.staff_id))
        members = {key: sorted(value) for key, value in members.items()}
        held: dict[Any, list[str]] = {}
        for u in db.execute(select(o.company_units)):
            held.setdefault(u.company_id, []).append(str(u.unit_id))
        contacts: dict[Any, list[tuple]] = {}
        for c in db.execute(select(o.company_contacts).order_by(o.company_contacts.c.position)):
            contacts.setdefault(c.company_id, []).append((c.position, str(c.person_id), c.title))
        return {
            "estates": {r.id: (r.code, r.name, r.version) for r in db.execute(select(o.estates))},
            "buildings": {r.id: (r.estate_id, r.code, r.name, r.version) for r in db.execute(select(o.buildings))},
            "units": {r.id: (r.estate_id, r.building_id, r.number, r.floor, r.version)
                      for r in db.execute(select(o.units))},
            "people": {r.id: (r.estate_id, r.name, r.language, preferred_mobile(points.get(r.id)), r.version)
                       for r in db.execute(select(o.people))},
            "occupancies": {r.id: (r.estate_id, r.unit_id, r.person_id, r.role, r.moved_in_on, r.moved_out_on,
                                   r.version) for r in db.execute(select(o.occupancies))},
            "staff": {r.id: (r.estate_id, r.name, r.role, sorted(set(r.skills)), r.active, r.version)
                      for r in db.execute(select(o.staff))},
            "territories": {r.id: (r.estate_id, r.staff_id, r.building_id, r.version)
                            for r in db.execute(select(o.territories))},
            "departments": {r.id: (r.estate_id, r.code, r.name, r.supervisor_id, members.get(r.id, []), r.active,
                                   r.version)
                            for r in db.execute(select(o.departments).where(o.departments.c.estate_id.is_not(None)))},
            "equipment": {r.id: (r.estate_id, r.building_id, r.kind, r.identifier, r.name, r.location, r.active,
                                 r.version) for r in db.execute(select(o.equipment))},
            "companies": {r.id: (r.estate_id, r.name, sorted(held.get(r.id, [])), contacts.get(r.id, []), r.version)
                          for r in db.execute(select(o.companies))},
        }


def copy_rows(engine: Engine) -> dict[str, dict[Any, tuple]]:
    """Tickets' copy in the same shape; released territories (tombstones: owners deleted them) apart."""
    c = copy
    with engine.connect() as db:
        return {
            "estates": {r.id: (r.code, r.name, r.version) for r in db.execute(select(c.estates))},
            "buildings": {r.id: (r.estate_id, r.code, r.name, r.version) for r in db.execute(select(c.buildings))},
            "units": {r.id: (r.estate_id, r.building_id, r.number, r.floor, r.version)
                      for r in db.execute(select(c.units))},
            "people": {r.id: (r.estate_id, r.name, r.language, r.mobile, r.version)
                       for r in db.execute(select(c.people))},
            "occupancies": {r.id: (r.estate_id, r.unit_id, r.person_id, r.role, r.moved_in_on, r.moved_out_on,
                                   r.version) for r in db.execute(select(c.occupancies))},
            "staff": {r.id: (r.estate_id, r.name, r.role, list(r.skills), r.active, r.version)
                      for r in db.execute(select(c.staff))},
            "territories": {r.id: (r.estate_id, r.staff_id, r.building_id, r.version)
                            for r in db.execute(select(c.territories).where(c.territories.c.released.is_(False)))},
            "departments": {r.id: (r.estate_id, r.code, r.name, r.supervisor_id, list(r.members), r.active, r.version)
                            for r in db.execute(select(c.departments))},
            "equipment": {r.id: (r.estate_id, r.building_id, r.kind, r.identifier, r.name, r.location, r.active,
                                 r.version) for r in db.execute(select(c.equipment))},
            "companies": {r.id: (r.estate_id, r.name, list(r.unit_ids),
                                 [(p["position"], p["person_id"], p["title"]) for p in r.contacts], r.version)
                          for r in db.execute(select(c.companies))},
        }


def released_territories(engine: Engine) -> set[Any]:
    with engine.connect() as db:
        return set(db.execute(select(copy.territories.c.id).where(copy.territories.c.released.is_(True))).scalars())


def differences(world: World) -> list[str]:
    ours, theirs = owners_rows(world.owners), copy_rows(world.tickets)
    found = []
    for name, rows in ours.items():
        wrong = [key for key in rows.keys() | theirs[name].keys() if rows.get(key) != theirs[name].get(key)]
        if wrong:
            found.append(f"{name}: {len(wrong)} of {len(rows)} rows differ, e.g. owners {rows.get(wrong[0])} "
                         f"copy {theirs[name].get(wrong[0])}")
    return found


# --- a world: owners and tickets on databases and a vhost of their own ----------------------------

class World:
    def __init__(self, owners_url: str, tickets_url: str, amqp_url: str) -> None:
        upgrade(OWNERS, owners_url)
        upgrade(TICKETS, tickets_url)
        self.owners, self.tickets = make_engine(owners_url), make_engine(tickets_url)
        self.amqp_url = amqp_url
        base = {"AMQP_URL": amqp_url, "LOG_LEVEL": "WARNING"}
        self.owners_env, self.tickets_env = {**base, "DATABASE_URL": owners_url}, {**base, "DATABASE_URL": tickets_url}
        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_url))

    def owners_command(self, *args: str) -> str:
        return self._command("owners", self.owners_env, *args)

    def tickets_topology(self) -> None:
        """`tickets topology`, as a deployment runs it before tickets' consumer (which declares nothing)."""
        self._command("tickets", self.tickets_env, "topology")

    @staticmethod
    def _command(service: str, env: dict[str, str], *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", f"{service}.cli", *args], env={**os.environ, **env},
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def tickets_queue(self) -> tuple[int, int] | None:
        """(ready messages, consumers) of tickets' queue, None while it does not exist."""
        channel = self.connection.channel()
        try:
            declared = channel.queue_declare(TICKETS.topology.inbox_queue, passive=True).method
        except pika.exceptions.ChannelClosedByBroker:
            return None
        channel.close()
        return declared.message_count, declared.consumer_count

    def wait_consuming(self) -> None:
        wait_for(lambda: (self.tickets_queue() or (0, 0))[1] > 0, "tickets consume to take its queue")

    def wait_copy_equal(self) -> None:
        wait_for(lambda: not differences(self), "tickets' copy to equal owners' data")

    def outbox_published(self) -> bool:
        table = owned.outbox.table
        with self.owners.connect() as db:
            return db.execute(select(table.c.seq).where(table.c.published_at.is_(None)).limit(1)).first() is None

    def close(self) -> None:
        self.connection.close()
        self.owners.dispose()
        self.tickets.dispose()


@pytest.fixture
def make_world(make_database: Callable[[], str]) -> Iterator[Callable[[], World]]:
    made: list[tuple[World, str]] = []

    def make() -> World:
        vhost = create_vhost(configured_broker())
        made.append((World(make_database(), make_database(), vhost), vhost))
        made[-1][0].owners_command("topology")  # as a deployment does before the relay starts
        return made[-1][0]

    yield make
    for world, vhost in made:
        world.close()
        delete_vhost(vhost)


# --- live: the owners API -> owners relay -> tickets consume -> the copy --------------------------

@pytest.fixture
def owners_api(make_world):
    world = make_world()
    private, public = generate_keypair()
    settings = OwnersSettings(database_url=world.owners_env["DATABASE_URL"], amqp_url="amqp://unused", port=0,
                              log_level="WARNING", max_body_bytes=64 * 1024, max_import_bytes=1024 * 1024)
    app = create_owners_app(settings, TokenVerifier(public, issuer="tickets-copy", audience="estatedesk", roles=ROLES))
    token = issue_token(private, subject="tickets-copy-test", role="operator_admin", estates=["*"],
                        issuer="tickets-copy", audience="estatedesk")
    client = app.test_client()

    def call(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code < 300, answer.get_json()
        return answer.get_json() or {}

    return world, call


def test_what_the_owners_api_does_reaches_the_tickets_copy(owners_api) -> None:
    world, call = owners_api
    world.tickets_topology()
    with service_process("tickets", "consume", env=world.tickets_env), \
            service_process("owners", "relay", env=world.owners_env):
        world.wait_consuming()
        estate = call("POST", "/api/v1/estates", {"code": "SUN", "name": "阳光花园", "city": "深圳"})["id"]
        call("PATCH", f"/api/v1/estates/{estate}", {"name": "阳光花园一期"})
        b1 = call("POST", f"/api/v1/estates/{estate}/buildings", {"code": "1", "name": "1栋", "floors": 30})["id"]
        b2 = call("POST", f"/api/v1/estates/{estate}/buildings", {"code": "2", "name": "2栋", "floors": 30})["id"]
        unit = call("POST", f"/api/v1/buildings/{b1}/units", {"number": "1-1202", "floor": 12})["id"]
        call("PATCH", f"/api/v1/units/{unit}", {"floor": 11})
        owner = call("POST", "/api/v1/people", {
            "estate_id": estate, "name": "张伟", "contact_points": [
                {"kind": "email", "value": "zw@example.com", "preferred": True},
                {"kind": "mobile", "value": "13800000001"}, {"kind": "mobile", "value": "13900000002"}],
            "occupancy": {"unit_id": unit, "role": "owner", "moved_in_on": "2024-03-01"}})
        tenant = call("POST", "/api/v1/people", {"estate_id": estate, "name": "李娜", "contact_points": [
            {"kind": "mobile", "value": "13700000003"}]})
        call("PUT", f"/api/v1/people/{tenant['id']}/contact-points", {"contact_points": [
            {"kind": "mobile", "value": "13700000004", "preferred": True}, {"kind": "mobile", "value": "13600000005"}]})
        moved_in = call("POST", f"/api/v1/units/{unit}/occupants", {"person_id": tenant["id"], "role": "tenant",
                                                                    "moved_in_on": "2024-05-01"})
        call("POST", f"/api/v1/occupancies/{moved_in['id']}/move-out", {"moved_out_on": "2025-06-30"})
        plumber = call("POST", "/api/v1/staff", {"estate_id": estate, "name": "李师傅", "role": "technician",
                                                 "skills": ["plumbing"]})["id"]
        other = call("POST", "/api/v1/staff", {"estate_id": estate, "name": "王师傅", "role": "technician",
                                               "skills": ["plumbing", "electrical"]})["id"]
        call("PATCH", f"/api/v1/staff/{plumber}", {"skills": ["plumbing", "locks"]})
        territory = call("POST", f"/api/v1/staff/{plumber}/territories", {"estate_id": estate, "building_id": b1})["id"]
        call("POST", f"/api/v1/staff/{other}/territories", {"estate_id": estate, "building_id": b2})
        call("POST", f"/api/v1/territories/{territory}/reassign", {"staff_id": other})
        engineering = call("POST", "/api/v1/departments", {"estate_id": estate, "code": "engineering",
                                                           "name": "工程部", "member_ids": [plumber]})["id"]
        call("PUT", f"/api/v1/departments/{engineering}/members", {"member_ids": [plumber, other]})
        call("PATCH", f"/api/v1/departments/{engineering}", {"supervisor_id": other})
        lift = call("POST", "/api/v1/equipment", {"estate_id": estate, "building_id": b1, "kind": "lift",
                                                  "identifier": "1栋-1号梯", "name": "1栋1号客梯"})["id"]
        call("PATCH", f"/api/v1/equipment/{lift}", {"location": "1栋大堂"})
        company = call("POST", "/api/v1/companies", {"estate_id": estate, "name": "深圳示例科技有限公司",
                                                     "unit_ids": [unit], "contacts": [
                                                         {"person_id": owner["id"], "title": "行政经理"}]})["id"]
        call("PATCH", f"/api/v1/companies/{company}", {"contacts": [
            {"person_id": tenant["id"], "title": "前台"}, {"person_id": owner["id"], "title": "行政经理"}]})

        world.wait_copy_equal()
        wait_for(lambda: uuid.UUID(territory) in released_territories(world.tickets), "the release")
    ours = copy_rows(world.tickets)
    assert ours["estates"][uuid.UUID(estate)] == ("SUN", "阳光花园一期", 2)
    assert ours["units"][uuid.UUID(unit)][3:] == (11, 2)
    assert ours["people"][uuid.UUID(owner["id"])][3] == "13800000001"  # the first mobile (an e-mail is preferred)
    assert ours["people"][uuid.UUID(tenant["id"])][3:] == ("13700000004", 2)  # the preferred mobile
    assert ours["occupancies"][uuid.UUID(moved_in["id"])][5].isoformat() == "2025-06-30"
    assert ours["staff"][uuid.UUID(plumber)][3:] == (["locks", "plumbing"], True, 2)
    assert ours["departments"][uuid.UUID(engineering)][3:] == (uuid.UUID(other), sorted([plumber, other]), True, 3)
    assert ours["companies"][uuid.UUID(company)][2:] == (
        [unit], [(1, tenant["id"], "前台"), (2, owner["id"], "行政经理")], 2)
    assert sorted(t[1:3] for t in ours["territories"].values()) == sorted(
        [(uuid.UUID(other), uuid.UUID(b1)), (uuid.UUID(other), uuid.UUID(b2))])
    # OWN-6 through the real processes: building 1 went to 王师傅, so a leak there is his now.
    leak = {"estate_id": uuid.UUID(estate), "building_id": None, "unit_id": uuid.UUID(unit), "kind": "repair",
            "category": None, "skill": "plumbing"}
    with world.tickets.connect() as conn:
        assert choose_assignee(conn, leak) == uuid.UUID(other)
        assert choose_assignee(conn, leak, exclude={uuid.UUID(other)}) == uuid.UUID(plumber)  # skilled, off-ground


# --- late: tickets joins after owners holds the demo estate ---------------------------------------

@pytest.mark.slow
def test_tickets_started_after_owners_holds_the_demo_estate_gets_its_copy_by_replay(make_world) -> None:
    world = make_world()
    with service_process("owners", "relay", env=world.owners_env):
        world.owners_command("load-demo")
        wait_for(world.outbox_published, "owners relay to publish the demo estate's events")
    assert world.tickets_queue() is None  # nobody kept the past for tickets

    world.tickets_topology()  # tickets joins: its queue is bound from now on
    with service_process("tickets", "consume", env=world.tickets_env):
        world.wait_consuming()
        assert world.tickets_queue() == (0, 1)  # joining gives nothing of the past
        assert all(not rows for rows in copy_rows(world.tickets).values())

        said = world.owners_command("replay", "--consumer", "tickets", "--state")
        assert said.startswith("replayed ") and "current-state events to tickets.inbox" in said
        world.wait_copy_equal()
        figures = {name: len(rows) for name, rows in owners_rows(world.owners).items()}
        assert figures["units"] == 1200 and figures["people"] > 1200 and figures["staff"] > 0, figures
        assert figures["territories"] > 0 and figures["occupancies"] > 1200, figures
        assert figures["departments"] == 5 and figures["equipment"] == 23 and figures["companies"] == 2, figures

        # The copy lost (the inbox too, or every replayed event would be a duplicate): the history
        # rebuilds it to the same rows, every entity's events applied newest-wins.
        with world.tickets.begin() as db:
            for table in (*COPY_TABLES, copy.inbox):
                db.execute(delete(table))
        said = world.owners_command("replay", "--consumer", "tickets")
        assert "past events to tickets.inbox" in said
        world.wait_copy_equal()


# --- a complaint's whole life, owners' API to tickets' events on the broker ------------------------

def tickets_api(world: World) -> Callable[..., dict[str, Any]]:
    """Tickets' web app on the world's tickets database, called as the desk of every estate."""
    from tickets.app import create_app as create_tickets_app

    private, public = generate_keypair()
    settings = TICKETS.settings(database_url=world.tickets_env["DATABASE_URL"], amqp_url="amqp://unused", port=0,
                                log_level="WARNING", max_body_bytes=64 * 1024)
    app = create_tickets_app(settings, TokenVerifier(public, issuer="e2e", audience="estatedesk", roles=ROLES))
    token = issue_token(private, subject="desk-e2e", role="service_desk_agent", estates=["*"], issuer="e2e",
                        audience="estatedesk")
    client = app.test_client()

    def call(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code < 300, answer.get_json()
        return answer.get_json()

    return call


def observe_tickets_events(world: World) -> tuple[Any, str]:
    """A queue of the test's own bound to everything tickets publishes (declared before its relay runs)."""
    channel = world.connection.channel()
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, TICKETS.topology.exchange, routing_key="#")
    return channel, queue


def drain(channel: Any, queue: str) -> list[dict[str, Any]]:
    import json as _json

    got = []
    while (message := channel.basic_get(queue, auto_ack=True))[0] is not None:
        got.append(_json.loads(message[2]))
    return got


def watch_tickets_events(world: World) -> tuple[list[dict[str, Any]], Callable[..., Callable[[], bool]]]:
    """What tickets published so far (``seen``), and ``observed(type_, count)``: a condition for
    ``wait_for`` that drains the test's queue into ``seen`` and holds once ``count`` of ``type_`` came."""
    channel, queue = observe_tickets_events(world)
    seen: list[dict[str, Any]] = []

    def observed(type_: str, count: int = 1) -> Callable[[], bool]:
        def check() -> bool:
            seen.extend(drain(channel, queue))
            return sum(e["type"] == type_ for e in seen) >= count
        return check

    return seen, observed


@contextmanager
def all_processes(world: World) -> Iterator[None]:
    """tickets' consumer and both relays running, as deployed, tickets consuming."""
    with service_process("tickets", "consume", env=world.tickets_env), \
            service_process("owners", "relay", env=world.owners_env), \
            service_process("tickets", "relay", env=world.tickets_env):
        world.wait_consuming()
        yield


def test_a_complaint_from_the_owners_api_to_its_evaluation_with_every_event_on_the_broker(owners_api) -> None:
    from datetime import timedelta

    from sqlalchemy.orm import sessionmaker

    from tickets.sla.timer import sweep

    world, owners = owners_api
    world.tickets_topology()
    seen, observed = watch_tickets_events(world)
    desk = tickets_api(world)
    sessions = sessionmaker(world.tickets, expire_on_commit=False)

    with all_processes(world):
        estate = owners("POST", "/api/v1/estates", {"code": "E2E", "name": "翠苑", "city": "杭州"})["id"]
        b1 = owners("POST", f"/api/v1/estates/{estate}/buildings", {"code": "1", "name": "1栋", "floors": 18})["id"]
        b2 = owners("POST", f"/api/v1/estates/{estate}/buildings", {"code": "2", "name": "2栋", "floors": 18})["id"]
        unit = owners("POST", f"/api/v1/buildings/{b1}/units", {"number": "1-801", "floor": 8})["id"]
        person = owners("POST", "/api/v1/people", {
            "estate_id": estate, "name": "陈静", "contact_points": [{"kind": "mobile", "value": "13811112222"}],
            "occupancy": {"unit_id": unit, "role": "owner", "moved_in_on": "2023-01-01"}})["id"]
        ours = owners("POST", "/api/v1/staff", {"estate_id": estate, "name": "赵师傅", "role": "technician",
                                                "skills": ["plumbing"]})["id"]
        theirs = owners("POST", "/api/v1/staff", {"estate_id": estate, "name": "钱师傅", "role": "technician",
                                                  "skills": ["plumbing"]})["id"]
        supervisor = owners("POST", "/api/v1/staff", {"estate_id": estate, "name": "孙主管", "role": "supervisor",
                                                      "skills": []})["id"]
        owners("POST", f"/api/v1/staff/{ours}/territories", {"estate_id": estate, "building_id": b1})
        owners("POST", f"/api/v1/staff/{theirs}/territories", {"estate_id": estate, "building_id": b2})
        world.wait_copy_equal()

        complaint = desk("POST", "/api/v1/tickets", {
            "estate_id": estate, "unit_id": unit, "person_id": person, "kind": "complaint", "channel": "phone",
            "complaint_class": "facilities", "title": "楼道灯不亮", "description": "1栋8楼楼道灯坏了一周"})
        opened_at = datetime.fromisoformat(complaint["created_at"])
        ticket = complaint["id"]
        desk("POST", f"/api/v1/tickets/{ticket}/acknowledge", {"note": "已致歉并登记"})
        dispatched = desk("POST", f"/api/v1/tickets/{ticket}/dispatch", {})
        assert dispatched["assignee_id"] == ours  # the technician whose territory is building 1

        # The timer, its clock set: a complaint's handler is due on site in 3 minutes, warned at 80 %.
        def sweep_at(minutes: float) -> Any:
            return sweep(lambda: TICKETS.unit_of_work(sessions), opened_at + timedelta(minutes=minutes))

        assert sweep_at(1.5).warned == 0
        assert sweep_at(2.5).warned == 1
        assert sweep_at(3.5).breached == 1
        assert (sweep_at(3.6).warned, sweep_at(3.6).breached) == (0, 0)  # fired once only
        desk("POST", f"/api/v1/tickets/{ticket}/arrive", {})
        desk("POST", f"/api/v1/tickets/{ticket}/resolve", {"resolution": "更换灯管"})
        desk("POST", f"/api/v1/tickets/{ticket}/inform-owner", {"how": "phone"})
        evaluated = desk("POST", f"/api/v1/tickets/{ticket}/evaluate", {"score": 5, "comment": "很快"})
        assert evaluated["stage"] == "evaluated"
        wait_for(observed("tickets.ticket.evaluated.v1"), "tickets' events on the broker")

    mine = [e for e in seen if e["subject"] == ticket]
    assert len({e["id"] for e in mine}) == len(mine), "an event arrived twice"
    story = [(e["type"].removeprefix("tickets."), e["data"].get("trigger"), e["data"].get("target"))
             for e in mine]
    assert story == [
        ("ticket.opened.v1", None, None),
        ("ticket.escalated.v1", "complaint", None),  # every complaint reported to the supervisor at once
        ("ticket.acknowledged.v1", None, None),
        ("ticket.dispatched.v1", None, None),
        ("sla.warned.v1", None, "arrive"),
        ("ticket.escalated.v1", "sla_warning", "arrive"),  # the assignee warned
        ("sla.breached.v1", None, "arrive"),
        ("ticket.escalated.v1", "sla_breach", "arrive"),  # up the chain: the supervisor
        ("ticket.arrived.v1", None, None),
        ("ticket.resolved.v1", None, None),
        ("ticket.owner_informed.v1", None, None),
        ("ticket.evaluated.v1", None, None),
    ], story
    told = [e["data"]["staff"]["staff_id"] for e in mine if e["type"] == "tickets.ticket.escalated.v1"]
    assert told == [supervisor, ours, supervisor]
    assert mine[3]["data"]["automatic"] is True and mine[-1]["data"]["ticket"]["stage"] == "evaluated"


# --- a department's complaint, owners' departments to tickets' dispatch and escalation -------------

def test_a_complaint_naming_a_department_is_dispatched_within_it_and_reported_to_its_supervisor(owners_api) -> None:
    world, owners = owners_api
    world.tickets_topology()
    seen, observed = watch_tickets_events(world)
    desk = tickets_api(world)

    with all_processes(world):
        estate = owners("POST", "/api/v1/estates", {"code": "DEPT", "name": "翠苑", "city": "杭州"})["id"]
        building = owners("POST", f"/api/v1/estates/{estate}/buildings", {"code": "1", "name": "1栋"})["id"]
        unit = owners("POST", f"/api/v1/buildings/{building}/units", {"number": "1-801", "floor": 8})["id"]

        def member(name: str, role: str, skills: list[str]) -> str:
            return owners("POST", "/api/v1/staff", {"estate_id": estate, "name": name, "role": role,
                                                    "skills": skills})["id"]

        estate_supervisor = member("孙主管", "supervisor", ["customer_service"])
        on_ground = member("保洁阿姨", "cleaner", ["cleaning"])  # covers building 1, not engineering's
        lift_man = member("梯工老李", "technician", ["lifts"])
        head = member("工程主管老赵", "technician", ["electrical"])
        handler = member("工程客服小王", "service_desk_agent", ["customer_service"])
        owners("POST", f"/api/v1/staff/{on_ground}/territories", {"estate_id": estate, "building_id": building})
        owners("POST", "/api/v1/departments", {"code": "engineering", "name": "工程部"})  # the operator's template
        [engineering] = owners("POST", f"/api/v1/estates/{estate}/departments/from-templates")
        owners("PUT", f"/api/v1/departments/{engineering['id']}/members", {"member_ids": [lift_man, head, handler]})
        owners("PATCH", f"/api/v1/departments/{engineering['id']}", {"supervisor_id": head})
        world.wait_copy_equal()

        complaint = desk("POST", "/api/v1/tickets", {
            "estate_id": estate, "unit_id": unit, "kind": "complaint", "channel": "phone",
            "complaint_class": "facilities", "department_id": engineering["id"], "title": "电梯经常停梯",
            "description": "1栋电梯一周停了三次"})
        desk("POST", f"/api/v1/tickets/{complaint['id']}/acknowledge", {})
        dispatched = desk("POST", f"/api/v1/tickets/{complaint['id']}/dispatch", {})
        assert dispatched["dispatch"]["reason"]["department"] == "工程部"
        # The supervisor post falls vacant in owners: the next complaint goes to the estate's supervisor.
        owners("PATCH", f"/api/v1/departments/{engineering['id']}", {"supervisor_id": None})
        world.wait_copy_equal()
        later = desk("POST", "/api/v1/tickets", {
            "estate_id": estate, "unit_id": unit, "kind": "complaint", "channel": "phone",
            "complaint_class": "facilities", "department_id": engineering["id"], "title": "电梯又停了"})
        wait_for(observed("tickets.ticket.escalated.v1", 2), "both complaints' reports on the broker")
        # To the department's queue: nobody assigned until a member takes it.
        desk("POST", f"/api/v1/tickets/{later['id']}/acknowledge", {})
        queued = desk("POST", f"/api/v1/tickets/{later['id']}/dispatch", {"department_id": engineering["id"]})
        in_queue = desk("GET", f"/api/v1/tickets?department_id={engineering['id']}&unassigned=true")["items"]
        taken = desk("POST", f"/api/v1/tickets/{later['id']}/take", {"staff_id": lift_man})
        wait_for(observed("tickets.ticket.reassigned.v1"), "the take on the broker")

    # Dispatched among engineering, to its member with the complaint's skill (customer service), not to
    # the cleaner on the ground, whom the estate-wide rule would have chosen for a complaint naming none.
    assert dispatched["assignee_id"] == handler and dispatched["department_id"] == engineering["id"]
    assert dispatched["dispatch"]["reason"]["coverage"] == "department"
    reports = {e["subject"]: e["data"] for e in seen if e["type"] == "tickets.ticket.escalated.v1"}
    assert reports[complaint["id"]]["staff"] == {"staff_id": head, "name": "工程主管老赵", "role": "supervisor",
                                                 "department_id": engineering["id"]}
    assert reports[later["id"]]["staff"]["staff_id"] == estate_supervisor
    assert (queued["assignee_id"], queued["dispatch"]["reason"]["queued"]) == (None, True)
    assert [t["id"] for t in in_queue] == [later["id"]] and taken["assignee_id"] == lift_man
    [put, took] = [e["data"] for e in seen if e["subject"] == later["id"]
                   and e["type"] in ("tickets.ticket.dispatched.v1", "tickets.ticket.reassigned.v1")]
    assert (put["assignee_id"], put["queued"], took["from_assignee_id"], took["to_assignee_id"]) == (
        None, True, None, lift_man)
    assert reports[later["id"]]["fallback"] == {"wanted": "supervisor", "vacant": ["department_supervisor"],
                                                "reached": "supervisor"}
