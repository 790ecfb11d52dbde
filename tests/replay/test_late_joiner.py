"""A service that joins late rebuilds its copy of owners' data from a replay to its queue alone.

The world: owners on a PostgreSQL database of its own, with the demo estate loaded through the
owners code (1,200 households: thousands of events), published by the relay while consumer
``alpha`` is the only one bound. Then ``bravo`` joins: a consumer built on
``servicekit.consumer.InboxConsumer`` that keeps a copy of units, people (with their contact
points), occupancies and units' contact lists in a database of its own, with ``upsert_newer``
(newer wins). Nothing but the replay can give bravo the past; alpha must not see one extra copy.

The tests share that world (building it is most of the run time) and each leaves bravo's copy
equal to owners' data, as it checks.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pika
import pytest
from sqlalchemy import JSON, Column, Date, Engine, Integer, MetaData, String, Table, Uuid, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from owners import events
from owners.demo import load_demo_estate
from owners.occupancy.use_cases import move_out
from owners.people.use_cases import replace_contact_points, set_unit_contacts, update_person
from owners.places.use_cases import update_unit
from owners.replay import state_events
from owners.service import SERVICE
from owners.tables import contact_points, occupancies, outbox, people, unit_contacts, units
from servicekit.amqp import Backoff
from servicekit.consumer import InboxConsumer
from servicekit.copies import upsert_newer
from servicekit.db import make_engine
from servicekit.envelope import CONTENT_TYPE, CloudEvent
from servicekit.migrate import upgrade
from servicekit.outbox import define_inbox
from servicekit.relay import OutboxRelay
from servicekit.replay import ReplayError, replay_history, replay_state
from servicekit.testing import wait_for
from servicekit.topology import Topology, declare

pytestmark = pytest.mark.slow

BRAVO_TYPES = (
    events.UNIT_ADDED, events.UNIT_UPDATED, events.UNIT_CONTACTS_CHANGED, events.PERSON_REGISTERED,
    events.PERSON_UPDATED, events.PERSON_CONTACT_POINTS_CHANGED, events.OCCUPANT_MOVED_IN, events.OCCUPANT_MOVED_OUT,
)


class Copy:
    """Bravo's database: its inbox and its copy of owners' data, applied by the newer-wins rule."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        metadata = MetaData()
        self.inbox = define_inbox(metadata)
        self.units = Table("copy_units", metadata,
                           Column("unit_id", Uuid, primary_key=True), Column("estate_id", Uuid, nullable=False),
                           Column("building_id", Uuid, nullable=False), Column("number", String(32), nullable=False),
                           Column("floor", Integer), Column("area_m2", String(20)),
                           Column("version", Integer, nullable=False))
        self.people = Table("copy_people", metadata,
                            Column("person_id", Uuid, primary_key=True), Column("estate_id", Uuid, nullable=False),
                            Column("name", String(100), nullable=False), Column("language", String(10), nullable=False),
                            Column("preferred_channel", String(10), nullable=False),
                            Column("contact_points", JSON, nullable=False), Column("version", Integer, nullable=False))
        self.occupancies = Table("copy_occupancies", metadata,
                                 Column("occupancy_id", Uuid, primary_key=True),
                                 Column("unit_id", Uuid, nullable=False),
                                 Column("person_id", Uuid, nullable=False), Column("role", String(10), nullable=False),
                                 Column("moved_in_on", Date, nullable=False), Column("moved_out_on", Date),
                                 Column("version", Integer, nullable=False))
        self.contacts = Table("copy_unit_contacts", metadata,
                              Column("unit_id", Uuid, primary_key=True), Column("person_ids", JSON, nullable=False),
                              Column("version", Integer, nullable=False))
        metadata.create_all(self.engine)
        self.handlers = {
            events.UNIT_ADDED: self.unit, events.UNIT_UPDATED: self.unit,
            events.PERSON_REGISTERED: self.person, events.PERSON_UPDATED: self.person,
            events.PERSON_CONTACT_POINTS_CHANGED: self.person,
            events.OCCUPANT_MOVED_IN: self.occupancy, events.OCCUPANT_MOVED_OUT: self.occupancy,
            events.UNIT_CONTACTS_CHANGED: self.unit_contacts,
        }

    # --- the handlers: each event carries the entity's whole state and its version ----------

    def unit(self, session: Session, event: CloudEvent) -> None:
        d = event.data
        upsert_newer(session, self.units, {"unit_id": uuid.UUID(d["unit_id"])},
                     {"estate_id": uuid.UUID(d["estate_id"]), "building_id": uuid.UUID(d["building_id"]),
                      "number": d["number"], "floor": d["floor"], "area_m2": d["area_m2"]}, d["version"])

    def person(self, session: Session, event: CloudEvent) -> None:
        d = event.data
        points = sorted([p["kind"], p["value"], p["label"], p["preferred"]] for p in d["contact_points"])
        upsert_newer(session, self.people, {"person_id": uuid.UUID(d["person_id"])},
                     {"estate_id": uuid.UUID(d["estate_id"]), "name": d["name"], "language": d["language"],
                      "preferred_channel": d["preferred_channel"], "contact_points": points}, d["version"])

    def occupancy(self, session: Session, event: CloudEvent) -> None:
        d = event.data
        upsert_newer(session, self.occupancies, {"occupancy_id": uuid.UUID(d["occupancy_id"])},
                     {"unit_id": uuid.UUID(d["unit_id"]), "person_id": uuid.UUID(d["person_id"]), "role": d["role"],
                      "moved_in_on": date.fromisoformat(d["moved_in_on"]),
                      "moved_out_on": d["moved_out_on"] and date.fromisoformat(d["moved_out_on"])}, d["version"])

    def unit_contacts(self, session: Session, event: CloudEvent) -> None:
        d = event.data
        order = [c["person_id"] for c in sorted(d["contacts"], key=lambda c: c["position"])]
        upsert_newer(session, self.contacts, {"unit_id": uuid.UUID(d["unit_id"])}, {"person_ids": order},
                     d["version"])

    # --- what it holds -----------------------------------------------------------------------

    def inbox_count(self) -> int:
        with self.engine.connect() as db:
            return db.execute(select(func.count()).select_from(self.inbox)).scalar_one()

    def inbox_has(self, event_id: str) -> bool:
        with self.engine.connect() as db:
            found = db.execute(select(self.inbox.c.event_id).where(self.inbox.c.event_id == event_id)).first()
        return found is not None

    def forget(self, *tables: Table) -> None:
        with self.engine.begin() as db:
            for table in tables:
                db.execute(delete(table))

    def snapshot(self) -> dict[str, dict[Any, tuple]]:
        with self.engine.connect() as db:
            return {
                "units": {r.unit_id: (r.estate_id, r.building_id, r.number, r.floor, r.area_m2, r.version)
                          for r in db.execute(select(self.units))},
                "people": {r.person_id: (r.estate_id, r.name, r.language, r.preferred_channel,
                                         [tuple(p) for p in r.contact_points], r.version)
                           for r in db.execute(select(self.people))},
                "occupancies": {r.occupancy_id: (r.unit_id, r.person_id, r.role, r.moved_in_on, r.moved_out_on,
                                                 r.version) for r in db.execute(select(self.occupancies))},
                "contacts": {r.unit_id: ([uuid.UUID(p) for p in r.person_ids], r.version)
                             for r in db.execute(select(self.contacts))},
            }


