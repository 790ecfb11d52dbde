"""What went unrouted: the events in ``<service>.unrouted``, shown to operators.

    <service> unrouted [--show N] [--purge]

An event goes unrouted when no binding of ``<service>.events`` takes it; the exchange's alternate
exchange puts it in ``<service>.unrouted`` (the last week's, at most 100,000: see
:mod:`servicekit.topology`). Often that is expected: a type no service consumes yet. It is a fault
when a consumer should have had it: that consumer's topology step has not run, or a binding was
removed. The events themselves are not lost: each stays in its producer's outbox.

What an operator does with them (README, "Events no consumer took"): ``<service> unrouted --show 20``
lists the first ones (type, id, when written) without taking them off the queue; the types say
which consumer should have had them. Run that consumer's ``topology`` step (it binds its queue
again), replay the events it missed to it alone (``<service> replay --consumer NAME --type TYPE
--since TIME``), then ``<service> unrouted --purge``.

:class:`UnroutedCollector` is the metric: ``servicekit_unrouted_events{service="..."}``, the number
of events in the queue, read from the broker when Prometheus scrapes (the broker counts them; the
relay cannot see where an event went).
"""

from __future__ import annotations

import argparse
import json
import logging
from dataclasses import dataclass

import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel

from servicekit.amqp import open_channel
from servicekit.metrics import ScrapedGauge
from servicekit.topology import UNROUTED_MAX_AGE, UNROUTED_MAX_LENGTH, unrouted_queue

log = logging.getLogger(__name__)

METRIC = "servicekit_unrouted_events"
METRIC_HELP = (f"Events in <service>.unrouted: published while no binding took them "
               f"(the last {UNROUTED_MAX_AGE.days} days, at most {UNROUTED_MAX_LENGTH})")


@dataclass(frozen=True, slots=True)
class Unrouted:
    """One event of the queue, as an operator needs to see it (from its CloudEvent body)."""

    time: str | None
    event_type: str | None
    event_id: str | None


def count(channel: BlockingChannel, service: str) -> int:
    """How many events ``<service>.unrouted`` holds (a passive declaration; 404 if it is missing)."""
    return int(channel.queue_declare(unrouted_queue(service), passive=True).method.message_count)


def show(channel: BlockingChannel, service: str, limit: int) -> list[Unrouted]:
    """The first ``limit`` events of the queue, left in it: fetched unacked on a channel of their
    own, which closing hands back to the head of the queue in order (a nack would put them last)."""
    queue, shown = unrouted_queue(service), []
    peek = channel.connection.channel()
    try:
        while len(shown) < limit:
            method, _properties, body = peek.basic_get(queue, auto_ack=False)
            if method is None:
                break
            shown.append(_describe(body))
    finally:
        peek.close()
    return shown


def _describe(body: bytes) -> Unrouted:
    try:
        event = json.loads(body)
    except ValueError:
        event = None
    if not isinstance(event, dict):
        return Unrouted(None, None, None)
    return Unrouted(*(value if isinstance(value, str) else None for value in
                      (event.get("time"), event.get("type"), event.get("id"))))


def unrouted_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a service CLI's ``unrouted`` command (:mod:`servicekit.cli`)."""
    parser.add_argument("--show", type=int, default=0, metavar="N",
                        help="list the first N events (they stay in the queue)")
    parser.add_argument("--purge", action="store_true",
                        help="empty the queue, once its events are dealt with (bound and replayed)")


def run_unrouted_command(args: argparse.Namespace, amqp_url: str, service: str) -> int:
    """Run the ``unrouted`` command: print the count, the events asked for, and purge if asked."""
    queue = unrouted_queue(service)
    try:
        with open_channel(amqp_url, connection_name=f"{service}-unrouted") as channel:
            held = count(channel, service)
            for event in show(channel, service, args.show) if args.show > 0 else []:
                print("\t".join([event.time or "-", event.event_type or "-", event.event_id or "-"]))
            purged = channel.queue_purge(queue).method.message_count if args.purge else None
    except pika.exceptions.ChannelClosedByBroker as error:
        print(f"{service} unrouted: {error.reply_text} (run `{service} topology` first)")
        return 1
    print(f"{queue} holds {held} event(s) no binding took (it keeps the last {UNROUTED_MAX_AGE.days} days, "
          f"at most {UNROUTED_MAX_LENGTH})")
    if purged is not None:
        print(f"purged {purged} event(s) from {queue}")
    return 0


class UnroutedCollector(ScrapedGauge):
    """Prometheus collector of :data:`METRIC` for one service: the depth of ``<service>.unrouted``.

    Read from the broker when scraped, at most once every ``cache_seconds`` (each scrape of each web
    worker would otherwise open a connection), within ``timeout`` seconds. While the broker or the
    queue cannot be read, the metric has no sample (alert on its absence), and the web keeps serving.
    Register it in the registry ``/metrics`` serves.
    """

    def __init__(self, amqp_url: str, service: str, *, cache_seconds: float = 15.0, timeout: float = 2.0) -> None:
        super().__init__(METRIC, METRIC_HELP, "service", cache_seconds=cache_seconds)
        self.amqp_url, self.service, self.timeout = amqp_url, service, timeout

    def read_samples(self) -> dict[str, float] | None:
        try:
            with open_channel(self.amqp_url, connection_name=f"{self.service}-metrics", socket_timeout=self.timeout,
                              blocked_connection_timeout=self.timeout, stack_timeout=self.timeout) as channel:
                return {self.service: count(channel, self.service)}
        except (pika.exceptions.AMQPError, OSError) as error:
            log.warning("cannot read the depth of the unrouted queue", extra={
                "queue": unrouted_queue(self.service), "error": repr(error)})
            return None
