"""``tickets timer`` killed with SIGKILL mid-sweep and started again fires each warning and breach
exactly once, and ``tickets relay`` brings every one of them to the broker."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pika
import pytest
from sqlalchemy import func, insert, select

from servicekit.db import make_engine
from servicekit.migrate import upgrade
from tickets import events
from tickets.service import SERVICE
from tickets.tables import deadlines, outbox, tickets

pytestmark = pytest.mark.slow

DEADLINES = 500
FIRED = (events.SLA_WARNED, events.SLA_BREACHED)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def tickets_command(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tickets.cli", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_a_timer_killed_mid_sweep_fires_each_deadline_once(make_database, amqp_vhost_url) -> None:
    url = make_database()
    upgrade(SERVICE, url)
    engine = make_engine(url)
    past = datetime.now(UTC) - timedelta(hours=1)
    estate = uuid.uuid4()
    ticket_rows = [{"id": uuid.uuid4(), "number": f"T{n:08d}", "estate_id": estate, "kind": "repair",
                    "channel": "desk", "priority": "normal", "title": "灯不亮", "stage": "received",
                    "created_by": "test", "created_at": past, "updated_at": past} for n in range(DEADLINES)]
    with engine.begin() as conn:
        conn.execute(insert(tickets), ticket_rows)
        conn.execute(insert(deadlines), [
            {"id": uuid.uuid4(), "ticket_id": t["id"], "estate_id": estate, "target": "resolve", "state": "running",
             "started_at": past, "warn_at": past + timedelta(minutes=n % 50), "due_at": past + timedelta(minutes=55),
             "business_hours": False} for n, t in enumerate(ticket_rows)])

    def fired() -> Counter[tuple[str, str]]:
        with engine.connect() as conn:
            rows = conn.execute(select(outbox.table.c.event_type, outbox.table.c.body)
                                .where(outbox.table.c.event_type.in_(FIRED))).all()
        return Counter((json.loads(body)["data"]["deadline_id"], kind) for kind, body in rows)

    def marked() -> int:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(deadlines)
                                .where(deadlines.c.breached_at.is_not(None))).scalar()

    env = {**os.environ, "DATABASE_URL": url, "AMQP_URL": amqp_vhost_url, "TICKETS_TIMER_BATCH": "5",
           "TICKETS_TIMER_INTERVAL_SECONDS": "0.2", "LOG_LEVEL": "WARNING"}
    timer = tickets_command("timer", env=env)
    wait_for(lambda: sum(fired().values()) >= 100 or timer.poll() is not None, "the timer to fire some")
    timer.send_signal(signal.SIGKILL)
    assert timer.wait(timeout=30) == -signal.SIGKILL
    halfway = fired()
    assert 0 < sum(halfway.values()) < 2 * DEADLINES, "the timer was not killed mid-way"
    assert set(halfway.values()) == {1}

    restarted = tickets_command("timer", env=env)
    wait_for(lambda: marked() == DEADLINES, "the restarted timer to breach every deadline")
    restarted.send_signal(signal.SIGTERM)
    assert restarted.wait(timeout=30) == 0, restarted.stderr.read().decode()
    after = fired()
    assert len(after) == 2 * DEADLINES
    assert set(after.values()) == {1}  # exactly one warning and one breach per deadline

    # The relay brings them to the broker: a queue of the test's own on tickets' exchange.
    assert subprocess.run([sys.executable, "-m", "tickets.cli", "topology"], env=env,
                          capture_output=True).returncode == 0
    queue = f"sla-test-{uuid.uuid4().hex[:8]}"
    connection = pika.BlockingConnection(pika.URLParameters(amqp_vhost_url))
    channel = connection.channel()
    channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(queue, SERVICE.topology.exchange, "tickets.sla.#")
    relay = tickets_command("relay", env=env)
    try:
        wait_for(lambda: channel.queue_declare(queue, passive=True).method.message_count >= 2 * DEADLINES,
                 "the relay to publish every warning and breach")
        seen: Counter[tuple[str, str]] = Counter()
        for method, properties, body in channel.consume(queue, inactivity_timeout=2):
            if method is None:
                break
            event = json.loads(body)
            seen[(event["data"]["deadline_id"], properties.type)] += 1
            channel.basic_ack(method.delivery_tag)
        channel.cancel()
    finally:
        relay.send_signal(signal.SIGTERM)
        relay.wait(timeout=30)
        channel.queue_delete(queue)
        connection.close()
        engine.dispose()
    assert seen == after
