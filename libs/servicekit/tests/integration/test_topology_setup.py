"""The one-shot topology step on a real broker: what it declares, and what it does with an events
exchange an older release declared without its alternate exchange."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pika
import pika.exceptions
import pytest

from servicekit.topology import Topology, TopologyConflict, setup_topology


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
