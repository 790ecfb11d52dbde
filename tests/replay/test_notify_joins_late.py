"""notify joins a suite whose owners already holds an estate: `make run`'s steps for it (migrate,
topology, then `owners replay --consumer notify --state` because its copy is empty) and its real
consumer process (`notify consume`) fill notify's copy of owners: every person with the preferred
mobile and e-mail, every occupancy; copy-status.py says `complete`, and notify's demo loads on it.
"""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import Iterator
from pathlib import Path

import pika
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from notify import tables as notify_tables
from notify.cli import main as notify_cli
from notify.service import SERVICE as NOTIFY
from owners.cli import main as owners_cli
from owners.companies.use_cases import add_company
from owners.household_imports.use_cases import import_households
from owners.places.use_cases import register_estate
from owners.service import SERVICE as OWNERS
from owners.tables import company_contacts, company_units, contact_points, people, units
from servicekit.copies import preferred
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import service_process, wait_for

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "services" / "owners" / "contracts" / "examples" / "households.csv"


def _copy_status():  # noqa: ANN202  (deploy/scripts/copy-status.py as a module)
    spec = importlib.util.spec_from_file_location("copy_status", ROOT / "deploy" / "scripts" / "copy-status.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def suite(make_database, amqp_vhost_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    owners_url, notify_url = make_database(), make_database()
    upgrade(OWNERS, owners_url)
    engine = make_engine(owners_url)
    uow = lambda: OWNERS.unit_of_work(sessionmaker(engine, expire_on_commit=False))  # noqa: E731
    estate = register_estate(uow(), code="DEMO", name="阳光花园")
    import_households(uow(), estate["id"], EXAMPLE.read_bytes())
    with engine.connect() as db:  # an office tenant of two units, with two contacts in order
        two_units = db.execute(select(units.c.id).order_by(units.c.number).limit(2)).scalars().all()
        two_people = db.execute(select(people.c.id).order_by(people.c.name).limit(2)).scalars().all()
    add_company(uow(), {"estate_id": estate["id"], "name": "深圳示例科技有限公司", "unit_ids": two_units,
                        "contacts": [{"person_id": p, "title": ""} for p in two_people]})
    monkeypatch.setenv("OWNERS_DATABASE_URL", owners_url)
    monkeypatch.setenv("NOTIFY_DATABASE_URL", notify_url)
    monkeypatch.setenv("AMQP_URL", amqp_vhost_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    yield {"owners": engine, "notify_url": notify_url, "amqp": amqp_vhost_url, "estate": estate["id"]}
    engine.dispose()


def test_a_replay_fills_notifys_empty_copy_through_its_consumer(suite, capsys) -> None:
    status = _copy_status()
    assert notify_cli(["migrate"]) == 0 and notify_cli(["topology"]) == 0
    assert status.state("notify") == "empty"  # what makes `make run` replay owners' state to notify
    connection = pika.BlockingConnection(pika.URLParameters(suite["amqp"]))
    try:
        # The run's vhost is shared: owners events other tests published sit in notify's queue.
        connection.channel().queue_purge(NOTIFY.topology.inbox_queue)
        assert owners_cli(["replay", "--consumer", "notify", "--state"]) == 0
        queued = connection.channel().queue_declare(NOTIFY.topology.inbox_queue, passive=True).method.message_count
    finally:
        connection.close()
    assert queued > 0
    env = {"NOTIFY_DATABASE_URL": suite["notify_url"], "AMQP_URL": suite["amqp"], "LOG_LEVEL": "WARNING"}
    with service_process("notify", "consume", env=env) as consumer:
        wait_for(lambda: consumer.poll() is None and status.state("notify") == "complete",
                 "notify's copy of owners to be complete")
    notify = make_engine(suite["notify_url"])
    try:
        with suite["owners"].connect() as db:
            points: dict = {}
            for p in db.execute(select(contact_points)):
                points.setdefault(p.person_id, []).append(
                    {"kind": p.kind, "value": p.value, "preferred": p.preferred})
            wanted = {r.id: (r.name, preferred(points.get(r.id), "mobile"), preferred(points.get(r.id), "email"))
                      for r in db.execute(select(people))}
            held = sorted(str(u) for u in db.execute(select(company_units.c.unit_id)).scalars())
            contacts = [str(p) for p in db.execute(select(company_contacts.c.person_id)
                                                   .order_by(company_contacts.c.position)).scalars()]
        with notify.connect() as db:
            got = {r.id: (r.name, r.mobile, r.email) for r in db.execute(select(notify_tables.people))}
            estates = db.execute(select(notify_tables.estates.c.id, notify_tables.estates.c.code)).all()
            [company] = db.execute(select(notify_tables.companies)).all()
        assert got == wanted and len(got) >= 5
        assert (company.unit_ids, [c["person_id"] for c in company.contacts]) == (held, contacts)
        assert [(e.id, e.code) for e in estates] == [(uuid.UUID(str(suite["estate"])), "DEMO")]
        capsys.readouterr()
        assert notify_cli(["load-demo"]) == 0  # what `make run` does once the copy is complete
        assert "loaded notify's demo of DEMO" in capsys.readouterr().out
        with notify.connect() as db:
            assert db.execute(select(func.count()).select_from(notify_tables.templates)).scalar_one() == 3
    finally:
        notify.dispose()
