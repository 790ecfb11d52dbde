"""The relay and the consumer ride out a broker restart by themselves: none lost, none applied twice.

The test stops and starts a RabbitMQ node of its own (``servicekit.testing.private_broker``), so a
running ``make run`` and other test runs on this machine's broker never notice.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

import pika
import pytest

if TYPE_CHECKING:
    from conftest import World

    from servicekit.testing import PrivateBroker

pytestmark = pytest.mark.slow


def test_events_written_across_a_broker_restart_all_arrive_once(
    private_world: tuple[World, PrivateBroker], amqp_vhost_url: str, caplog: pytest.LogCaptureFixture,
) -> None:
    world, broker = private_world
    bystander = pika.BlockingConnection(pika.URLParameters(amqp_vhost_url))  # a `make run` on the shared broker
    caplog.set_level(logging.INFO, logger="servicekit")
    written: list[str] = []
    stop_writing = threading.Event()

    def keep_writing() -> None:  # a web process, committing changes all along
        while not stop_writing.is_set():
            written.extend(world.write_events(5))
            time.sleep(0.01)

    consumer = world.start_consumer()
    relay = world.start_relay(batch_size=50)
    writer = threading.Thread(target=keep_writing, daemon=True)
    writer.start()
    try:
        world.wait_for(lambda: world.applied_total() >= 200, "events to flow before the restart")
        world.channel.connection.close()  # the broker will cut it anyway
        broker.ctl("stop_app")
        applied_while_down = world.applied_total()
        time.sleep(2)  # the relay and the consumer retry against a dead broker meanwhile
    finally:
        broker.restart()
    world.reconnect()
    bystander.process_data_events(time_limit=0)  # raises if the restart reached the shared broker
    assert bystander.is_open
    bystander.close()
    world.wait_for(lambda: world.applied_total() > applied_while_down + 200, "events to flow after the restart")
    stop_writing.set()
    writer.join()

    world.wait_for(lambda: world.unpublished() == 0, "the outbox to be published")
    world.wait_all_applied_once(written)
    assert relay.alive and consumer.alive
    relay.finish()
    consumer.finish()
    published = world.ready(world.tap_queue)
    print(f"\n{len(written)} events, {published} messages published, {published - len(written)} raw duplicates")
    assert published >= len(written)
    assert world.inbox_ids() == set(written)
    connected = [r.getMessage() for r in caplog.records if r.getMessage().endswith(" connected")]
    assert connected.count("relay connected") >= 2, "the relay never reconnected"
    assert connected.count("consumer connected") >= 2, "the consumer never reconnected"
