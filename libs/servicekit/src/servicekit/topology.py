"""What a service declares on RabbitMQ, described once and declared the same way by every process.

A service publishes to its own durable topic exchange ``<service>.events`` with the event type as
routing key, and consumes from its own durable quorum queue ``<service>.inbox``, bound to each
event type it handles on the producer's exchange. Messages that can never succeed end in
``<service>.dead`` (a fanout exchange and its queue), where operators inspect and re-queue them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pika.adapters.blocking_connection import BlockingChannel

from servicekit.envelope import EVENT_TYPE_PATTERN

SERVICE_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
EVENTS_EXCHANGE_TYPE = "topic"


def events_exchange(service: str) -> str:
    """The exchange a service publishes its events to."""
    return f"{service}.events"


def producer_of(event_type: str) -> str:
    """The service that publishes ``event_type`` (its first segment, by the naming rule)."""
    return event_type.split(".", 1)[0]


@dataclass(frozen=True)
class Topology:
    """The exchanges, queues and bindings of one service.

    ``consumes`` lists the event types (routing keys) the service's consumer handles, e.g.
    ``("owners.occupant.moved_out.v1",)``. ``delivery_limit`` is how many times the consumer's
    handler may fail on a message before the consumer dead-letters it to ``<service>.dead``; the
    consumer counts those failures in its own database (:mod:`servicekit.consumer`), so a crash or a
    stop that hands messages back counts nothing. ``delivery_backstop`` is the broker's own limit
    (the quorum queue's ``x-delivery-limit``), which counts every delivery whatever ended it, crashes
    included: a high backstop for a message that kills its consumer each time it is applied.
    """

    service: str
    consumes: tuple[str, ...] = ()
    delivery_limit: int = 5
    delivery_backstop: int = 50

    def __post_init__(self) -> None:
        if not SERVICE_NAME_PATTERN.match(self.service):
            raise ValueError(f"service name {self.service!r} must match {SERVICE_NAME_PATTERN.pattern}")
        if isinstance(self.consumes, str):
            raise TypeError("consumes is a tuple of event types, not one string")
        for event_type in self.consumes:
            if not EVENT_TYPE_PATTERN.match(event_type):
                raise ValueError(f"{event_type!r} is not <service>.<entity>.<verb>.v<N>")
        if self.delivery_limit < 1:
            raise ValueError("delivery_limit is a number of attempts: at least 1")
        if self.delivery_backstop < self.delivery_limit:
            raise ValueError("delivery_backstop is a backstop: at least delivery_limit")

    @property
    def exchange(self) -> str:
        return events_exchange(self.service)

    @property
    def inbox_queue(self) -> str:
        return f"{self.service}.inbox"

    @property
    def dead_exchange(self) -> str:
        return f"{self.service}.dead"

    @property
    def dead_queue(self) -> str:
        return f"{self.service}.dead"

    @property
    def inbox_arguments(self) -> dict[str, Any]:
        """Queue arguments of the inbox: a quorum queue that dead-letters without losing anything.

        ``at-least-once`` dead-lettering requires ``reject-publish`` overflow. The broker's
        ``x-delivery-limit`` counts *re*-deliveries (a message is dead-lettered once delivered more
        than that many times), hence one less than the backstop's number of deliveries.
        """
        return {
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": self.dead_exchange,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
            "x-delivery-limit": self.delivery_backstop - 1,
        }

    @property
    def dead_arguments(self) -> dict[str, Any]:
        return {"x-queue-type": "quorum"}

    def bindings(self) -> list[tuple[str, str]]:
        """``(producer exchange, routing key)`` for each consumed event type, in order."""
        return [(events_exchange(producer_of(t)), t) for t in self.consumes]


def declare(channel: BlockingChannel, topology: Topology) -> None:
    """Declare everything the service needs; idempotent, so every process may call it on connect.

    The producers' exchanges are declared too (with the same arguments their owners use), so a
    binding never fails because the producing service has not started yet.
    """
    channel.exchange_declare(topology.exchange, EVENTS_EXCHANGE_TYPE, durable=True)
    if not topology.consumes:
        return
    channel.exchange_declare(topology.dead_exchange, "fanout", durable=True)
    channel.queue_declare(topology.dead_queue, durable=True, arguments=topology.dead_arguments)
    channel.queue_bind(topology.dead_queue, topology.dead_exchange)
    channel.queue_declare(topology.inbox_queue, durable=True, arguments=topology.inbox_arguments)
    for exchange, routing_key in topology.bindings():
        channel.exchange_declare(exchange, EVENTS_EXCHANGE_TYPE, durable=True)
        channel.queue_bind(topology.inbox_queue, exchange, routing_key)