def owners_snapshot(engine: Engine) -> dict[str, dict[Any, tuple]]:
    """Owners' own data, shaped as the copy keeps it."""
    with engine.connect() as db:
        points: dict[Any, list[tuple]] = {}
        for p in db.execute(select(contact_points)):
            points.setdefault(p.person_id, []).append((p.kind, p.value, p.label, p.preferred))
        lists: dict[Any, list[Any]] = {}
        for c in db.execute(select(unit_contacts).order_by(unit_contacts.c.unit_id, unit_contacts.c.position)):
            lists.setdefault(c.unit_id, []).append(c.person_id)
        return {
            "units": {r.id: (r.estate_id, r.building_id, r.number, r.floor,
                             None if r.area_m2 is None else str(r.area_m2), r.version)
                      for r in db.execute(select(units))},
            "people": {r.id: (r.estate_id, r.name, r.language, r.preferred_channel, sorted(points.get(r.id, [])),
                              r.version) for r in db.execute(select(people))},
            "occupancies": {r.id: (r.unit_id, r.person_id, r.role, r.moved_in_on, r.moved_out_on, r.version)
                            for r in db.execute(select(occupancies))},
            "contacts": {r.id: (lists.get(r.id, []), r.contacts_version)
                         for r in db.execute(select(units).where(units.c.contacts_version > 0))},
        }


