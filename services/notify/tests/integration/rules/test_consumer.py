"""The rules through the real consumer: ``notify consume`` as a process, a tickets event published
to ``tickets.events`` on the real RabbitMQ (twice, as the relay may), one message made; and a
replay of the same event straight to notify's queue makes none either."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pika
import pytest
from sqlalchemy import Engine, func, insert, select

from notify.rules.defaults import built_in_id
from notify.service import SERVICE
from notify.tables import estates, inbox, messages, people
from servicekit.db import make_engine
from servicekit.envelope import CONTENT_TYPE, CloudEvent
from servicekit.migrate import upgrade
from servicekit.replay import REPLAY_HEADER
from servicekit.testing import configured_broker, create_vhost, delete_vhost, service_process, wait_for
from servicekit.topology import events_exchange

CONTRACTS = Path(__file__).resolve().parents[4] / "tickets" / "contracts" / "events"
ACK = "tickets.ticket.acknowledged.v1"


@pytest.fixture
def world(make_database) -> Iterator[tuple[Engine, dict[str, str], str]]:  # noqa: ANN001
    url, vhost = make_database(), create_vhost(configured_broker())
    upgrade(SERVICE, url)
    engine = make_engine(url)
    env = {"NOTIFY_DATABASE_URL": url, "DATABASE_URL": url, "AMQP_URL": vhost, "LOG_LEVEL": "WARNING"}
    done = subprocess.run([sys.executable, "-m", "notify.cli", "topology"], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    yield engine, env, vhost
    engine.dispose()
    delete_vhost(vhost)


def _publish(amqp_url: str, event: CloudEvent, *, exchange: str, routing_key: str,
             headers: dict[str, str] | None = None) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish(exchange, routing_key, event.to_json().encode(), pika.BasicProperties(
            content_type=CONTENT_TYPE, delivery_mode=2, message_id=event.id, headers=headers), mandatory=True)
    finally:
        connection.close()


def _count(engine: Engine, table, *where) -> int:  # noqa: ANN001
    with engine.connect() as db:
        return db.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def _acknowledged_now(engine: Engine) -> dict:
    """Tickets' example of an acknowledgement, dated now (the consumer answers news only, see
    notify.domain.freshness), with its reporter in notify's copy."""
    data = json.loads((CONTRACTS / f"{ACK}.json").read_text(encoding="utf-8"))["examples"][0]
    data["ticket"]["updated_at"] = datetime.now(UTC).isoformat()
    estate_id, person_id = data["ticket"]["estate_id"], data["ticket"]["person_id"]
    with engine.begin() as db:
        db.execute(insert(estates).values(id=uuid.UUID(estate_id), code="SUN", name="阳光花园", version=1))
        db.execute(insert(people).values(id=uuid.UUID(person_id), estate_id=uuid.UUID(estate_id), name="张三",
                                         language="zh-CN", preferred_channel="sms", mobile="13800000001", version=1))
    return data


def test_a_tickets_event_published_twice_makes_one_message(world) -> None:
    engine, env, amqp_url = world
    data = _acknowledged_now(engine)
    person_id = data["ticket"]["person_id"]
    event = CloudEvent(type=ACK, source="/estatedesk/tickets", subject=data["ticket"]["ticket_id"], data=data)
    with service_process("notify", "consume", env=env):
        _publish(amqp_url, event, exchange=events_exchange("tickets"), routing_key=ACK)
        _publish(amqp_url, event, exchange=events_exchange("tickets"), routing_key=ACK)
        # A replay goes straight to notify's queue; the same event id again.
        _publish(amqp_url, event, exchange="", routing_key=SERVICE.topology.inbox_queue)
        marker = CloudEvent(type=ACK, source="/estatedesk/tickets", subject="marker",
                            data={**data, "ticket": {**data["ticket"], "number": "MARKER"}})
        _publish(amqp_url, marker, exchange=events_exchange("tickets"), routing_key=ACK)
        # The queue is applied in order: once the marker is in, the three copies before it were seen.
        wait_for(lambda: _count(engine, inbox, inbox.c.event_id == marker.id) == 1, "notify to apply the events")
        wait_for(lambda: _count(engine, messages) == 2, "the marker's message")
    with engine.connect() as db:
        rows = db.execute(select(messages).where(messages.c.source_event_id == f"/estatedesk/tickets {event.id}")
                          ).mappings().all()
    assert len(rows) == 1
    [message] = rows
    assert (message["rule_id"], str(message["person_id"]), message["channel"], message["state"]) == (
        built_in_id("rule", "acknowledged_to_reporter"), person_id, "sms", "queued")
    assert "T261201042170" in message["body"]


def test_a_replayed_tickets_event_makes_no_message(world) -> None:
    """A replay (``tickets replay --consumer notify``) sends the past with the header x-replay: the
    consumer applies it (its inbox row is written) and the rules make no message of it (issue 15)."""
    engine, env, amqp_url = world
    data = _acknowledged_now(engine)  # recent: only the replay keeps it back
    replayed = CloudEvent(type=ACK, source="/estatedesk/tickets", subject=data["ticket"]["ticket_id"], data=data)
    live = CloudEvent(type=ACK, source="/estatedesk/tickets", subject="live",
                      data={**data, "ticket": {**data["ticket"], "number": "LIVE"}})
    with service_process("notify", "consume", env=env):
        _publish(amqp_url, replayed, exchange="", routing_key=SERVICE.topology.inbox_queue,
                 headers={REPLAY_HEADER: "history"})
        _publish(amqp_url, live, exchange=events_exchange("tickets"), routing_key=ACK)
        wait_for(lambda: _count(engine, inbox, inbox.c.event_id == live.id) == 1, "notify to apply the events")
        wait_for(lambda: _count(engine, messages) == 1, "the live event's message")
    assert _count(engine, inbox, inbox.c.event_id == replayed.id) == 1
    with engine.connect() as db:
        assert db.execute(select(messages.c.source_event_id)).scalars().all() == [f"/estatedesk/tickets {live.id}"]
