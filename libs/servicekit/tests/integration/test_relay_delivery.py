"""The relay publishes every committed outbox row, in order, as the envelope says, and nothing else."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.envelope import CONTENT_TYPE, parse

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.integration


def test_every_committed_event_arrives_once_and_rolled_back_ones_never(any_world: World) -> None:
    world = any_world
    committed = world.write_events(300, per_transaction=50)
    rolled_back = world.write_events(100, commit=False)
    committed += world.write_events(200, per_transaction=1)
    consumer = world.start_consumer()
    relay = world.start_relay(batch_size=64)

    world.wait_for(lambda: world.unpublished() == 0, "the outbox to be published")
    world.wait_all_applied_once(committed)
    relay.finish()
    consumer.finish()

    assert world.ready(world.tap_queue) == len(committed)  # each committed row published once
    assert world.inbox_ids() == set(committed)
    assert not set(rolled_back) & world.inbox_ids()
    assert world.ready(world.consumer.inbox_queue) == 0
    assert world.ready(world.consumer.dead_queue) == 0


def test_messages_carry_the_envelope_in_their_properties_in_outbox_order(world: World) -> None:
    ids = world.write_events(20, per_transaction=1)
    relay = world.start_relay(batch_size=7)
    world.wait_for(lambda: world.ready(world.tap_queue) == len(ids), "20 messages in the tap")
    relay.finish()

    table = world.outbox.table
    with world.engine.connect() as db:
        stored = {row.event_id: row for row in db.execute(select(table))}
    received = []
    for _ in ids:
        method, properties, body = world.channel.basic_get(world.tap_queue, auto_ack=True)
        row = stored[properties.message_id]
        event = parse(body)
        assert (method.exchange, method.routing_key) == (world.producer.exchange, world.event_type)
        assert (event.id, event.type, event.source) == (row.event_id, row.event_type, row.source)
        assert properties.type == event.type
        assert properties.app_id == event.source == world.producer.service
        assert properties.correlation_id == event.correlationid == row.correlation_id
        assert properties.content_type == CONTENT_TYPE
        assert properties.delivery_mode == 2
        assert row.published_at is not None and not row.returned
        received.append(event.id)
    assert received == ids


def test_an_unroutable_event_is_marked_published_and_returned(world: World) -> None:
    routed, unroutable = world.event(), world.event(type=f"{world.producer.service}.thing.unbound.v1")
    with Session(world.engine) as session, session.begin():
        world.outbox.add_many(session, [unroutable, routed])
    relay = world.start_relay()

    world.wait_for(lambda: world.unpublished() == 0, "both rows to be marked")
    relay.finish()

    table = world.outbox.table
    with world.engine.connect() as db:
        returned = {event_id: flag for event_id, flag in db.execute(select(table.c.event_id, table.c.returned))}
    assert returned == {unroutable.id: True, routed.id: False}
    assert world.ready(world.tap_queue) == 1


def test_events_the_broker_refuses_stay_unpublished_until_it_takes_them(
    world: World, caplog: pytest.LogCaptureFixture,
) -> None:
    full = f"{world.producer.service}.full"  # a queue that refuses messages beyond 10 (nack)
    world.channel.queue_declare(full, durable=True, arguments={
        "x-queue-type": "quorum", "x-max-length": 10, "x-overflow": "reject-publish",
    })
    world.channel.queue_bind(full, world.producer.exchange, world.event_type)
    ids = world.write_events(30)
    relay = world.start_relay(batch_size=5)

    world.wait_for(lambda: any("refused" in r.getMessage() for r in caplog.records), "the broker to refuse")
    assert world.unpublished() > 0

    def make_room() -> bool:  # again and again, until the relay got everything through
        world.channel.queue_purge(full)
        return world.unpublished() == 0

    world.wait_for(make_room, "the refused events to be published")
    relay.finish()

    tapped = set()
    while (message := world.channel.basic_get(world.tap_queue, auto_ack=True))[0] is not None:
        tapped.add(message[1].message_id)
    assert tapped == set(ids)


def test_the_relay_process_stops_cleanly_on_sigterm(world: World) -> None:
    world.write_events(200)
    process = world.relay_process()
    world.wait_for(lambda: world.unpublished() == 0 or process.poll() is not None, "the relay process to publish")

    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=60) == 0
    assert world.unpublished() == 0