def assert_copy_equals_owners(copy: Copy, engine: Engine) -> None:
    theirs, ours = copy.snapshot(), owners_snapshot(engine)
    for name in ours:
        assert len(theirs[name]) == len(ours[name]), name
        differing = [key for key in ours[name] if theirs[name].get(key) != ours[name][key]]
        assert not differing, f"{name}: {len(differing)} rows differ, e.g. {differing[0]}"


class World:
    """Owners, its relay, consumer alpha (bound from the start, never consuming) and newcomer bravo."""

    def __init__(self, owners_url: str, copy_url: str, amqp_url: str) -> None:
        tag = uuid.uuid4().hex[:6]
        self.amqp_url = amqp_url
        upgrade(SERVICE, owners_url)
        self.engine = make_engine(owners_url)
        self.uow = lambda: SERVICE.unit_of_work(sessionmaker(self.engine, expire_on_commit=False))
        self.alpha = Topology(f"alpha_{tag}", consumes=events.EVENT_TYPES)
        self.bravo = Topology(f"bravo_{tag}", consumes=BRAVO_TYPES)
        self.channel = pika.BlockingConnection(pika.URLParameters(amqp_url)).channel()
        declare(self.channel, SERVICE.topology)
        declare(self.channel, self.alpha)
        self.copy = Copy(copy_url)
        self.stops: list[tuple[threading.Event, threading.Thread]] = []
        self.errors: list[BaseException] = []
        self._start(OutboxRelay(self.engine, outbox, amqp_url, SERVICE.topology, backoff=Backoff(0.1, 1.0)).run)

    def _start(self, run: Callable[[threading.Event], None]) -> None:
        stop = threading.Event()

        def target() -> None:
            try:
                run(stop)
            except BaseException as exc:
                self.errors.append(exc)

        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self.stops.append((stop, thread))

    def start_bravo(self) -> None:
        consumer = InboxConsumer(self.copy.engine, self.copy.inbox, self.amqp_url, self.bravo, self.copy.handlers,
                                 name=self.bravo.service, backoff=Backoff(0.1, 1.0))
        self._start(consumer.run)

    def ready(self, topology: Topology) -> int:
        return self.channel.queue_declare(topology.inbox_queue, passive=True).method.message_count

    def outbox_count(self, types: tuple[str, ...] = ()) -> int:
        table = outbox.table
        statement = select(func.count()).select_from(table)
        if types:
            statement = statement.where(table.c.event_type.in_(types))
        with self.engine.connect() as db:
            return db.execute(statement).scalar_one()

    def wait_published(self) -> None:
        table = outbox.table

        def none_pending() -> bool:
            with self.engine.connect() as db:
                return db.execute(select(func.count()).where(table.c.published_at.is_(None))).scalar_one() == 0

        wait_for(none_pending, "the relay to publish the outbox")

    def wait_applied(self, inbox_rows: int) -> None:
        wait_for(lambda: self.copy.inbox_count() >= inbox_rows, f"bravo's inbox to reach {inbox_rows} rows")
        wait_for(lambda: self.ready(self.bravo) == 0, "bravo's queue to drain")
        assert not self.errors, self.errors

    def close(self) -> None:
        for stop, _thread in self.stops:
            stop.set()
        for _stop, thread in self.stops:
            thread.join(timeout=60)
        self.channel.connection.close()
        self.copy.engine.dispose()
        self.engine.dispose()


