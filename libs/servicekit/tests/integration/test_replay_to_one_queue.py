"""Replays go to one consumer's queue and nowhere else: past outbox rows by type and period, in
order, or a service's current state read in one snapshot; a consumer with no queue is an error."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import Session

from servicekit.envelope import CloudEvent, new_event
from servicekit.replay import REPLAY_HEADER, ReplayError, replay_history, replay_state


def _drain(world, queue: str) -> list[tuple[str, dict]]:
    """Take every message of ``queue``: (message id, headers), in queue order."""
    taken = []
    while True:
        method, properties, _body = world.channel.basic_get(queue, auto_ack=True)
        if method is None:
            return taken
        taken.append((properties.message_id, properties.headers or {}))


def _unhandled(world, count: int) -> list[str]:
    events = [world.event(type=world.unhandled_type) for _ in range(count)]
    with Session(world.engine) as session:
        world.outbox.add_many(session, events)
        session.commit()
    return [e.id for e in events]


def test_history_goes_to_the_one_queue_in_order_and_no_other_queue_sees_it(any_world):
    world = any_world
    ids = world.write_events(30) + _unhandled(world, 10) + world.write_events(20)
    sent = replay_history(world.engine, world.outbox, world.amqp_url, consumer=world.consumer.service)
    assert sent == 60
    assert world.ready(world.tap_queue) == 0  # bound to the producer's exchange: it sees none of it
    taken = _drain(world, world.consumer.inbox_queue)
    assert [message_id for message_id, _ in taken] == ids  # outbox order
    assert {headers.get(REPLAY_HEADER) for _, headers in taken} == {"history"}


def test_history_is_chosen_by_exact_types_and_patterns(any_world):
    world = any_world
    happened = world.write_events(15)
    noted = _unhandled(world, 5)
    producer = world.producer.service

    def replayed(*types: str) -> list[str]:
        replay_history(world.engine, world.outbox, world.amqp_url, consumer=world.consumer.service, types=types)
        return [message_id for message_id, _ in _drain(world, world.consumer.inbox_queue)]

    assert replayed(world.event_type) == happened
    assert replayed(f"{producer}.thing.*") == happened + noted
    assert replayed("*.noted.*", world.event_type) == happened + noted
    assert replayed(f"{producer}.*.noted.v1") == noted
    # "_" is a letter of event types, not SQL's any-character: this pattern names no type.
    assert replayed(f"{producer}.thing_noted.*") == []
    with pytest.raises(ValueError):
        replayed("owners.unit.%")


def test_history_is_chosen_by_the_time_it_was_written(any_world):
    world = any_world
    early = world.write_events(10)
    time.sleep(0.05)
    cut = datetime.now(UTC)
    time.sleep(0.05)
    late = world.write_events(7)

    def replayed(**period: datetime) -> list[str]:
        replay_history(world.engine, world.outbox, world.amqp_url, consumer=world.consumer.service, **period)
        return [message_id for message_id, _ in _drain(world, world.consumer.inbox_queue)]

    assert replayed(since=cut) == late
    assert replayed(until=cut) == early
    assert replayed(since=cut, until=datetime.now(UTC)) == late
    with pytest.raises(ValueError, match="time zone"):
        replayed(since=datetime.now())


def test_a_consumer_without_a_queue_is_an_error_and_nothing_is_sent(world):
    world.write_events(5)
    with pytest.raises(ReplayError, match=r"no queue nobody_here\.inbox") as raised:
        replay_history(world.engine, world.outbox, world.amqp_url, consumer="nobody_here")
    assert raised.value.published == 0
    assert world.ready(world.tap_queue) == 0 and world.ready(world.consumer.inbox_queue) == 0


def test_state_is_read_in_one_snapshot_and_sent_to_the_one_queue(any_world):
    world = any_world
    world.write_events(12)
    table = world.outbox.table

    def snapshot(db: Connection) -> Iterator[CloudEvent]:
        """One event per outbox row, and, half way, a row written and committed by someone else:
        the snapshot must not see it."""
        first = db.execute(select(func.count()).select_from(table)).scalar_one()
        with world.engine.begin() as other:
            other.execute(insert(table).values(event_id="late", event_type=world.event_type, source="x",
                                               body="{}", created_at=datetime.now(UTC)))
        for (event_id,) in db.execute(select(table.c.event_id).order_by(table.c.seq)):
            yield new_event(world.event_type, world.producer.service, {"of": event_id})
        assert db.execute(select(func.count()).select_from(table)).scalar_one() == first

    sent = replay_state(world.engine, world.amqp_url, consumer=world.consumer.service, snapshot=snapshot)
    assert sent == 12  # not 13: the row committed meanwhile is not in the snapshot
    assert world.ready(world.tap_queue) == 0
    taken = _drain(world, world.consumer.inbox_queue)
    assert len(taken) == 12 and {headers.get(REPLAY_HEADER) for _, headers in taken} == {"state"}


def test_state_events_are_chosen_by_type(world):
    def snapshot(_db: Connection) -> Iterator[CloudEvent]:
        for type_ in (world.event_type, world.unhandled_type, world.event_type):
            yield new_event(type_, world.producer.service, {})

    sent = replay_state(world.engine, world.amqp_url, consumer=world.consumer.service, snapshot=snapshot,
                        types=["*.happened.*"])
    assert sent == 2 and world.ready(world.consumer.inbox_queue) == 2
