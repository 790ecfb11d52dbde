"""The activity timeline (OWN-3) rebuilt from scratch by replay equals the live one, row by row.

Every event type owners' timeline reads is written to its producer's outbox (tickets, notify and
surveys, each in a database of its own: the examples each producer documents in its AsyncAPI
document, twice over). The real relays publish them and the real `owners consume` writes the live
timeline. Then owners starts again on an empty database: `tickets replay --consumer owners`, and
the same from notify and surveys, and the consumer writes the timeline again — the same rows.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from owners.cli import main as owners_cli
from owners.domain.timeline import entries_of
from owners.service import SERVICE as OWNERS
from owners.tables import timeline_entries
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import configured_broker, create_vhost, delete_vhost, service_process, wait_for

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
PRODUCERS = ("tickets", "notify", "surveys")


def _documented_examples() -> dict[str, list[dict]]:
    """(producer -> [(type, data)]) of every type owners consumes, from each producer's AsyncAPI."""
    found: dict[str, list[dict]] = {p: [] for p in PRODUCERS}
    for producer in PRODUCERS:
        document = yaml.safe_load((ROOT / "services" / producer / "contracts" / "asyncapi.yaml").read_text("utf-8"))
        for message in document["components"]["messages"].values():
            if message["name"] in OWNERS.consumes:
                found[producer] += [{"type": message["name"], "subject": e["payload"].get("subject"),
                                     "data": e["payload"]["data"]} for e in message.get("examples", [])]
    assert {e["type"] for examples in found.values() for e in examples} == set(OWNERS.consumes)
    return found


def _timeline(engine) -> list[tuple]:  # noqa: ANN001
    with engine.connect() as db:
        return [tuple(row) for row in db.execute(select(timeline_entries).order_by(timeline_entries.c.id))]


def _rows(engine) -> list:  # noqa: ANN001
    with engine.connect() as db:
        return list(db.execute(select(timeline_entries)))


def _count(engine) -> int:  # noqa: ANN001
    with engine.connect() as db:
        return db.execute(select(func.count()).select_from(timeline_entries)).scalar_one()


@pytest.fixture
def suite(make_database, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    # A vhost of this test's own: the run's shared one may hold an owners.inbox another test's suite
    # filled and never drained, whose events would land in this timeline too.
    amqp_vhost_url = create_vhost(configured_broker())
    urls = {name: make_database() for name in ("owners", "rebuilt", *PRODUCERS)}
    for name, url in urls.items():
        upgrade(importlib.import_module(f"{'owners' if name == 'rebuilt' else name}.service").SERVICE, url)
    expected, kinds = 0, set()
    for producer, examples in _documented_examples().items():
        service = importlib.import_module(f"{producer}.service").SERVICE
        engine = make_engine(urls[producer])
        try:
            for _round in range(2):  # the same facts twice over: other events, other entries
                uow = service.unit_of_work(sessionmaker(engine, expire_on_commit=False))
                with uow:
                    for example in examples:
                        uow.record(example["type"], example["subject"], example["data"])
                        made = entries_of(example["type"], "-", datetime.now(UTC), example["data"])
                        expected += len(made)
                        kinds |= {entry.kind for entry in made}
                    uow.commit()
        finally:
            engine.dispose()
    monkeypatch.setenv("AMQP_URL", amqp_vhost_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name in PRODUCERS:
        monkeypatch.setenv(f"{name.upper()}_DATABASE_URL", urls[name])
    try:
        yield {"urls": urls, "amqp": amqp_vhost_url, "expected": expected, "kinds": kinds}
    finally:
        delete_vhost(amqp_vhost_url)


def test_the_timeline_rebuilt_by_replay_equals_the_live_one_row_by_row(suite) -> None:
    urls, env = suite["urls"], {"AMQP_URL": suite["amqp"], "LOG_LEVEL": "WARNING"}
    live, rebuilt = make_engine(urls["owners"]), make_engine(urls["rebuilt"])
    try:
        assert owners_cli(["topology"]) == 0  # owners.inbox bound to the three producers' exchanges
        with ExitStack() as processes:
            for producer in PRODUCERS:
                processes.enter_context(service_process(
                    producer, "relay", env={**env, f"{producer.upper()}_DATABASE_URL": urls[producer]}))
            processes.enter_context(service_process("owners", "consume",
                                                    env={**env, "OWNERS_DATABASE_URL": urls["owners"]}))
            wait_for(lambda: _count(live) == suite["expected"], "the live timeline")
        assert suite["expected"] >= 2 * len(OWNERS.consumes)

        for producer in PRODUCERS:  # owners lost its timeline: the producers replay their history to it
            cli = importlib.import_module(f"{producer}.cli").main
            assert cli(["replay", "--consumer", "owners"]) == 0
        with service_process("owners", "consume", env={**env, "OWNERS_DATABASE_URL": urls["rebuilt"]}):
            wait_for(lambda: _count(rebuilt) == suite["expected"], "the rebuilt timeline")
        assert _timeline(rebuilt) == _timeline(live)
        # every kind of entry the consumed types make is in it, the latest added included
        assert {row.kind for row in _rows(rebuilt)} == suite["kinds"]
        assert {"invitation.sent", "answer.submitted", "forum.invited"} <= suite["kinds"]
    finally:
        live.dispose()
        rebuilt.dispose()
