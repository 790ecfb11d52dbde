"""surveys joins a suite whose owners already holds the demo estate (SRV-1's households): `make run`'s
steps for it (migrate, topology, then `owners replay --consumer surveys --state` because its copy is
empty) and its real consumer process (`surveys consume`) fill surveys' copy of owners; the occupied
households its waves sample are exactly owners' (a household that moved out before the replay is
not one), its staff and territories are owners', copy-status.py says `complete`, and surveys' demo
loads on it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pika
import pytest
from sqlalchemy import or_, select
from sqlalchemy.orm import sessionmaker

from owners.cli import main as owners_cli
from owners.demo import load_demo_estate
from owners.occupancy.use_cases import move_out
from owners.service import SERVICE as OWNERS
from owners.tables import occupancies, staff, territories, units
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import service_process, wait_for
from surveys.cli import main as surveys_cli
from surveys.households.views import occupied_households
from surveys.service import SERVICE as SURVEYS
from surveys.tables import staff as surveys_staff
from surveys.tables import territories as surveys_territories

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _copy_status():  # noqa: ANN202  (deploy/scripts/copy-status.py as a module)
    spec = importlib.util.spec_from_file_location("copy_status", ROOT / "deploy" / "scripts" / "copy-status.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(db, statement) -> set[tuple]:  # noqa: ANN001
    return {tuple(row) for row in db.execute(statement)}


@pytest.fixture
def suite(make_database, amqp_vhost_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    owners_url, surveys_url = make_database(), make_database()
    upgrade(OWNERS, owners_url)
    engine = make_engine(owners_url)
    uow = lambda: OWNERS.unit_of_work(sessionmaker(engine, expire_on_commit=False))  # noqa: E731
    estate, _report, _team = load_demo_estate(uow())
    with engine.connect() as db:
        # Three units whose every occupant has moved in already (the demo has move-ins still to come,
        # which cannot be moved out today).
        arriving = select(occupancies.c.unit_id).where(occupancies.c.moved_in_on > date.today())
        emptied = (select(units.c.id).where(units.c.estate_id == estate, units.c.id.not_in(arriving))
                   .order_by(units.c.id).limit(3))
        leaving = db.execute(select(occupancies.c.id).where(occupancies.c.unit_id.in_(emptied),
                                                            occupancies.c.moved_out_on.is_(None))).scalars().all()
    for occupancy in leaving:  # everyone of three units moves out: three households fewer
        move_out(uow(), occupancy, date.today())
    monkeypatch.setenv("OWNERS_DATABASE_URL", owners_url)
    monkeypatch.setenv("SURVEYS_DATABASE_URL", surveys_url)
    monkeypatch.setenv("AMQP_URL", amqp_vhost_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    yield {"owners": engine, "surveys_url": surveys_url, "amqp": amqp_vhost_url, "estate": estate}
    engine.dispose()


def test_a_replay_fills_surveys_empty_copy_with_owners_occupied_households(suite, capsys) -> None:
    status = _copy_status()
    assert surveys_cli(["migrate"]) == 0 and surveys_cli(["topology"]) == 0
    assert status.state("surveys") == "empty"  # what makes `make run` replay owners' state to surveys
    connection = pika.BlockingConnection(pika.URLParameters(suite["amqp"]))
    try:
        # The run's vhost is shared: owners events other tests published sit in surveys' queue.
        connection.channel().queue_purge(SURVEYS.topology.inbox_queue)
        assert owners_cli(["replay", "--consumer", "surveys", "--state"]) == 0
    finally:
        connection.close()
    env = {"SURVEYS_DATABASE_URL": suite["surveys_url"], "AMQP_URL": suite["amqp"], "LOG_LEVEL": "WARNING"}
    with service_process("surveys", "consume", env=env) as consumer:
        wait_for(lambda: consumer.poll() is None and status.state("surveys") == "complete",
                 "surveys' copy of owners to be complete")
    surveys = make_engine(suite["surveys_url"])
    try:
        today = date.today()
        with suite["owners"].connect() as db:
            living = or_(occupancies.c.moved_out_on.is_(None), occupancies.c.moved_out_on > today)
            wanted = _rows(db, select(units.c.id, units.c.building_id)
                           .where(units.c.id.in_(select(occupancies.c.unit_id).where(living))))
            all_units = db.execute(select(units.c.id)).scalars().all()
            team = _rows(db, select(staff.c.id, staff.c.name, staff.c.role))
            assigned = _rows(db, select(territories.c.id, territories.c.staff_id, territories.c.building_id))
        with sessionmaker(surveys)() as session:
            got = {(h.unit_id, h.building_id) for h in occupied_households(session, suite["estate"], today)}
            copied_team = _rows(session, select(surveys_staff.c.id, surveys_staff.c.name, surveys_staff.c.role))
            copied_territories = _rows(session, select(surveys_territories.c.id, surveys_territories.c.staff_id,
                                                       surveys_territories.c.building_id))
        assert got == wanted and 1000 <= len(got) <= len(all_units) - 3
        assert copied_team == team and team
        assert copied_territories == assigned
        capsys.readouterr()
        assert surveys_cli(["load-demo"]) == 0  # what `make run` does once the copy is complete
        assert "loaded surveys' demo of DEMO" in capsys.readouterr().out
    finally:
        surveys.dispose()
