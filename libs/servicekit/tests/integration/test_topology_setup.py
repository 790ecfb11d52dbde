"""The one-shot topology step on a real broker: what it declares, and what it does with an events
exchange an older release declared without its alternate exchange, or an unrouted queue without its
limits."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pika
import pika.exceptions
import pytest

from servicekit import topology as topology_module
from servicekit.topology import Topology, TopologyConflict, setup_topology, unrouted_moving_queue


@pytest.fixture
def channel(amqp_vhost_url: str) -> Iterator[pika.adapters.blocking_connection.BlockingChannel]:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_vhost_url))
    yield connection.channel()
    if connection.is_open:
        connection.close()


def unbound_reaches_unrouted(channel: pika.adapters.blocking_connection.BlockingChannel, topology: Topology) -> bool:
    channel.confirm_delivery()
    channel.basic_publish(topology.exchange, f"{topology.service}.thing.unbound.v1", b"{}", mandatory=True)
    return channel.queue_declare(topology.unrouted_queue, passive=True).method.message_count == 1


def test_it_declares_the_inbox_its_bindings_and_every_exchange_with_its_alternate(
    amqp_vhost_url: str, channel: pika.adapters.blocking_connection.BlockingChannel,
) -> None:
    tag = uuid.uuid4().hex[:8]
    producer = Topology(f"p_{tag}")
    consumer = Topology(f"c_{tag}", consumes=(f"p_{tag}.thing.happened.v1",))

    setup_topology(amqp_vhost_url, consumer)  # the consumer's step may run before its producer's
    setup_topology(amqp_vhost_url, producer)
    setup_topology(amqp_vhost_url, consumer)  # and again: idempotent

    channel.confirm_delivery()
    channel.basic_publish(producer.exchange, f"p_{tag}.thing.happened.v1", b"{}", mandatory=True)
    assert channel.queue_declare(consumer.inbox_queue, passive=True).method.message_count == 1
    for queue in (consumer.dead_queue, consumer.unrouted_queue):
        assert channel.queue_declare(queue, passive=True).method.message_count == 0
    assert unbound_reaches_unrouted(channel, producer)


def test_an_old_events_exchange_with_nothing_bound_is_recreated_with_its_alternate(
    amqp_vhost_url: str, channel: pika.adapters.blocking_connection.BlockingChannel,
) -> None:
    topology = Topology(f"p_{uuid.uuid4().hex[:8]}")
    channel.exchange_declare(topology.exchange, "topic", durable=True)  # as releases before it did

    setup_topology(amqp_vhost_url, topology)

    assert unbound_reaches_unrouted(channel, topology)


def test_an_old_events_exchange_with_queues_bound_is_left_alone_with_a_clear_message(
    amqp_vhost_url: str, channel: pika.adapters.blocking_connection.BlockingChannel,
) -> None:
    topology = Topology(f"p_{uuid.uuid4().hex[:8]}")
    channel.exchange_declare(topology.exchange, "topic", durable=True)
    bound = f"{topology.service}.someone"
    channel.queue_declare(bound, durable=True)
    channel.queue_bind(bound, topology.exchange, "#")

    with pytest.raises(TopologyConflict, match="queues are bound to it") as raised:
        setup_topology(amqp_vhost_url, topology)

    assert "delete the exchange" in str(raised.value)
    channel.confirm_delivery()
    channel.basic_publish(topology.exchange, f"{topology.service}.thing.any.v1", b"{}", mandatory=True)
    assert channel.queue_declare(bound, passive=True).method.message_count == 1  # its binding is still there


def publish_unbound(channel: pika.adapters.blocking_connection.BlockingChannel, topology: Topology,
                    count: int) -> list[str]:
    """Publish ``count`` events no binding takes, confirmed; returns their ids in order."""
    channel.confirm_delivery()
    ids = [uuid.uuid4().hex for _ in range(count)]
    for event_id in ids:
        channel.basic_publish(topology.exchange, f"{topology.service}.thing.unbound.v1", b"{}",
                              pika.BasicProperties(message_id=event_id), mandatory=True)
    return ids


def kept(channel: pika.adapters.blocking_connection.BlockingChannel, queue: str) -> list[str]:
    """The ids ``queue`` holds, in order (taken off it)."""
    ids = []
    while (message := channel.basic_get(queue, auto_ack=True))[0] is not None:
        ids.append(message[1].message_id)
    return ids


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """The unrouted queue's length limit, made small enough to reach in a test."""
    monkeypatch.setitem(topology_module.UNROUTED_ARGUMENTS, "x-max-length", 5)
    return 5


def test_the_unrouted_queue_keeps_the_newest_events_up_to_its_limit_and_never_refuses_one(
    amqp_vhost_url: str, channel: pika.adapters.blocking_connection.BlockingChannel, small_limit: int,
) -> None:
    topology = Topology(f"p_{uuid.uuid4().hex[:8]}")
    setup_topology(amqp_vhost_url, topology)

    ids = publish_unbound(channel, topology, 8)  # confirmed, every one: the oldest make way

    assert kept(channel, topology.unrouted_queue) == ids[-small_limit:]
    arguments = topology_module.UNROUTED_ARGUMENTS
    assert (arguments["x-overflow"], arguments["x-message-ttl"]) == ("drop-head", 7 * 24 * 3600 * 1000)


def test_an_unrouted_queue_of_an_older_release_is_recreated_with_its_limits_and_keeps_its_events(
    amqp_vhost_url: str, channel: pika.adapters.blocking_connection.BlockingChannel, small_limit: int,
) -> None:
    topology = Topology(f"p_{uuid.uuid4().hex[:8]}")
    # As releases before the limits declared it, holding three events already.
    channel.exchange_declare(topology.unrouted_exchange, "fanout", durable=True)
    channel.queue_declare(topology.unrouted_queue, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(topology.unrouted_queue, topology.unrouted_exchange)
    channel.exchange_declare(topology.exchange, "topic", durable=True,
                             arguments={"alternate-exchange": topology.unrouted_exchange})
    before = publish_unbound(channel, topology, 3)

    setup_topology(amqp_vhost_url, topology)
    setup_topology(amqp_vhost_url, topology)  # and again: nothing left to recreate

    after = publish_unbound(channel, topology, 4)
    assert kept(channel, topology.unrouted_queue) == (before + after)[-small_limit:]  # in order, limited
    with pytest.raises(pika.exceptions.ChannelClosedByBroker):  # the queue used while moving is gone
        channel.queue_declare(unrouted_moving_queue(topology.service), passive=True)


def test_a_recreation_cut_short_is_finished_by_the_next_run(
    amqp_vhost_url: str, channel: pika.adapters.blocking_connection.BlockingChannel,
) -> None:
    topology = Topology(f"p_{uuid.uuid4().hex[:8]}")
    setup_topology(amqp_vhost_url, topology)
    # A step that died after moving the old queue's events aside, before moving them back.
    moving = unrouted_moving_queue(topology.service)
    channel.queue_declare(moving, durable=True, arguments=topology_module.UNROUTED_ARGUMENTS)
    channel.queue_bind(moving, topology.unrouted_exchange)
    channel.queue_unbind(topology.unrouted_queue, topology.unrouted_exchange)
    aside = publish_unbound(channel, topology, 2)

    setup_topology(amqp_vhost_url, topology)

    assert kept(channel, topology.unrouted_queue) == aside
    assert unbound_reaches_unrouted(channel, topology)
    with pytest.raises(pika.exceptions.ChannelClosedByBroker):
        channel.queue_declare(moving, passive=True)
