"""A small world for the messaging tests: a scratch database, a producer and a consumer service.

Every test gets a fresh database (PostgreSQL from ``make_database``, or a SQLite file) holding an
``outbox``, an ``inbox`` and ``applied``, the business table of the test handler: one row per time
it applied an event, with no unique key, so an event applied twice shows as two rows. Producer and
consumer names are fresh per test, so tests sharing the run's vhost never see each other's messages.

Besides the consumer's inbox queue, a ``tap`` queue is bound to the producer's event type and never
consumed: it counts every message the relay published, duplicates included.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pika
import pika.spec
import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.orm import Session

from servicekit import correlation
from servicekit.amqp import Backoff
from servicekit.consumer import Handler, InboxConsumer
from servicekit.db import make_engine
from servicekit.envelope import CONTENT_TYPE, CloudEvent, new_event
from servicekit.outbox import Outbox, define_inbox
from servicekit.relay import OutboxRelay
from servicekit.testing import PrivateBroker, private_broker
from servicekit.topology import Topology, setup_topology

LAUNCHER = Path(__file__).with_name("relay_launcher.py")
DEADLINE_SECONDS = 60.0
# Fast retries keep the fault tests short; production keeps the defaults.
TEST_BACKOFF = {"initial": 0.1, "maximum": 1.0}


def wait_for(condition: Callable[[], bool], what: str, timeout: float = DEADLINE_SECONDS) -> None:
    """Poll ``condition`` until it holds; fail the test with ``what`` at the deadline."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.05)


class Running:
    """A relay or consumer running in a thread of the test, as it would run in its own process."""

    def __init__(self, target: Callable[[threading.Event], None], name: str) -> None:
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(target,), name=name, daemon=True)
        self.thread.start()

    def _run(self, target: Callable[[threading.Event], None]) -> None:
        try:
            target(self.stop)
        except BaseException as exc:  # surfaced by finish()
            self.error = exc

    @property
    def alive(self) -> bool:
        return self.thread.is_alive()

    def finish(self) -> None:
        """Stop it the way SIGTERM would, and fail if it crashed or does not stop."""
        self.stop.set()
        self.thread.join(timeout=DEADLINE_SECONDS)
        assert not self.thread.is_alive(), f"{self.thread.name} did not stop"
        if self.error is not None:
            raise AssertionError(f"{self.thread.name} crashed") from self.error


