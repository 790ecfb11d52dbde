"""A database restart during consumption: every event applied once, none dead-lettered.

The shared PostgreSQL server is not restarted (other test runs use it): the test's own database
goes away the way a restart looks to its clients. New connections are refused and every existing
one is cut, mid-transaction, then some seconds later connections are allowed again.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.orm import Session

from servicekit.envelope import CloudEvent
from servicekit.testing import database_down

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.slow


def cut_connections(admin: Engine, database: str) -> None:
    """What clients of a database that restarts within a blink see: open connections cut, new ones fine."""
    with admin.connect() as db:
        db.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                   {"name": database})


def running_long_query(admin: Engine, database: str) -> bool:
    with admin.connect() as db:
        return bool(db.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = :name AND state = 'active'"
            " AND query LIKE 'SELECT pg_sleep(1.5)%'"), {"name": database}).scalar_one())


def test_a_database_restart_during_consumption_applies_every_event_once_and_dead_letters_none(world: World) -> None:
    database = world.engine.url.database
    admin = create_engine(world.engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    events = [world.event() for _ in range(600)]
    big = events[300]  # an event whose change takes a while: restarts are bound to hit it

    def working(session: Session, event: CloudEvent) -> None:  # a handler that takes its time in the database
        session.execute(text("SELECT pg_sleep(1.5)" if event.id == big.id else "SELECT pg_sleep(0.005)"))
        session.execute(insert(world.applied).values(event_id=event.id))

    for event in events:
        world.publish_directly(event.to_json().encode(), event)
    consumer = world.start_consumer({world.event_type: working}, batch_size=50)
    try:
        world.wait_for(lambda: world.applied_total() >= 50, "the consumer to be under way")
        with database_down(world.engine.url.render_as_string(hide_password=False)):  # a restart: down for some seconds
            time.sleep(3)
        # Restarts quick enough that the database answers again by the time the consumer looks, each
        # while the big event is being applied: as many as the handler may fail before dead-lettering.
        for _ in range(world.consumer.delivery_limit):
            world.wait_for(lambda: running_long_query(admin, database), "the big event to be applied")
            cut_connections(admin, database)
            world.wait_for(lambda: not running_long_query(admin, database), "the cut to take")
        world.wait_for(lambda: world.applied_total() + world.ready(world.consumer.dead_queue) >= len(events),
                       "every event to be applied or dead-lettered", timeout=120)
    finally:
        admin.dispose()
    dead = world.ready(world.consumer.dead_queue)
    print(f"\ndatabase restarts during consumption: {dead} of {len(events)} dead-lettered")
    assert dead == 0
    world.wait_all_applied_once([e.id for e in events])
    assert consumer.alive
    consumer.finish()
