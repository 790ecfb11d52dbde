"""The SLA timer over 100,000 open tickets: one sweep with nothing due and with N due, and the delay
from a deadline to its warning event on the broker.

    .venv/bin/python bench/tickets_timer.py [TICKETS]

TICKETS (or ``BENCH_TICKETS``, default 100000) open tickets are written straight into a fresh
PostgreSQL database, each with three running deadlines (acknowledge, arrive, resolve) due days
ahead. Then:

(a) **idle sweep**: :func:`tickets.sla.timer.sweep` when nothing is due (``BENCH_SWEEPS`` times,
    default 50): its p50 and p99, beside the same run's baseline of its bare round trips (three
    ``SELECT 1``) and of the same sweep with index scans switched off (what it costs without the
    partial indexes ``ix_deadlines_warn`` / ``ix_deadlines_due``);
(b) **busy sweep**: ``BENCH_DUE`` (default 1000) deadlines made due, swept once: the time and the
    time per warning (each one: mark, timeline step, SLA_WARNED, escalation, in one transaction
    per batch of ``TICKETS_TIMER_BATCH``, default 500);
(c) **delay**: ``tickets timer`` (interval 1 s) and ``tickets relay`` run as processes while
    ``BENCH_WARNINGS`` (default 300) deadlines fall due at random moments over the next
    ``BENCH_SPREAD`` (default 20) seconds; a consumer on a queue bound to ``tickets.sla.warned.v1``
    notes when each warning arrives: the delay from its ``warn_at`` (p50, p99, max; aim p99 < 1 s),
    beside the baseline of a bare publish-to-consume trip through the same broker.

The bench creates and drops its own database and vhost (``TEST_DATABASE_URL``/``TEST_AMQP_URL`` or
``DATABASE_URL``/``AMQP_URL`` name the servers, 127.0.0.1 by default). It prints numbers; it does not
pass or fail.
"""

from __future__ import annotations

import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import pika
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import sessionmaker

from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import (
    configured_broker,
    configured_postgres,
    create_database,
    create_vhost,
    delete_vhost,
    drop_database,
)
from tickets import events
from tickets.service import SERVICE
from tickets.sla.timer import sweep
from tickets.tables import deadlines, tickets

TICKETS = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BENCH_TICKETS", "100000"))
SWEEPS = int(os.environ.get("BENCH_SWEEPS", "50"))
DUE = int(os.environ.get("BENCH_DUE", "1000"))
WARNINGS = int(os.environ.get("BENCH_WARNINGS", "300"))
SPREAD = float(os.environ.get("BENCH_SPREAD", "20"))
BATCH = int(os.environ.get("TICKETS_TIMER_BATCH", "500"))
CHUNK = 10_000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def fill(engine, now: datetime) -> list[uuid.UUID]:
    """TICKETS open tickets with three running deadlines each, all due days ahead."""
    estate = uuid.uuid4()
    deadline_ids: list[uuid.UUID] = []
    for first in range(0, TICKETS, CHUNK):
        ticket_rows, deadline_rows = [], []
        for n in range(first, min(first + CHUNK, TICKETS)):
            ticket_id = uuid.uuid4()
            ticket_rows.append({"id": ticket_id, "number": f"B{n:09d}", "estate_id": estate, "kind": "repair",
                                "channel": "desk", "priority": "normal", "title": "灯不亮", "stage": "dispatched",
                                "created_by": "bench", "created_at": now, "updated_at": now})
            for target, days in (("acknowledge", 2), ("arrive", 3), ("resolve", 5)):
                due = now + timedelta(days=days, seconds=random.uniform(0, 86400))
                deadline_id = uuid.uuid4()
                deadline_ids.append(deadline_id)
                deadline_rows.append({"id": deadline_id, "ticket_id": ticket_id, "estate_id": estate,
                                      "target": target, "state": "running", "started_at": now, "due_at": due,
                                      "warn_at": due - timedelta(hours=4), "business_hours": False})
        with engine.begin() as conn:
            conn.execute(insert(tickets), ticket_rows)
            conn.execute(insert(deadlines), deadline_rows)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return deadline_ids


def idle_sweeps(engine, uow_factory) -> None:
    def timed(run) -> list[float]:
        times = []
        for _ in range(SWEEPS):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        return times

    swept = timed(lambda: sweep(uow_factory, datetime.now(UTC)))

    def round_trips() -> None:
        with engine.connect() as conn:
            for _ in range(3):
                conn.execute(text("SELECT 1"))

    bare = timed(round_trips)
    noindex_engine = make_engine(str(engine.url.render_as_string(hide_password=False)),
                                 connect_args={"options": "-c enable_indexscan=off -c enable_bitmapscan=off"})
    noindex = timed(lambda: sweep(lambda: SERVICE.unit_of_work(sessionmaker(noindex_engine)), datetime.now(UTC)))
    noindex_engine.dispose()
    with engine.connect() as conn:
        plan = conn.execute(text(
            "EXPLAIN SELECT * FROM deadlines WHERE state = 'running' AND warned_at IS NULL AND warn_at <= now() "
            "AND target != 'promise' ORDER BY warn_at LIMIT 500 FOR UPDATE SKIP LOCKED")).scalars().all()
    uses = next((line.strip() for line in plan if "Index" in line), "no index scan!")
    print(f"(a) idle sweep, {TICKETS:,} tickets / {3 * TICKETS:,} deadlines, {SWEEPS} sweeps")
    print(f"    sweep, nothing due            : p50 {1000 * statistics.median(swept):7.2f} ms   "
          f"p99 {1000 * percentile(swept, 0.99):7.2f} ms")
    print(f"    baseline: 3 bare round trips  : p50 {1000 * statistics.median(bare):7.2f} ms")
    print(f"    baseline: same, no index scans: p50 {1000 * statistics.median(noindex):7.2f} ms")
    print(f"    plan: {uses}")


