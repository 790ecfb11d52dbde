"""The inbox consumer applies each event exactly once, and refuses what can never succeed."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text

if TYPE_CHECKING:
    from conftest import World



def test_a_duplicate_event_changes_nothing_the_second_time(any_world: World) -> None:
    world = any_world
    twice, first_sentinel, second_sentinel = world.event(), world.event(), world.event()
    # Two copies in one batch, then a third copy long after the first was applied and acked.
    for event in (twice, twice, first_sentinel):
        world.publish_directly(event.to_json().encode(), event)
    consumer = world.start_consumer()
    world.wait_for(lambda: first_sentinel.id in world.applied_counts(), "the first sentinel")
    for event in (twice, second_sentinel):
        world.publish_directly(event.to_json().encode(), event)
    world.wait_for(lambda: second_sentinel.id in world.applied_counts(), "the second sentinel")
    consumer.finish()

    assert world.applied_counts() == {twice.id: 1, first_sentinel.id: 1, second_sentinel.id: 1}
    assert world.attempts[twice.id] == 1
    assert world.ready(world.consumer.inbox_queue) == 0  # the copies were acked, not handed back
    assert world.ready(world.consumer.dead_queue) == 0


def test_an_event_type_without_handler_is_acked_without_an_inbox_row(world: World) -> None:
    unhandled, sentinel = world.event(type=world.unhandled_type), world.event()
    for event in (unhandled, sentinel):
        world.publish_directly(event.to_json().encode(), event, routing_key=event.type)
    consumer = world.start_consumer()
    world.wait_for(lambda: sentinel.id in world.applied_counts(), "the sentinel")
    consumer.finish()

    # No row: when a handler for the type comes later, a replay of the event must still apply it.
    assert world.inbox_ids() == {sentinel.id}
    assert unhandled.id not in world.applied_counts()
    assert world.ready(world.consumer.inbox_queue) == 0
    assert world.ready(world.consumer.dead_queue) == 0

    later = world.start_consumer({world.event_type: world.record, world.unhandled_type: world.record})
    world.publish_directly(unhandled.to_json().encode(), unhandled, routing_key=unhandled.type)  # the replay
    world.wait_for(lambda: unhandled.id in world.applied_counts(), "the replayed event to be applied")
    later.finish()
    assert world.applied_counts()[unhandled.id] == 1


def test_a_poison_event_is_dead_lettered_after_the_delivery_limit_while_others_flow(world: World) -> None:
    # A failed event is held and tried again after 0.1 s, then 0.4 s (fast for the test), while others flow.
    before = [world.event() for _ in range(40)]
    poison = world.event(poison=True)
    after = [world.event() for _ in range(40)]
    for event in [*before, poison, *after]:  # all in one batch: the poison must not hold back the others
        world.publish_directly(event.to_json().encode(), event)
    consumer = world.start_consumer(retry_delay=0.1)

    world.wait_for(lambda: world.ready(world.consumer.dead_queue) == 1, "the poison event in the dead queue")
    world.wait_all_applied_once([e.id for e in before + after])
    later = [world.event() for _ in range(10)]
    for event in later:
        world.publish_directly(event.to_json().encode(), event)
    world.wait_all_applied_once([e.id for e in before + after + later])

    assert consumer.alive
    consumer.finish()
    assert world.attempts[poison.id] == world.consumer.delivery_limit == 3
    assert poison.id not in world.inbox_ids()
    _method, properties, body = world.channel.basic_get(world.consumer.dead_queue, auto_ack=True)
    assert properties.message_id == poison.id
    assert json.loads(body)["id"] == poison.id
    assert properties.headers["x-servicekit-reason"] == "handler-failed"
    assert properties.headers["x-servicekit-attempts"] == 3
    assert properties.headers["x-servicekit-error"] == "RuntimeError: this event can never be applied"
    assert properties.type == poison.type
    assert world.ready(world.consumer.inbox_queue) == 0


def test_a_message_that_is_not_a_valid_event_is_dead_lettered_at_once(world: World) -> None:
    missing_id = {k: v for k, v in world.event().to_dict().items() if k != "id"}
    sentinel = world.event()
    bad = [b"\x00 not json", json.dumps(missing_id).encode(), b"[" * 100_000]
    for body in bad:
        world.publish_directly(body)
    world.publish_directly(sentinel.to_json().encode(), sentinel)
    consumer = world.start_consumer()

    world.wait_for(lambda: world.ready(world.consumer.dead_queue) == 3, "the bad messages in the dead queue")
    world.wait_for(lambda: sentinel.id in world.applied_counts(), "the sentinel")
    assert consumer.alive
    consumer.finish()

    dead = [world.channel.basic_get(world.consumer.dead_queue, auto_ack=True) for _ in bad]
    assert [body for _m, _p, body in dead] == bad
    # Rejected on the first delivery: never handed back to the inbox queue for another attempt.
    assert all(p.headers["x-death"][0]["reason"] == "rejected" for _m, p, _b in dead)
    assert all(p.headers["x-death"][0]["count"] == 1 for _m, p, _b in dead)
    assert world.attempts == {sentinel.id: 1}


def test_the_handler_runs_with_the_events_correlation_id_bound(world: World) -> None:
    events = [world.event(correlationid=f"corr-{n}") for n in range(5)]
    for event in events:
        world.publish_directly(event.to_json().encode(), event)
    consumer = world.start_consumer()
    world.wait_all_applied_once([e.id for e in events])
    consumer.finish()

    with world.engine.connect() as db:
        bound = {row.event_id: row.correlation_id for row in db.execute(world.applied.select())}
    assert bound == {e.id: e.correlationid for e in events}



def test_while_the_database_is_down_the_consumer_holds_its_batch_instead_of_refusing_it(
    world: World, caplog: pytest.LogCaptureFixture,
) -> None:
    database = world.engine.url.database
    admin = create_engine(world.engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    before, during = [world.event() for _ in range(20)], [world.event() for _ in range(20)]
    consumer = world.start_consumer()
    for event in before:
        world.publish_directly(event.to_json().encode(), event)
    world.wait_all_applied_once([e.id for e in before])

    with admin.connect() as db:  # the database goes away: no new connections, existing ones cut
        db.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false'))
        db.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                   {"name": database})
    try:
        for event in during:
            world.publish_directly(event.to_json().encode(), event)
        # More failed tries than the delivery limit allows: refusing would have dead-lettered them.
        world.wait_for(lambda: unreachable_logged(caplog) > world.consumer.delivery_limit, "the consumer to wait")
    finally:
        with admin.connect() as db:
            db.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true'))
        admin.dispose()

    world.wait_all_applied_once([e.id for e in before + during])
    assert consumer.alive
    consumer.finish()
    assert world.ready(world.consumer.dead_queue) == 0


def unreachable_logged(caplog: pytest.LogCaptureFixture) -> int:
    return sum(r.getMessage().startswith("database unreachable") for r in caplog.records)
