"""How fast the inbox consumer applies events on PostgreSQL, next to one commit per message.

    .venv/bin/python bench/consumer_throughput.py [EVENTS]

EVENTS (or ``BENCH_EVENTS``, default 20000) events are published once to a producer's exchange
bound to two quorum queues, one per consumer below; each consumer then drains its queue, inserting
an inbox row (deduplication by source + id) and one business row per event:

(a) baseline: one transaction, one commit and one ack per message;
(b) :class:`servicekit.consumer.InboxConsumer`: batches of ``BENCH_BATCH_SIZE`` (default 250)
    delivered messages per transaction, applied in its worker thread while the connection's thread
    collects the next batch; prefetch ``BENCH_PREFETCH`` (default twice the batch, as the consumer's).

The bench creates and drops its own database and vhost (``TEST_DATABASE_URL``/``TEST_AMQP_URL`` or
``DATABASE_URL``/``AMQP_URL`` name the servers, 127.0.0.1 by default). It prints numbers; it does not
pass or fail.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pika
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from servicekit.consumer import InboxConsumer
from servicekit.db import make_engine
from servicekit.envelope import CloudEvent, new_event, parse
from servicekit.outbox import Outbox, define_inbox
from servicekit.relay import OutboxRelay
from servicekit.testing import (
    configured_broker,
    configured_postgres,
    create_database,
    create_vhost,
    delete_vhost,
    drop_database,
)
from servicekit.topology import Topology, declare

EVENTS = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BENCH_EVENTS", "20000"))
BATCH_SIZE = int(os.environ.get("BENCH_BATCH_SIZE", "250"))
PREFETCH = int(os.environ.get("BENCH_PREFETCH", str(2 * BATCH_SIZE)))
EVENT_TYPE = "benchowners.occupant.moved_in.v1"


class Schema:
    """The consumers' database: the inbox and a business table the handler writes to."""

    def __init__(self, engine: Engine) -> None:
        self.metadata = MetaData()
        self.outbox = Outbox(self.metadata)
        self.inbox = define_inbox(self.metadata)
        self.occupancies = Table(
            "occupancies", self.metadata,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("unit_id", Integer, nullable=False),
            Column("occupant", String(100), nullable=False),
        )
        self.metadata.create_all(engine)

    def record_occupancy(self, session: Session, event: CloudEvent) -> None:
        session.execute(insert(self.occupancies).values(unit_id=event.data["unit_id"], occupant=event.data["occupant"]))


def publish_events(engine: Engine, schema: Schema, amqp_url: str) -> None:
    """Fill both queues through the outbox relay (not timed)."""
    for start in range(0, EVENTS, 5000):
        with engine.begin() as db:
            schema.outbox.add_many(db, [
                new_event(EVENT_TYPE, "benchowners", {"unit_id": n, "occupant": "Li Wei"})
                for n in range(start, min(start + 5000, EVENTS))
            ])
    stop = threading.Event()
    relay = OutboxRelay(engine, schema.outbox, amqp_url, Topology("benchowners"), batch_size=2000)
    thread = threading.Thread(target=relay.run, args=(stop,))
    thread.start()
    wait_until(engine, select(func.count()).where(schema.outbox.table.c.published_at.is_(None)), 0)
    stop.set()
    thread.join()


def wait_until(engine: Engine, count_query: object, target: int) -> None:
    with engine.connect() as db:
        while db.execute(count_query).scalar_one() != target:  # type: ignore[call-overload]
            db.rollback()
            time.sleep(0.02)


def timed_drain(engine: Engine, inbox: Table, consumer: str, run: Callable[[threading.Event], None],
                events: int) -> float:
    """Run a consumer until its inbox holds ``events`` rows; returns events per second.
    (bench/tickets_copy_consume.py times its consumers with this too.)"""
    applied = select(func.count()).select_from(inbox).where(inbox.c.consumer == consumer)
    stop = threading.Event()
    thread = threading.Thread(target=run, args=(stop,))
    started = time.perf_counter()
    thread.start()
    wait_until(engine, applied, events)
    elapsed = time.perf_counter() - started
    stop.set()
    thread.join()
    return events / elapsed


def one_commit_per_message(
    engine: Engine, schema: Schema, amqp_url: str, topology: Topology,
) -> Callable[[threading.Event], None]:
    """The straightforward consumer: each message in its own transaction, acked after its commit."""
    record_new = pg_insert(schema.inbox).on_conflict_do_nothing().returning(schema.inbox.c.event_id)

    def run(stop: threading.Event) -> None:
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        channel = connection.channel()
        channel.basic_qos(prefetch_count=PREFETCH)

        def on_message(ch: pika.adapters.blocking_connection.BlockingChannel, method: pika.spec.Basic.Deliver,
                       _properties: pika.spec.BasicProperties, body: bytes) -> None:
            event = parse(body)
            with Session(engine) as session, session.begin():
                new = session.execute(record_new, {
                    "consumer": "baseline", "source": event.source, "event_id": event.id,
                    "event_type": event.type, "received_at": datetime.now(UTC),
                }).first()
                if new:
                    schema.record_occupancy(session, event)
            ch.basic_ack(method.delivery_tag)

        channel.basic_consume(topology.inbox_queue, on_message)
        while not stop.is_set():
            connection.process_data_events(time_limit=0.2)
        connection.close()

    return run


def main() -> None:
    server, broker = configured_postgres(), configured_broker()
    database_url = create_database(server, prefix="edbench")
    amqp_url = create_vhost(broker, prefix="edbench")
    engine = make_engine(database_url, pool_size=4)
    try:
        schema = Schema(engine)
        baseline = Topology("benchbaseline", consumes=(EVENT_TYPE,))
        batched = Topology("benchbatched", consumes=(EVENT_TYPE,))
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        for topology in (baseline, batched):
            declare(connection.channel(), topology)
        connection.close()
        publish_events(engine, schema, amqp_url)
        print(f"consumer throughput: {EVENTS} events, batch {BATCH_SIZE}, prefetch {PREFETCH}")

        slow = timed_drain(engine, schema.inbox, "baseline", one_commit_per_message(engine, schema, amqp_url, baseline),
                           EVENTS)
        print(f"  one commit per message       : {slow:9,.0f} events/s")
        consumer = InboxConsumer(
            engine, schema.inbox, amqp_url, batched, {EVENT_TYPE: schema.record_occupancy},
            name="batched", prefetch=PREFETCH, batch_size=BATCH_SIZE,
        )
        fast = timed_drain(engine, schema.inbox, "batched", consumer.run, EVENTS)
        print(f"  InboxConsumer (batched)      : {fast:9,.0f} events/s   (target >= 2,000)")
        print(f"  speed-up                     : {fast / slow:9.1f} x")
    finally:
        engine.dispose()
        delete_vhost(amqp_url)
        drop_database(database_url)


if __name__ == "__main__":
    main()