def busy_sweep(engine, uow_factory, deadline_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    now = datetime.now(UTC)
    chosen = random.sample(deadline_ids, DUE)
    with engine.begin() as conn:
        conn.execute(update(deadlines).where(deadlines.c.id.in_(chosen))
                     .values(warn_at=now - timedelta(seconds=1)))
    started = time.perf_counter()
    done = sweep(uow_factory, datetime.now(UTC), batch=BATCH)
    took = time.perf_counter() - started
    print(f"(b) busy sweep, {DUE} due (batch {BATCH})  : {took:7.3f} s, {1000 * took / max(done.warned, 1):.2f} ms "
          f"per warning ({done.warned} warned)")
    return set(chosen)


def broker_baseline(amqp_url: str, count: int = 200) -> list[float]:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    queue = channel.queue_declare("", exclusive=True).method.queue
    delays = []
    for _ in range(count):
        sent = time.time()
        channel.basic_publish("", queue, json.dumps({"sent": sent}).encode(),
                              pika.BasicProperties(delivery_mode=2))
        for method, _props, body in channel.consume(queue, inactivity_timeout=5):
            delays.append(time.time() - json.loads(body)["sent"])
            channel.basic_ack(method.delivery_tag)
            break
        channel.cancel()
    connection.close()
    return delays


def delays(url: str, amqp_url: str, deadline_ids: list[uuid.UUID]) -> None:
    env = {**os.environ, "DATABASE_URL": url, "AMQP_URL": amqp_url, "LOG_LEVEL": "WARNING",
           "TICKETS_TIMER_INTERVAL_SECONDS": "1"}
    run = [sys.executable, "-m", "tickets.cli"]
    subprocess.run([*run, "topology"], env=env, check=True, capture_output=True)
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, SERVICE.topology.exchange, events.SLA_WARNED)
    engine = make_engine(url)
    processes = [subprocess.Popen([*run, "timer"], env=env), subprocess.Popen([*run, "relay"], env=env)]
    try:
        time.sleep(2)  # both started and idle
        now = datetime.now(UTC)
        chosen = random.sample(deadline_ids, WARNINGS)
        wanted = set(chosen)
        with engine.begin() as conn:
            for deadline_id in chosen:
                conn.execute(update(deadlines).where(deadlines.c.id == deadline_id)
                             .values(warn_at=now + timedelta(seconds=1 + random.uniform(0, SPREAD))))
        seen: list[float] = []
        for method, _props, body in channel.consume(queue, inactivity_timeout=SPREAD + 30):
            if method is None:
                break
            arrived = datetime.now(UTC)
            data = json.loads(body)["data"]
            channel.basic_ack(method.delivery_tag)
            if uuid.UUID(data["deadline_id"]) not in wanted:
                continue  # a warning of the busy sweep, published only now
            seen.append((arrived - datetime.fromisoformat(data["warn_at"])).total_seconds())
            if os.environ.get("BENCH_DEBUG"):
                print(data["warn_at"], data["warned_at"], arrived.isoformat())
            if len(seen) == WARNINGS:
                break
        channel.cancel()
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        connection.close()
        with engine.connect() as conn:
            unpublished = conn.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar()
        engine.dispose()
    base = broker_baseline(amqp_url)
    print(f"(c) deadline -> SLA_WARNED on the broker, {len(seen)}/{WARNINGS} warnings over {SPREAD:.0f} s "
          f"(timer interval 1 s, relay poll 0.2 s; {unpublished} left unpublished)")
    if seen:
        print(f"    delay                         : p50 {1000 * statistics.median(seen):7.1f} ms   "
              f"p99 {1000 * percentile(seen, 0.99):7.1f} ms   max {1000 * max(seen):7.1f} ms   (aim p99 < 1000 ms)")
    print(f"    baseline: bare publish->consume: p50 {1000 * statistics.median(base):7.1f} ms   "
          f"p99 {1000 * percentile(base, 0.99):7.1f} ms")


def main() -> None:
    url = create_database(configured_postgres(), prefix="edbench")
    amqp_url = create_vhost(configured_broker(), prefix="edbench")
    try:
        upgrade(SERVICE, url)
        engine = make_engine(url)
        uow_factory = (lambda sessions: lambda: SERVICE.unit_of_work(sessions))(sessionmaker(engine))
        started = time.perf_counter()
        deadline_ids = fill(engine, datetime.now(UTC))
        print(f"tickets timer: {TICKETS:,} open tickets, {len(deadline_ids):,} deadlines written in "
              f"{time.perf_counter() - started:.1f} s")
        with engine.connect() as conn:
            assert conn.execute(select(text("count(*)")).select_from(deadlines)).scalar() == len(deadline_ids)
        idle_sweeps(engine, uow_factory)
        warned = busy_sweep(engine, uow_factory, deadline_ids)
        engine.dispose()
        delays(url, amqp_url, [d for d in deadline_ids if d not in warned])
    finally:
        drop_database(url)
        delete_vhost(amqp_url)


if __name__ == "__main__":
    main()
