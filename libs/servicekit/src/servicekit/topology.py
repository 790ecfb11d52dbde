"""What a service declares on RabbitMQ, described once and declared by a one-shot step.

A service publishes to its own durable topic exchange ``<service>.events`` with the event type as
routing key, and consumes from its own durable quorum queue ``<service>.inbox``, bound to each
event type it handles on the producer's exchange. Messages that can never succeed end in
``<service>.dead`` (a fanout exchange and its queue), where operators inspect and re-queue them.

Nothing a producer publishes is dropped as unroutable: ``<service>.events`` has the alternate
exchange ``<service>.unrouted`` (fanout), whose quorum queue of the same name keeps every event no
binding takes, e.g. one published before its consumer's queue was bound.

All of it is declared by :func:`setup_topology`, the body of each service's ``topology`` command:
like migrations, it runs once per deployment before the processes start (``make run``, the
compose file, a Kubernetes Job), never from every replica.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel, BlockingConnection

from servicekit.amqp import connection_parameters
from servicekit.envelope import EVENT_TYPE_PATTERN

log = logging.getLogger(__name__)

SERVICE_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
EVENTS_EXCHANGE_TYPE = "topic"
PRECONDITION_FAILED = 406  # AMQP reply code: declared again with other type or arguments


def events_exchange(service: str) -> str:
    """The exchange a service publishes its events to."""
    return f"{service}.events"


def unrouted_exchange(service: str) -> str:
    """The alternate exchange of ``<service>.events``: takes what no binding takes."""
    return f"{service}.unrouted"


def unrouted_queue(service: str) -> str:
    """The queue that keeps a service's events no binding took (bound to :func:`unrouted_exchange`)."""
    return f"{service}.unrouted"


def events_exchange_arguments(service: str) -> dict[str, Any]:
    """Arguments of ``<service>.events``: the same wherever it is declared (by its producer or by a
    consumer binding to it), since a declaration with other arguments fails."""
    return {"alternate-exchange": unrouted_exchange(service)}


UNROUTED_ARGUMENTS: dict[str, Any] = {"x-queue-type": "quorum"}


class TopologyConflict(RuntimeError):
    """Something already exists on the broker with other arguments, and cannot be fixed safely here."""


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
    def unrouted_exchange(self) -> str:
        return unrouted_exchange(self.service)

    @property
    def unrouted_queue(self) -> str:
        return unrouted_queue(self.service)

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


def declare_publisher(channel: BlockingChannel, service: str) -> None:
    """Declare what ``service`` publishes through: ``<service>.events`` with its alternate exchange
    ``<service>.unrouted`` and the queue that keeps what no binding takes. Idempotent."""
    channel.exchange_declare(unrouted_exchange(service), "fanout", durable=True)
    channel.queue_declare(unrouted_queue(service), durable=True, arguments=UNROUTED_ARGUMENTS)
    channel.queue_bind(unrouted_queue(service), unrouted_exchange(service))
    channel.exchange_declare(
        events_exchange(service), EVENTS_EXCHANGE_TYPE, durable=True, arguments=events_exchange_arguments(service),
    )


def declare(channel: BlockingChannel, topology: Topology) -> None:
    """Declare everything the service needs on an open channel; idempotent.

    The service's own publishing side (:func:`declare_publisher`), and where it consumes: its dead
    letters, its inbox and the inbox's bindings. The producers' exchanges are declared too, exactly
    as their owners declare them, so a binding never fails because the producing service's topology
    step has not run yet. A declaration that conflicts with what exists closes the channel
    (``ChannelClosedByBroker``, 406); :func:`setup_topology` handles that.
    """
    declare_publisher(channel, topology.service)
    if not topology.consumes:
        return
    channel.exchange_declare(topology.dead_exchange, "fanout", durable=True)
    channel.queue_declare(topology.dead_queue, durable=True, arguments=topology.dead_arguments)
    channel.queue_bind(topology.dead_queue, topology.dead_exchange)
    channel.queue_declare(topology.inbox_queue, durable=True, arguments=topology.inbox_arguments)
    for exchange, routing_key in topology.bindings():
        producer = producer_of(routing_key)
        if producer != topology.service:
            declare_publisher(channel, producer)
        channel.queue_bind(topology.inbox_queue, exchange, routing_key)


def setup_topology(amqp_url: str, topology: Topology) -> None:
    """Declare ``topology`` on the broker of ``amqp_url``: the body of ``<service> topology``.

    Run it once per deployment before the service's relay and consumer start (and so before any
    producer publishes to a queue it declares), as migrations are run.

    An events exchange declared before alternate exchanges existed (an older ``make run`` vhost)
    cannot take the argument in place: RabbitMQ refuses to redeclare it (PRECONDITION_FAILED). If
    nothing is bound to it, it holds nothing and is recreated with its alternate exchange (a relay
    publishing meanwhile has its message refused and keeps the row unpublished). If queues are bound
    to it, recreating it would drop their bindings: :class:`TopologyConflict` says what to do, and
    nothing is changed. Any other conflict (a queue declared with other arguments) raises it too.
    """
    connection = BlockingConnection(connection_parameters(amqp_url, connection_name=f"{topology.service}-topology"))
    try:
        _declare_migrating(connection, topology)
    finally:
        if connection.is_open:
            connection.close()
    log.info("topology declared", extra={
        "exchange": topology.exchange, "unrouted_queue": topology.unrouted_queue,
        "inbox_queue": topology.inbox_queue if topology.consumes else None,
    })


def _declare_migrating(connection: BlockingConnection, topology: Topology) -> None:
    exchanges = [topology.service] + sorted({producer_of(t) for t in topology.consumes} - {topology.service})
    for service in exchanges:
        try:
            declare_publisher(connection.channel(), service)
        except pika.exceptions.ChannelClosedByBroker as error:
            about_exchange = f"exchange '{events_exchange(service)}'" in error.reply_text
            if error.reply_code != PRECONDITION_FAILED or not about_exchange:
                raise _conflict(topology, error) from error
            _recreate_events_exchange(connection, service)
    try:
        declare(connection.channel(), topology)
    except pika.exceptions.ChannelClosedByBroker as error:
        raise _conflict(topology, error) from error


def _conflict(topology: Topology, error: pika.exceptions.ChannelClosedByBroker) -> Exception:
    if error.reply_code != PRECONDITION_FAILED:
        return error
    return TopologyConflict(
        f"{error.reply_text}. A queue or exchange of {topology.service} exists with other arguments "
        "than this release declares; RabbitMQ cannot change them in place. Move its messages off "
        "(or let it drain), delete it, and run the topology step again."
    )


def _recreate_events_exchange(connection: BlockingConnection, service: str) -> None:
    exchange = events_exchange(service)
    channel = connection.channel()
    try:
        # if_unused: only when no queue is bound to it, so no consumer loses a binding.
        channel.exchange_delete(exchange, if_unused=True)
    except pika.exceptions.ChannelClosedByBroker as refused:
        raise TopologyConflict(
            f"exchange {exchange} exists without the alternate exchange {unrouted_exchange(service)} "
            "(it was declared by an older release) and queues are bound to it, so it cannot be recreated "
            "without dropping their bindings. Stop the relay of "
            f"{service}, delete the exchange (rabbitmqctl or the management UI), run the topology step of "
            f"{service} and then of every service that consumes its events, and start the relay again. "
            "On a development machine, deleting the vhost's exchange and rerunning `make run` is enough."
        ) from refused
    log.warning("events exchange recreated with its alternate exchange", extra={
        "exchange": exchange, "alternate_exchange": unrouted_exchange(service),
    })
    declare_publisher(connection.channel(), service)
