"""A failing handler is retried with a growing delay, counted in the consumer's own database."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from servicekit.envelope import CloudEvent

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.slow


def test_a_transient_fault_is_retried_after_growing_delays_instead_of_at_once(world: World) -> None:
    flaky, others = world.event(), [world.event() for _ in range(30)]
    tried_at: list[float] = []

    def handler(session: Session, event: CloudEvent) -> None:
        if event.id == flaky.id:
            tried_at.append(time.monotonic())
            if tried_at[-1] - tried_at[0] < 2.5:  # say, a service it needs is restarting
                raise RuntimeError("transient fault")
        session.execute(insert(world.applied).values(event_id=event.id))

    for event in [flaky, *others]:
        world.publish_directly(event.to_json().encode(), event)
    consumer = world.start_consumer({world.event_type: handler})  # the default retry delays
    world.wait_all_applied_once([e.id for e in others])  # the others do not wait for it
    world.wait_for(lambda: world.applied_total() + world.ready(world.consumer.dead_queue) > len(others),
                   "the flaky event to be applied or dead-lettered")
    consumer.finish()

    gaps = [round(b - a, 2) for a, b in zip(tried_at, tried_at[1:], strict=False)]
    print(f"\nattempts of the flaky event {len(tried_at)}, gaps between them (s): {gaps}")
    assert world.ready(world.consumer.dead_queue) == 0
    world.wait_all_applied_once([e.id for e in [flaky, *others]])
    assert len(tried_at) == world.consumer.delivery_limit == 3
    assert gaps[0] >= 0.9 and gaps[1] >= 2 * gaps[0]


def test_failures_are_counted_in_the_consumers_database_across_restarts(world: World) -> None:
    poison = world.event(poison=True)
    world.publish_directly(poison.to_json().encode(), poison)
    failures = world.metadata.tables["inbox_failures"]
    for attempt in (1, 2):  # each run fails once, then stops (a deploy) before the next try is due
        consumer = world.start_consumer(retry_delay=60.0)
        world.wait_for(lambda n=attempt: world.attempts[poison.id] == n, f"attempt {attempt}")
        world.wait_for(lambda n=attempt: _attempts(world, failures) == n, f"attempt {attempt} to be recorded")
        consumer.finish()
    with world.engine.connect() as db:
        row = db.execute(select(failures)).one()
    assert (row.consumer, row.source, row.event_id) == (world.consumer.service, poison.source, poison.id)
    assert "this event can never be applied" in row.last_error

    consumer = world.start_consumer(retry_delay=60.0)  # the third failure is the last one allowed
    world.wait_for(lambda: world.ready(world.consumer.dead_queue) == 1, "the poison event in the dead queue")
    consumer.finish()
    assert world.attempts[poison.id] == world.consumer.delivery_limit == 3
    assert _attempts(world, failures) == 0  # forgotten once dead-lettered: a requeued copy starts afresh


def _attempts(world: World, failures: object) -> int:
    with world.engine.connect() as db:
        return db.execute(select(failures.c.attempts)).scalar() or 0  # type: ignore[attr-defined]
