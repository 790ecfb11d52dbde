"""``owners replay`` from a shell, on the embedded SQLite database: history or state, chosen by
type, to one consumer's queue; a consumer without a queue and meaningless arguments are refused."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pika
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from owners.cli import main
from owners.household_imports.use_cases import import_households
from owners.places.use_cases import register_estate
from owners.service import SERVICE
from owners.tables import outbox, unit_contacts, units
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.topology import Topology, declare

EXAMPLE = Path(__file__).parents[2] / "services" / "owners" / "contracts" / "examples" / "households.csv"


@pytest.fixture
def shell(tmp_path: Path, amqp_vhost_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    """An owners SQLite database holding the example households, and a consumer with a queue."""
    url = f"sqlite:///{tmp_path / 'owners.sqlite3'}"
    upgrade(SERVICE, url)
    engine = make_engine(url)
    uow = lambda: SERVICE.unit_of_work(sessionmaker(engine, expire_on_commit=False))  # noqa: E731
    estate = register_estate(uow(), code="SUN", name="阳光花园")
    import_households(uow(), estate["id"], EXAMPLE.read_bytes())
    consumer = Topology(f"tickets_{uuid.uuid4().hex[:6]}", consumes=("owners.unit.added.v1",))
    connection = pika.BlockingConnection(pika.URLParameters(amqp_vhost_url))
    channel = connection.channel()
    declare(channel, consumer)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("AMQP_URL", amqp_vhost_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")

    def ready() -> int:
        return channel.queue_declare(consumer.inbox_queue, passive=True).method.message_count

    with engine.connect() as db:
        outbox_rows = db.execute(select(func.count()).select_from(outbox.table)).scalar_one()
        listed_units = db.execute(select(func.count(func.distinct(unit_contacts.c.unit_id)))).scalar_one()
        unit_count = db.execute(select(func.count()).select_from(units)).scalar_one()
    yield {"consumer": consumer, "ready": ready, "outbox": outbox_rows, "units": unit_count, "lists": listed_units}
    connection.close()
    engine.dispose()


def test_history_and_state_go_to_the_consumers_queue(shell, capsys):
    name, ready = shell["consumer"].service, shell["ready"]
    assert main(["replay", "--consumer", name]) == 0
    assert ready() == shell["outbox"] == 30  # the estate and its 29 import events
    assert capsys.readouterr().out.strip() == f"replayed 30 past events to {name}.inbox"
    assert main(["replay", "--consumer", name, "--state", "--type", "owners.unit.*"]) == 0
    assert ready() == 30 + shell["units"] + shell["lists"]  # each unit and each unit's contact list
    assert main(["replay", "--consumer", name, "--type", "owners.building.added.v1", "--since", "2000-01-01",
                 "--until", "2999-01-01T00:00:00Z"]) == 0
    assert ready() == 30 + shell["units"] + shell["lists"] + 2


def test_a_consumer_without_a_queue_is_exit_status_1_and_nothing_is_sent(shell, capsys):
    assert main(["replay", "--consumer", "nobody_listens"]) == 1
    assert "no queue nobody_listens.inbox" in capsys.readouterr().err
    assert shell["ready"]() == 0


@pytest.mark.parametrize("arguments", [
    ["--state", "--since", "2026-01-01"],  # the state has no period
    ["--since", "last tuesday"],
    ["--type", "owners.unit.%"],
])
def test_meaningless_arguments_are_exit_status_2(shell, capsys, arguments):
    assert main(["replay", "--consumer", shell["consumer"].service, *arguments]) == 2
    assert capsys.readouterr().err.startswith("owners replay: ")
    assert shell["ready"]() == 0


def test_a_consumer_name_that_no_service_could_have_is_exit_status_2(shell, capsys):
    assert main(["replay", "--consumer", "Tickets!"]) == 2
    assert "service name" in capsys.readouterr().err
