"""How fast the outbox relay publishes, next to raw pika publishing with confirms on the same broker.

    .venv/bin/python bench/relay_throughput.py [EVENTS]

EVENTS (or ``BENCH_EVENTS``, default 50000) messages are published three times, with persistent
messages and publisher confirms, each time into one quorum queue:

(a) raw: a pika ``SelectConnection`` keeping ``BENCH_WINDOW`` (default 2000) messages unconfirmed
    in flight, the fastest way pika publishes with confirms, to a topic exchange bound to the queue;
(b) relay, routed: :class:`servicekit.relay.OutboxRelay` publishing EVENTS rows inserted beforehand
    into a PostgreSQL outbox, in batches of ``BENCH_BATCH_SIZE`` (default 2000), and marking them;
    its exchange (declared by :func:`servicekit.topology.setup_topology`) is bound to the queue;
(c) relay, unroutable: the same, but no binding takes the events: the exchange's alternate exchange
    puts them into ``<service>.unrouted``. It should cost what (b) costs.

The bench creates and drops its own database and vhost (``TEST_DATABASE_URL``/``TEST_AMQP_URL`` or
``DATABASE_URL``/``AMQP_URL`` name the servers, 127.0.0.1 by default). It prints numbers; it does not
pass or fail.
"""

from __future__ import annotations

import os
import sys
import threading
import time

import pika
import pika.channel
import pika.frame
import pika.spec
from sqlalchemy import MetaData, func, select

from servicekit.db import make_engine
from servicekit.envelope import CONTENT_TYPE, new_event
from servicekit.outbox import Outbox
from servicekit.relay import OutboxRelay
from servicekit.testing import (
    configured_broker,
    configured_postgres,
    create_database,
    create_vhost,
    delete_vhost,
    drop_database,
)
from servicekit.topology import Topology, setup_topology

EVENTS = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BENCH_EVENTS", "50000"))
WINDOW = int(os.environ.get("BENCH_WINDOW", "2000"))
BATCH_SIZE = int(os.environ.get("BENCH_BATCH_SIZE", "2000"))  # the relay's default
EVENT_TYPE = "benchrelay.unit.occupied.v1"


def sample_bodies(count: int) -> list[tuple[str, bytes, pika.BasicProperties]]:
    """Messages like the relay's: CloudEvents of a typical size with the mirrored properties."""
    messages = []
    for n in range(count):
        event = new_event(EVENT_TYPE, "benchrelay", {"unit_id": n, "estate": "EST-001", "occupant": "Li Wei"})
        properties = pika.BasicProperties(
            message_id=event.id, type=event.type, app_id=event.source, correlation_id=event.correlationid,
            content_type=CONTENT_TYPE, delivery_mode=2,
        )
        messages.append((event.type, event.to_json().encode(), properties))
    return messages


def declare_sink(amqp_url: str, exchange: str, queue: str, *, declare_exchange: bool = True) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    if declare_exchange:
        channel.exchange_declare(exchange, "topic", durable=True)
    channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(queue, exchange, "#")
    connection.close()


