"""Heartbeats flow whatever the handlers do: slow batches never cost the consumer its connection.

The run lasts ``CONSUMER_SOAK_SECONDS`` seconds (default 60, what ``make test`` runs); the issue's
soak is ``CONSUMER_SOAK_SECONDS=600``. Handlers take 0.5 s per event and batches hold 12 events, so
each batch runs about 6 s against a heartbeat of 2 s.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from servicekit.envelope import CloudEvent

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.slow

SOAK_SECONDS = float(os.environ.get("CONSUMER_SOAK_SECONDS", "60"))
HANDLER_SECONDS = 0.5
BATCH = 12


@pytest.mark.timeout(SOAK_SECONDS * 3 + 180)  # the soak outlasts the suite's per-test timeout
def test_slow_handlers_with_a_short_heartbeat_never_lose_the_connection(
    world: World, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="servicekit")
    world.amqp_url += "?heartbeat=2"  # the consumer's connection only; the test's own is already open

    def slow(session: Session, event: CloudEvent) -> None:
        time.sleep(HANDLER_SECONDS)  # a slow query, a big change: the connection's thread must not care
        session.execute(insert(world.applied).values(event_id=event.id))

    events = [world.event() for _ in range(int(SOAK_SECONDS / HANDLER_SECONDS))]
    for event in events:
        world.publish_directly(event.to_json().encode(), event)
    started = time.monotonic()
    consumer = world.start_consumer({world.event_type: slow}, batch_size=BATCH, prefetch=2 * BATCH)
    world.wait_for(lambda: world.applied_total() + world.ready(world.consumer.dead_queue) >= len(events),
                   "every event to be applied or dead-lettered", timeout=SOAK_SECONDS * 3 + 60)
    elapsed = time.monotonic() - started
    consumer.finish()

    messages = [r.getMessage() for r in caplog.records]
    lost = messages.count("consumer lost its connection")
    dead = world.ready(world.consumer.dead_queue)
    counts = world.applied_counts()
    twice = sum(n > 1 for n in counts.values())
    print(f"\n{elapsed:.0f} s of {BATCH * HANDLER_SECONDS:.0f} s batches, heartbeat 2 s: connection lost {lost} times, "
          f"{dead} dead-lettered, {twice} applied more than once, {len(counts)} of {len(events)} applied")
    assert lost == 0
    assert messages.count("consumer connected") == 1
    assert dead == 0
    world.wait_all_applied_once([e.id for e in events])