@pytest.fixture(scope="module")
def world(make_database: Callable[[], str], amqp_vhost_url: str) -> Iterator[World]:
    value = World(make_database(), make_database(), amqp_vhost_url)
    try:
        _, report, _ = load_demo_estate(value.uow())
        assert report.units_added == 1200
        value.wait_published()
        value.figures = {"outbox": value.outbox_count(), "alpha_before": value.ready(value.alpha)}
        declare(value.channel, value.bravo)  # bravo joins: its queue and bindings exist from now on
        value.figures["bravo_on_joining"] = value.ready(value.bravo)
        value.figures["replayed"] = replay_history(value.engine, outbox, value.amqp_url,
                                                   consumer=value.bravo.service, types=BRAVO_TYPES)
        value.figures["bravo_after_replay"] = value.ready(value.bravo)
        value.figures["alpha_after_replay"] = value.ready(value.alpha)
        value.start_bravo()
        value.wait_applied(value.figures["replayed"])
        yield value
    finally:
        value.close()


def test_the_newcomer_gets_the_past_and_no_other_consumer_a_copy(world):
    figures = world.figures
    print(f"late joiner figures: {figures}")  # shown with -s: the figures of the closing note
    assert figures["outbox"] > 5000  # thousands of owners events before bravo existed
    assert figures["alpha_before"] == figures["outbox"]  # alpha, bound from the start, has every one
    assert figures["bravo_on_joining"] == 0  # joining gives nothing of the past
    assert figures["replayed"] == world.outbox_count(BRAVO_TYPES) > 5000
    assert figures["bravo_after_replay"] == figures["replayed"]
    assert figures["alpha_after_replay"] - figures["alpha_before"] == 0  # not one extra copy for alpha


def test_the_newcomers_copy_equals_owners_data(world):
    assert_copy_equals_owners(world.copy, world.engine)


def test_live_changes_then_a_replay_of_history_do_not_roll_the_copy_back(world):
    unit, person, occupancy = _some_rows(world.engine)
    update_unit(world.uow(), unit["id"], {"number": "9-9901"})
    update_person(world.uow(), person["id"], {"name": "改名后"})
    replace_contact_points(world.uow(), person["id"], [{"kind": "mobile", "value": "13800009999"},
                                                       {"kind": "email", "value": "renamed@example.com"}])
    move_out(world.uow(), occupancy["id"], occupancy["moved_in_on"] + timedelta(days=30))  # drops them as contact
    set_unit_contacts(world.uow(), unit["id"], [])
    world.wait_published()
    live = world.outbox_count(BRAVO_TYPES) - world.figures["replayed"]
    assert live == 6  # unit, person twice, move-out, the move-out's contact list, the cleared list
    world.wait_applied(world.figures["replayed"] + live)
    assert_copy_equals_owners(world.copy, world.engine)

    # An inbox pruned (or a consumer restored from an old backup of it): the history is applied
    # again, every event older than the copy, and the version check alone keeps the copy as it is.
    world.copy.forget(world.copy.inbox)
    replayed = replay_history(world.engine, outbox, world.amqp_url, consumer=world.bravo.service, types=BRAVO_TYPES)
    assert replayed == world.figures["replayed"] + live
    world.wait_applied(replayed)
    assert_copy_equals_owners(world.copy, world.engine)