def delete_sink(amqp_url: str, queue: str) -> None:
    """Each run starts with an empty broker: the previous run's messages would weigh on it."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    connection.channel().queue_delete(queue)
    connection.close()


class RawPublisher:
    """Publishes every message with confirms, keeping ``window`` of them unconfirmed in flight."""

    def __init__(self, amqp_url: str, exchange: str, messages: list[tuple[str, bytes, pika.BasicProperties]],
                 window: int) -> None:
        self.exchange = exchange
        self.messages = messages
        self.window = window
        self.sent = 0
        self.confirmed = 0
        self.nacked = 0
        self.started = self.elapsed = 0.0
        self.channel: pika.channel.Channel | None = None
        self.connection = pika.SelectConnection(pika.URLParameters(amqp_url), on_open_callback=self._on_open)

    def run(self) -> float:
        """Publish everything; returns the seconds from the first publish to the last confirm."""
        self.connection.ioloop.start()
        return self.elapsed

    def _on_open(self, connection: pika.SelectConnection) -> None:
        connection.channel(on_open_callback=self._on_channel)

    def _on_channel(self, channel: pika.channel.Channel) -> None:
        self.channel = channel
        channel.confirm_delivery(self._on_confirm, callback=lambda _frame: self._start())

    def _start(self) -> None:
        self.started = time.perf_counter()
        self._fill()

    def _fill(self) -> None:
        assert self.channel is not None
        while self.sent < len(self.messages) and self.sent - self.confirmed < self.window:
            routing_key, body, properties = self.messages[self.sent]
            self.channel.basic_publish(self.exchange, routing_key, body, properties, mandatory=True)
            self.sent += 1

    def _on_confirm(self, frame: pika.frame.Method) -> None:
        # Tags are 1, 2, ...: a multiple ack of tag t confirms everything up to t.
        tag = frame.method.delivery_tag
        newly = tag - self.confirmed if frame.method.multiple else 1
        self.confirmed += newly
        if isinstance(frame.method, pika.spec.Basic.Nack):
            self.nacked += newly
        if self.confirmed >= len(self.messages):
            self.elapsed = time.perf_counter() - self.started
            self.connection.close()
            self.connection.ioloop.stop()
        else:
            self._fill()


def bench_raw(amqp_url: str) -> float:
    declare_sink(amqp_url, "benchraw.events", "benchraw.sink")
    messages = sample_bodies(EVENTS)
    publisher = RawPublisher(amqp_url, "benchraw.events", messages, WINDOW)
    elapsed = publisher.run()
    delete_sink(amqp_url, "benchraw.sink")
    if publisher.nacked:
        print(f"  raw: the broker nacked {publisher.nacked} messages")
    return EVENTS / elapsed


def bench_relay(database_url: str, amqp_url: str, *, routed: bool) -> float:
    topology = Topology("benchrelay" if routed else "benchunrouted")
    setup_topology(amqp_url, topology)
    sink = "benchrelay.sink" if routed else topology.unrouted_queue
    if routed:
        declare_sink(amqp_url, topology.exchange, sink, declare_exchange=False)  # setup_topology did
    engine = make_engine(database_url)
    metadata = MetaData()
    outbox = Outbox(metadata, name=f"outbox_{topology.service}")
    metadata.create_all(engine)
    for start in range(0, EVENTS, 5000):
        with engine.begin() as db:
            events = [
                new_event(EVENT_TYPE, "benchrelay", {"unit_id": n, "estate": "EST-001", "occupant": "Li Wei"})
                for n in range(start, min(start + 5000, EVENTS))
            ]
            outbox.add_many(db, events)
    pending = select(func.count()).where(outbox.table.c.published_at.is_(None))

    stop = threading.Event()
    relay = OutboxRelay(engine, outbox, amqp_url, topology, batch_size=BATCH_SIZE)
    thread = threading.Thread(target=relay.run, args=(stop,))
    started = time.perf_counter()
    thread.start()
    with engine.connect() as db:
        while db.execute(pending).scalar_one():
            db.rollback()
            time.sleep(0.02)
    elapsed = time.perf_counter() - started
    stop.set()
    thread.join()
    engine.dispose()
    delete_sink(amqp_url, sink)
    return EVENTS / elapsed


def main() -> None:
    server, broker = configured_postgres(), configured_broker()
    database_url = create_database(server, prefix="edbench")
    amqp_url = create_vhost(broker, prefix="edbench")
    try:
        print(f"relay throughput: {EVENTS} events, raw window {WINDOW}, relay batch {BATCH_SIZE}")
        raw = bench_raw(amqp_url)
        print(f"  raw pika, pipelined confirms : {raw:9,.0f} msg/s")
        relayed = bench_relay(database_url, amqp_url, routed=True)
        print(f"  OutboxRelay on PostgreSQL    : {relayed:9,.0f} events/s")
        print(f"  ratio relay / raw            : {relayed / raw:9.2f}   (target >= 0.5)")
        unroutable = bench_relay(database_url, amqp_url, routed=False)
        print(f"  OutboxRelay, none routed     : {unroutable:9,.0f} events/s (into <service>.unrouted)")
        print(f"  ratio unroutable / routed    : {unroutable / relayed:9.2f}   (target about 1)")
    finally:
        delete_vhost(amqp_url)
        drop_database(database_url)


if __name__ == "__main__":
    main()