class World:
    """One producer service with an outbox, one consumer service with an inbox, one database."""

    wait_for = staticmethod(wait_for)

    def __init__(self, database_url: str, amqp_url: str) -> None:
        tag = uuid.uuid4().hex[:8]
        self.database_url = database_url
        self.amqp_url = amqp_url
        self.engine: Engine = make_engine(database_url)
        self.metadata = MetaData()
        self.outbox = Outbox(self.metadata)
        self.inbox = define_inbox(self.metadata)
        self.applied = Table(
            "applied", self.metadata,
            Column("n", Integer, primary_key=True, autoincrement=True),
            Column("event_id", String(64), nullable=False),
            Column("correlation_id", String(128)),
        )
        self.metadata.create_all(self.engine)
        self.producer = Topology(f"p_{tag}")
        self.event_type = f"{self.producer.service}.thing.happened.v1"
        self.unhandled_type = f"{self.producer.service}.thing.noted.v1"
        self.consumer = Topology(f"c_{tag}", consumes=(self.event_type, self.unhandled_type), delivery_limit=3)
        self.tap_queue = f"{self.producer.service}.tap"
        self.attempts: Counter[str] = Counter()
        self.poison_ids: set[str] = set()
        self._running: list[Running] = []
        self.reconnect()
        setup_topology(amqp_url, self.producer)  # the `topology` step, before anything publishes
        setup_topology(amqp_url, self.consumer)
        self.channel.queue_declare(self.tap_queue, durable=True)
        self.channel.queue_bind(self.tap_queue, self.producer.exchange, self.event_type)

    def reconnect(self) -> None:
        """(Re)open the test's own connection to the broker, used to declare, publish and count."""
        self.channel = pika.BlockingConnection(pika.URLParameters(self.amqp_url)).channel()

    # --- the producer side ------------------------------------------------------------------

    def event(self, *, poison: bool = False, type: str | None = None, correlationid: str | None = None,
              subject: str | None = None, data: dict[str, Any] | None = None) -> CloudEvent:
        event = new_event(type or self.event_type, self.producer.service, {"poison": poison, **(data or {})},
                          correlationid=correlationid or uuid.uuid4().hex, subject=subject)
        if poison:
            self.poison_ids.add(event.id)
        return event

    def write_events(self, count: int, *, per_transaction: int = 100, commit: bool = True) -> list[str]:
        """Write ``count`` events to the outbox, committed (or rolled back); returns their ids."""
        ids: list[str] = []
        for start in range(0, count, per_transaction):
            events = [self.event() for _ in range(min(per_transaction, count - start))]
            with Session(self.engine) as session:
                self.outbox.add_many(session, events)
                session.commit() if commit else session.rollback()
            ids += [event.id for event in events]
        return ids

    def publish_directly(self, body: bytes, event: CloudEvent | None = None, routing_key: str | None = None) -> None:
        """Publish as a relay would, bypassing the outbox (to send duplicates and garbage)."""
        properties = pika.BasicProperties(
            message_id=event.id if event else None, type=event.type if event else None,
            content_type=CONTENT_TYPE, delivery_mode=2,
        )
        self.channel.basic_publish(self.producer.exchange, routing_key or self.event_type, body, properties)

    def drain(self, queue: str) -> list[tuple[pika.spec.BasicProperties, bytes]]:
        """Take every message waiting in ``queue``, in queue order."""
        taken = []
        while (message := self.channel.basic_get(queue, auto_ack=True))[0] is not None:
            taken.append((message[1], message[2]))
        return taken

    def published_seqs(self) -> tuple[list[int], list[int]]:
        """The outbox's seqs, (published, unpublished), each in order."""
        table = self.outbox.table
        with self.engine.connect() as db:
            rows = db.execute(select(table.c.seq, table.c.published_at).order_by(table.c.seq)).all()
        return [r.seq for r in rows if r.published_at], [r.seq for r in rows if not r.published_at]

    def unpublished(self) -> int:
        table = self.outbox.table
        with self.engine.connect() as db:
            return db.execute(select(func.count()).where(table.c.published_at.is_(None))).scalar_one()

    def start_relay(self, **options: Any) -> Running:
        options.setdefault("backoff", Backoff(**TEST_BACKOFF))
        relay = OutboxRelay(self.engine, self.outbox, self.amqp_url, self.producer, **options)
        return self._start(relay.run, "relay")

    def relay_process(self, *args: str) -> subprocess.Popen[bytes]:
        """A relay in a process of its own (see relay_launcher.py), so a test can SIGKILL it."""
        return subprocess.Popen(
            [sys.executable, str(LAUNCHER), self.database_url, self.amqp_url, self.producer.service, *args],
            stderr=subprocess.DEVNULL,
        )

    # --- the consumer side ------------------------------------------------------------------

    def record(self, session: Session, event: CloudEvent) -> None:
        """The test handler: one ``applied`` row per application; fails forever on poison."""
        self.attempts[event.id] += 1
        session.execute(insert(self.applied).values(event_id=event.id, correlation_id=correlation.current()))
        if event.data.get("poison"):
            raise RuntimeError("this event can never be applied")

    def start_consumer(self, handlers: dict[str, Handler] | None = None, **options: Any) -> Running:
        options.setdefault("backoff", Backoff(**TEST_BACKOFF))
        consumer = InboxConsumer(
            self.engine, self.inbox, self.amqp_url, self.consumer,
            handlers if handlers is not None else {self.event_type: self.record},
            name=self.consumer.service, **options,
        )
        return self._start(consumer.run, "consumer")

    def applied_counts(self) -> Counter[str]:
        """How many times each event was applied (committed ``applied`` rows)."""
        with self.engine.connect() as db:
            return Counter(db.execute(select(self.applied.c.event_id)).scalars())

    def applied_total(self) -> int:
        with self.engine.connect() as db:
            return db.execute(select(func.count()).select_from(self.applied)).scalar_one()

    def inbox_ids(self) -> set[str]:
        with self.engine.connect() as db:
            return set(db.execute(select(self.inbox.c.event_id)).scalars())

    def ready(self, queue: str) -> int:
        """Messages waiting in ``queue`` (not counting those delivered and unacked)."""
        return self.channel.queue_declare(queue, passive=True).method.message_count

    def wait_all_applied_once(self, ids: list[str]) -> Counter[str]:
        """Wait until every one of ``ids`` is applied, then check each was applied exactly once."""
        wait_for(lambda: self.applied_total() >= len(ids), f"{len(ids)} events to be applied")
        counts = self.applied_counts()
        missing = set(ids) - set(counts)
        twice = {event_id: n for event_id, n in counts.items() if n > 1}
        assert not missing, f"{len(missing)} events lost"
        assert not twice, f"{len(twice)} events applied more than once"
        assert set(counts) == set(ids), "events applied that were never committed"
        return counts

    # --- housekeeping -----------------------------------------------------------------------

    def _start(self, target: Callable[[threading.Event], None], name: str) -> Running:
        running = Running(target, name)
        self._running.append(running)
        return running

    def close(self) -> None:
        for running in self._running:
            running.stop.set()
        for running in self._running:
            running.thread.join(timeout=DEADLINE_SECONDS)
        if self.channel.connection.is_open:
            self.channel.connection.close()
        self.engine.dispose()


@pytest.fixture(params=["postgresql", "sqlite"])
def scratch_database(request: pytest.FixtureRequest, make_database: Callable[[], str],
                     tmp_path: Path) -> Callable[[MetaData], str]:
    """A fresh database of the test's own with ``metadata``'s tables, its URL: on PostgreSQL, then
    on a SQLite file (a test that uses it runs on both)."""

    def create(metadata: MetaData) -> str:
        url = make_database() if request.param == "postgresql" else f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        engine = make_engine(url)
        metadata.create_all(engine)
        engine.dispose()
        return url

    return create


@pytest.fixture
def world(make_database: Callable[[], str], amqp_vhost_url: str) -> Iterator[World]:
    """A fresh world on PostgreSQL."""
    with _world(make_database(), amqp_vhost_url) as value:
        yield value


@pytest.fixture(params=["postgresql", "sqlite"])
def any_world(request: pytest.FixtureRequest, make_database: Callable[[], str], amqp_vhost_url: str,
              tmp_path: Path) -> Iterator[World]:
    """A fresh world on each database the suite runs on."""
    url = make_database() if request.param == "postgresql" else f"sqlite:///{tmp_path / 'world.sqlite3'}"
    with _world(url, amqp_vhost_url) as value:
        yield value


@pytest.fixture
def private_world(make_database: Callable[[], str]) -> Iterator[tuple[World, PrivateBroker]]:
    """A fresh world on PostgreSQL and on a RabbitMQ node of its own, which the test may stop."""
    with private_broker() as broker, _world(make_database(), broker.url) as value:
        yield value, broker


@contextmanager
def _world(database_url: str, amqp_url: str) -> Iterator[World]:
    value = World(database_url, amqp_url)
    try:
        yield value
    finally:
        value.close()
