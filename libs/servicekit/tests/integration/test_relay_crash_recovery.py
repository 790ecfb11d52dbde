"""A relay killed with SIGKILL loses nothing: what it published but did not mark goes out again,
and the consumer's inbox makes sure each event is still applied exactly once."""

from __future__ import annotations

import random
import signal
import subprocess
from functools import partial
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import World


KILLED = -signal.SIGKILL


def has_published_or_ended(world: World, process: subprocess.Popen[bytes], unpublished_before: int) -> bool:
    return world.unpublished() < unpublished_before or process.poll() is not None


def test_a_relay_killed_between_publish_and_mark_loses_nothing(world: World) -> None:
    ids = world.write_events(500)
    consumer = world.start_consumer()

    crashed = world.relay_process("--batch-size", "100", "--crash-before-mark")
    assert crashed.wait(timeout=60) == KILLED
    # The broker confirmed the first batch (the next one may be on its way too); the database
    # never heard of either.
    world.wait_for(lambda: world.ready(world.tap_queue) >= 100, "the crashed relay's first batch")
    assert world.unpublished() == 500

    relay = world.start_relay(batch_size=100)
    world.wait_for(lambda: world.unpublished() == 0, "the outbox to be published")
    world.wait_all_applied_once(ids)
    relay.finish()
    consumer.finish()

    published = world.ready(world.tap_queue)
    print(f"\n{published} messages published for {len(ids)} events: {published - len(ids)} raw duplicates")
    assert 600 <= published <= 700  # every event once more, and the crashed relay's one or two batches
    assert world.inbox_ids() == set(ids)


@pytest.mark.slow
def test_a_relay_killed_at_random_moments_loses_nothing_and_applies_nothing_twice(world: World) -> None:
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    ids = world.write_events(4000, per_transaction=200)
    consumer = world.start_consumer()

    kills = 0
    for _ in range(5):
        left = world.unpublished()
        if left == 0:
            break
        process = world.relay_process("--batch-size", "50")
        # Let it get going (it has published something), then kill it at a random moment.
        world.wait_for(partial(has_published_or_ended, world, process, left), "the relay to publish")
        try:
            process.wait(timeout=rng.uniform(0, 0.15))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            kills += process.wait(timeout=60) == KILLED
    relay = world.start_relay()
    world.wait_for(lambda: world.unpublished() == 0, "the outbox to be published")
    world.wait_all_applied_once(ids)
    relay.finish()
    consumer.finish()

    published = world.ready(world.tap_queue)
    print(f"\nseed {seed}: {kills} kills, {published} messages for {len(ids)} events, "
          f"{published - len(ids)} raw duplicates")
    assert kills >= 1, f"no relay process was killed: each ended by itself (seed {seed})"
    assert published >= len(ids)
    assert world.inbox_ids() == set(ids)