def test_a_stale_event_after_a_newer_one_changes_nothing(world):
    unit, _person, _occupancy = _some_rows(world.engine)
    update_unit(world.uow(), unit["id"], {"floor": (unit["floor"] or 0) + 1})
    world.wait_published()
    wait_for(lambda: world.copy.snapshot()["units"][unit["id"]][5] == unit["version"] + 1, "the live update")
    stale = CloudEvent(type=events.UNIT_UPDATED, source=SERVICE.source, subject=str(unit["id"]), data={
        "estate_id": str(unit["estate_id"]), "building_id": str(unit["building_id"]), "unit_id": str(unit["id"]),
        "number": "STALE", "floor": -3, "area_m2": None, "version": unit["version"]})
    world.channel.basic_publish("", world.bravo.inbox_queue, stale.to_json().encode(), pika.BasicProperties(
        message_id=stale.id, type=stale.type, content_type=CONTENT_TYPE, delivery_mode=2))
    wait_for(lambda: world.copy.inbox_has(stale.id), "bravo to take the stale event")
    assert world.copy.snapshot()["units"][unit["id"]][2:] == (unit["number"], (unit["floor"] or 0) + 1,
                                                              None if unit["area_m2"] is None else str(unit["area_m2"]),
                                                              unit["version"] + 1)
    assert_copy_equals_owners(world.copy, world.engine)


def test_a_lost_copy_is_rebuilt_from_the_state_not_from_the_history(world):
    copy = world.copy
    copy.forget(copy.units, copy.people, copy.occupancies, copy.contacts)  # the copy is lost, the inbox is not
    before = copy.inbox_count()
    replay_history(world.engine, outbox, world.amqp_url, consumer=world.bravo.service, types=BRAVO_TYPES)
    wait_for(lambda: world.ready(world.bravo) == 0, "bravo's queue to drain")
    assert copy.inbox_count() == before  # every replayed event is a duplicate of one in the inbox ...
    assert all(not rows for rows in copy.snapshot().values())  # ... so nothing is rebuilt: the rule

    sent = replay_state(world.engine, world.amqp_url, consumer=world.bravo.service, snapshot=state_events,
                        types=BRAVO_TYPES)
    expected = sum(len(rows) for rows in owners_snapshot(world.engine).values())
    assert sent == expected  # one current-state event per unit, person, occupancy and contact list
    world.wait_applied(before + sent)
    assert_copy_equals_owners(copy, world.engine)


def test_a_replay_to_a_consumer_with_no_queue_is_refused_and_sends_nothing(world):
    alpha_before = world.ready(world.alpha)
    with pytest.raises(ReplayError, match="no queue charlie_nobody.inbox"):
        replay_history(world.engine, outbox, world.amqp_url, consumer="charlie_nobody")
    assert world.ready(world.alpha) == alpha_before


def _some_rows(engine: Engine) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A unit with a current occupant who is its first contact, that person, and the occupancy."""
    with engine.connect() as db:
        row = db.execute(
            select(occupancies.c.id, occupancies.c.unit_id, occupancies.c.person_id)
            .join(unit_contacts, (unit_contacts.c.unit_id == occupancies.c.unit_id)
                  & (unit_contacts.c.person_id == occupancies.c.person_id) & (unit_contacts.c.position == 1))
            .join(people, people.c.id == occupancies.c.person_id)
            .where(occupancies.c.moved_out_on.is_(None), people.c.preferred_channel == "sms")
            .order_by(occupancies.c.id).limit(1)).one()
        unit = db.execute(select(units).where(units.c.id == row.unit_id)).mappings().one()
        person = db.execute(select(people).where(people.c.id == row.person_id)).mappings().one()
        occupancy = db.execute(select(occupancies).where(occupancies.c.id == row.id)).mappings().one()
    return dict(unit), dict(person), dict(occupancy)
