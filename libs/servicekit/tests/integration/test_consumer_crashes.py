"""Crashes are not failures: a consumer killed or stopped hands its messages back, and they are not
dead-lettered for it; only a handler that fails counts toward dead-lettering."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.slow

LAUNCHER = Path(__file__).with_name("consumer_launcher.py")


def consumer_process(world: World, *args: str) -> subprocess.Popen[bytes]:
    """The world's consumer in a process of its own (see consumer_launcher.py), so it can be SIGKILLed."""
    return subprocess.Popen(
        [sys.executable, str(LAUNCHER), world.database_url, world.amqp_url, world.consumer.service,
         world.event_type, str(world.consumer.delivery_limit), "--unhandled-type", world.unhandled_type, *args],
        stderr=subprocess.DEVNULL,
    )


def test_a_consumer_killed_five_times_before_its_first_commit_dead_letters_nothing(world: World) -> None:
    events = [world.event() for _ in range(1000)]
    for event in events:
        world.publish_directly(event.to_json().encode(), event)

    for _ in range(5):  # more kills than the handler may fail (delivery_limit is 3 in this world)
        dying = consumer_process(world, "--die-in-handler", "1.5")
        assert dying.wait(timeout=60) == -9, "the consumer was meant to die of SIGKILL in its handler"
    assert world.applied_total() == 0  # killed before any commit

    consumer = world.start_consumer()
    world.wait_for(lambda: world.applied_total() + world.ready(world.consumer.dead_queue) >= len(events),
                   "every event to be applied or dead-lettered", timeout=120)
    dead = world.ready(world.consumer.dead_queue)
    print(f"\nfive kills before the first commit: {dead} of {len(events)} events dead-lettered")
    assert dead == 0
    world.wait_all_applied_once([e.id for e in events])
    consumer.finish()
    assert world.ready(world.consumer.inbox_queue) == 0
