"""Two ``tickets timer`` replicas killed with SIGKILL mid-sweep and two started again remind and
escalate each callback exactly once (the SLA timer's own test, tests/integration/sla/test_timer_crash.py,
for callbacks; that the relay publishes what the timer records, that test shows)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import wait_for
from tickets import events
from tickets.service import SERVICE
from tickets.tables import callbacks, outbox, staff

pytestmark = pytest.mark.slow

CALLBACKS = 500
FIRED = (events.CALLBACK_WARNED, events.CALLBACK_MISSED)


def tickets_command(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tickets.cli", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_timer_replicas_killed_mid_sweep_fire_each_callback_once(make_database) -> None:
    url = make_database()
    upgrade(SERVICE, url)
    engine = make_engine(url)
    past = datetime.now(UTC) - timedelta(hours=1)
    estate, agent = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(insert(staff).values(id=agent, estate_id=estate, name="王小红", role="service_desk_agent",
                                          skills=[], active=True, version=1))
        conn.execute(insert(callbacks), [
            {"id": uuid.uuid4(), "estate_id": estate, "number": "13812345678", "assignee_id": agent, "state": "open",
             "due_at": past + timedelta(minutes=55), "warn_at": past + timedelta(minutes=n % 50),
             "created_by": "test", "created_at": past, "updated_at": past} for n in range(CALLBACKS)])

    def fired() -> Counter[tuple[str, str]]:
        with engine.connect() as conn:
            rows = conn.execute(select(outbox.table.c.event_type, outbox.table.c.body)
                                .where(outbox.table.c.event_type.in_(FIRED))).all()
        return Counter((json.loads(body)["data"]["callback"]["callback_id"], kind) for kind, body in rows)

    def escalated() -> int:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(callbacks)
                                .where(callbacks.c.missed_at.is_not(None))).scalar()

    env = {**os.environ, "DATABASE_URL": url, "AMQP_URL": "amqp://unused", "TICKETS_TIMER_BATCH": "5",
           "TICKETS_TIMER_INTERVAL_SECONDS": "0.2", "LOG_LEVEL": "WARNING"}
    replicas = [tickets_command("timer", env=env) for _ in range(2)]
    wait_for(lambda: sum(fired().values()) >= 100 or any(r.poll() is not None for r in replicas),
             "the timers to fire some", timeout=120)
    for replica in replicas:
        replica.send_signal(signal.SIGKILL)
        assert replica.wait(timeout=30) == -signal.SIGKILL
    halfway = fired()
    assert 0 < sum(halfway.values()) < 2 * CALLBACKS, "the timers were not killed mid-way"
    assert set(halfway.values()) == {1}

    restarted = [tickets_command("timer", env=env) for _ in range(2)]
    wait_for(lambda: escalated() == CALLBACKS, "the restarted timers to escalate every callback", timeout=120)
    for replica in restarted:
        replica.send_signal(signal.SIGTERM)
        assert replica.wait(timeout=30) == 0, replica.stderr.read().decode()
    after = fired()
    assert len(after) == 2 * CALLBACKS
    assert set(after.values()) == {1}  # exactly one reminder and one escalation per callback
    engine.dispose()
