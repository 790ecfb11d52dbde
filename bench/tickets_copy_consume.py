"""How fast tickets builds its copy of owners' data: the 100,000-household import's owners events
consumed into tickets' copy through the real consumer, beside an inbox-only consumer in the same run.

    .venv/bin/python bench/tickets_copy_consume.py [HOUSEHOLDS]

HOUSEHOLDS (or ``BENCH_HOUSEHOLDS``, default 100000) households are imported into a fresh owners
database through owners' own import (the demo generator's CSV, as bench/import_households.py), and
the owners relay publishes the events to two queues bound to the types tickets consumes:

(a) baseline: :class:`servicekit.consumer.InboxConsumer` with a handler that does nothing, so
    only the inbox row (deduplication) is written per event: the consumer's own cost;
(b) tickets: the same consumer with ``tickets.handlers.HANDLERS`` (what ``tickets consume`` runs):
    the inbox row plus the copy's newer-wins upsert per event.

Both drain into one tickets database (migrated as deployed); the import and the publishing are not
timed. The bench creates and drops its own databases and vhost (``TEST_DATABASE_URL`` /
``TEST_AMQP_URL`` or ``DATABASE_URL`` / ``AMQP_URL`` name the servers, 127.0.0.1 by default). It
prints numbers; it does not pass or fail.
"""

from __future__ import annotations

import os
import sys
import threading
import time

import pika
from consumer_throughput import timed_drain, wait_until
from import_households import layout_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from owners.demo import demo_households_csv
from owners.household_imports.use_cases import import_households
from owners.places.use_cases import register_estate
from owners.service import SERVICE as OWNERS
from owners.tables import outbox as owners_outbox
from servicekit.consumer import InboxConsumer
from servicekit.db import make_engine
from servicekit.envelope import CloudEvent
from servicekit.migrate import upgrade
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
from tickets.service import OWNERS_EVENTS
from tickets.service import SERVICE as TICKETS
from tickets.tables import occupancies, people, units

HOUSEHOLDS = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BENCH_HOUSEHOLDS", "100000"))
BATCH_SIZE = 250  # the consumer's default, as tickets consume runs it


def inbox_only(_session: Session, _event: CloudEvent) -> None:
    """The baseline's handler: nothing beyond the inbox row the consumer writes anyway."""


def import_and_publish(owners_url: str, amqp_url: str) -> int:
    """Owners imports the households; its relay publishes them. Returns the events tickets consumes."""
    upgrade(OWNERS, owners_url)
    engine = make_engine(owners_url)
    try:
        sessions = sessionmaker(engine, expire_on_commit=False)
        estate = register_estate(OWNERS.unit_of_work(sessions), code="BENCH", name="基准花园")
        started = time.perf_counter()
        report = import_households(OWNERS.unit_of_work(sessions), estate["id"],
                                   demo_households_csv(layout_for(HOUSEHOLDS), seed=7).encode())
        print(f"  owners imported {report.units_added:,} households in {time.perf_counter() - started:.0f} s")
        table = owners_outbox.table
        with engine.connect() as db:
            consumed = db.execute(select(func.count()).where(table.c.event_type.in_(OWNERS_EVENTS))).scalar_one()
            total = db.execute(select(func.count()).select_from(table)).scalar_one()
        stop = threading.Event()
        relay = OutboxRelay(engine, owners_outbox, amqp_url, OWNERS.topology, batch_size=2000)
        thread = threading.Thread(target=relay.run, args=(stop,))
        started = time.perf_counter()
        thread.start()
        wait_until(engine, select(func.count()).where(table.c.published_at.is_(None)), 0)
        stop.set()
        thread.join()
        print(f"  owners relay published {total:,} events ({consumed:,} of types tickets consumes) "
              f"in {time.perf_counter() - started:.0f} s")
        return consumed
    finally:
        engine.dispose()


def main() -> None:
    server, broker = configured_postgres(), configured_broker()
    owners_url = create_database(server, prefix="edbench")
    tickets_url = create_database(server, prefix="edbench")
    amqp_url = create_vhost(broker, prefix="edbench")
    baseline = Topology("benchinboxonly", consumes=OWNERS_EVENTS)
    engine = None
    try:
        upgrade(TICKETS, tickets_url)
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        for topology in (OWNERS.topology, TICKETS.topology, baseline):
            declare(connection.channel(), topology)
        connection.close()
        print(f"tickets copy consume: {HOUSEHOLDS:,} households, batch {BATCH_SIZE}")
        events = import_and_publish(owners_url, amqp_url)

        engine = make_engine(tickets_url, pool_size=4)
        inbox = TICKETS.inbox
        plain = InboxConsumer(engine, inbox, amqp_url, baseline, dict.fromkeys(OWNERS_EVENTS, inbox_only),
                              name="baseline", batch_size=BATCH_SIZE)
        slow = timed_drain(engine, inbox, "baseline", plain.run, events)
        print(f"  baseline: inbox-only handler       : {slow:9,.0f} events/s")
        real = InboxConsumer(engine, inbox, amqp_url, TICKETS.topology, TICKETS.event_handlers(),
                             name=TICKETS.name, batch_size=BATCH_SIZE)
        fast = timed_drain(engine, inbox, TICKETS.name, real.run, events)
        print(f"  tickets: handlers into the copy    : {fast:9,.0f} events/s   ({fast / slow:.2f} x the baseline)")
        with engine.connect() as db:
            counts = {t.name: db.execute(select(func.count()).select_from(t)).scalar_one()
                      for t in (units, people, occupancies)}
        print(f"  the copy holds {counts['units']:,} units, {counts['people']:,} people, "
              f"{counts['occupancies']:,} occupancies")
    finally:
        if engine is not None:
            engine.dispose()
        delete_vhost(amqp_url)
        drop_database(tickets_url)
        drop_database(owners_url)


if __name__ == "__main__":
    main()
