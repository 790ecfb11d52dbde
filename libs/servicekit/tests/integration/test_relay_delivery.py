"""The relay publishes every committed outbox row, in order, as the envelope says, and nothing else."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from servicekit.amqp import Backoff
from servicekit.envelope import CONTENT_TYPE, parse
from servicekit.relay import OutboxRelay
from servicekit.topology import Topology, setup_topology

if TYPE_CHECKING:
    from conftest import World



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


def test_events_no_queue_is_bound_for_are_kept_in_unrouted(world: World) -> None:
    # Before: marked published with returned=true, and lost to every consumer bound later.
    nobody_binds = f"{world.producer.service}.thing.unbound.v1"
    unbound = [world.event(type=nobody_binds) for _ in range(100)]
    routed = world.event()
    with Session(world.engine) as session, session.begin():
        world.outbox.add_many(session, [*unbound[:50], routed, *unbound[50:]])
    relay = world.start_relay(batch_size=30)

    world.wait_for(lambda: world.unpublished() == 0, "every row to be published")
    relay.finish()

    kept = world.drain(world.producer.unrouted_queue)
    assert [properties.message_id for properties, _body in kept] == [event.id for event in unbound]
    assert [properties.message_id for properties, _body in world.drain(world.tap_queue)] == [routed.id]


def test_an_event_the_broker_returns_stays_unpublished_until_the_topology_is_fixed(
    world: World, caplog: pytest.LogCaptureFixture,
) -> None:
    world.channel.queue_delete(world.producer.unrouted_queue)  # the alternate exchange now routes nowhere
    nobody_binds = f"{world.producer.service}.thing.unbound.v1"
    events = [world.event(), world.event(type=nobody_binds), world.event()]
    with Session(world.engine) as session, session.begin():
        world.outbox.add_many(session, events)
    relay = world.start_relay()

    world.wait_for(lambda: sum("returned as unroutable" in r.getMessage() for r in caplog.records) >= 2,
                   "the broker to return the event (twice: the relay tries again)")
    assert world.unpublished() == 3  # its batch is not marked published, not even the routed events

    setup_topology(world.amqp_url, world.producer)
    world.wait_for(lambda: world.unpublished() == 0, "the events to be published once the topology is fixed")
    relay.finish()

    assert [p.message_id for p, _body in world.drain(world.producer.unrouted_queue)] == [events[1].id]
    tapped = [p.message_id for p, _body in world.drain(world.tap_queue)]
    assert tapped[-2:] == [events[0].id, events[2].id]  # earlier attempts were delivered too: duplicates


def test_after_a_nack_no_later_batch_is_marked_before_it_and_all_go_out_again_in_order(
    world: World, caplog: pytest.LogCaptureFixture,
) -> None:
    refused_type = f"{world.producer.service}.thing.refused.v1"
    full = f"{world.producer.service}.full"  # holds one message and refuses more (nack)
    world.channel.queue_declare(full, durable=True, arguments={
        "x-queue-type": "quorum", "x-max-length": 1, "x-overflow": "reject-publish",
    })
    world.channel.queue_bind(full, world.producer.exchange, refused_type)
    for _ in range(2):  # a quorum queue refuses once it is over its length, not at it
        world.channel.basic_publish("", full, b"filler")
    # Batches of 5: the first holds the refused event, the next ones only events the broker takes.
    events = [world.event() for _ in range(4)] + [world.event(type=refused_type)] + [world.event() for _ in range(20)]
    with Session(world.engine) as session, session.begin():
        world.outbox.add_many(session, events)
    relay = world.start_relay(batch_size=5)

    out_of_order: list[tuple[list[int], list[int]]] = []

    def refused_a_few_times() -> bool:
        published, pending = world.published_seqs()
        if published and pending and published[-1] > pending[0]:
            out_of_order.append((published, pending))  # a later batch marked while an earlier one is not
        return sum("refused" in r.getMessage() for r in caplog.records) >= 3

    world.wait_for(refused_a_few_times, "the broker to refuse three times")
    world.channel.queue_delete(full)  # the refused event now goes to the unrouted queue
    world.wait_for(lambda: world.unpublished() == 0, "every event to be published")
    relay.finish()

    assert not out_of_order, f"marked published past an unpublished row: {out_of_order[0]}"
    last_arrival: dict[str, int] = {}
    for position, (properties, _body) in enumerate(world.drain(world.tap_queue)):
        last_arrival[properties.message_id] = position
    taken = [event.id for event in events if event.type == world.event_type]
    assert sorted(last_arrival, key=last_arrival.__getitem__) == taken  # the final copies, in outbox order


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


def test_a_relay_started_before_the_topology_step_waits_for_it(
    world: World, caplog: pytest.LogCaptureFixture,
) -> None:
    late = Topology(f"late_{world.producer.service}")  # nobody has run its topology step yet
    relay = OutboxRelay(world.engine, world.outbox, world.amqp_url, late, backoff=Backoff(0.1, 0.5))
    ids = world.write_events(10)
    running = world._start(relay.run, "relay")

    world.wait_for(lambda: any(f"run `{late.service} topology`" in r.getMessage() for r in caplog.records),
                   "the relay to say which step is missing")
    assert world.unpublished() == 10
    setup_topology(world.amqp_url, late)
    world.wait_for(lambda: world.unpublished() == 0, "the relay to publish once the topology exists")
    running.finish()

    assert [p.message_id for p, _body in world.drain(late.unrouted_queue)] == ids


def test_a_relay_whose_lock_connection_ends_stands_by_then_publishes_again(
    world: World, caplog: pytest.LogCaptureFixture,
) -> None:
    relay = world.start_relay(batch_size=20)
    first = world.write_events(50)
    world.wait_for(lambda: world.unpublished() == 0, "the first events to be published")
    with world.engine.connect() as db:  # what a database failover or a cut connection does to the lock
        ended = db.execute(text(
            "SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND a.datname = current_database()"
        )).scalars().all()
    assert ended == [True]
    later = world.write_events(50)

    world.wait_for(lambda: world.unpublished() == 0, "the later events to be published")
    relay.finish()

    assert any("lost its lease" in r.getMessage() for r in caplog.records)
    tapped = [p.message_id for p, _body in world.drain(world.tap_queue)]
    assert tapped == first + later
