"""The inbox consumer: the process that applies the events a service consumes, each exactly once.

For every event the inbox row (consumer, source, id) and the handler's effects commit in one
transaction, and the message is acked only after that commit. An event that comes again (the relay
publishes at least once; the broker redelivers after a lost connection) finds its inbox row and is
acked without running the handler a second time.

For throughput, messages already delivered are applied a batch at a time in one transaction (one
commit, one ``multiple`` ack). When a handler fails, the transaction is rolled back, that message
alone is refused and the rest of the batch is applied again; when something else fails (the inbox
insert, the commit), the batch is applied again one message per transaction. Either way only the
failing message is refused: the guarantees are those of one message at a time.

What can never succeed goes to ``<service>.dead``: a body that is not a valid CloudEvent at once,
a message whose handler keeps failing after :attr:`Topology.delivery_limit` attempts (counted by the
quorum queue). Later messages keep flowing meanwhile, and the process never dies of bad input.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pika
import pika.exceptions
import pika.spec
from pika.adapters.blocking_connection import BlockingChannel
from sqlalchemy import Engine, Table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from servicekit import correlation
from servicekit.amqp import Backoff, connection_parameters, stop_on_signals
from servicekit.envelope import CloudEvent, InvalidEvent, parse
from servicekit.topology import Topology, declare

log = logging.getLogger(__name__)

Handler = Callable[[Session, CloudEvent], None]
"""Applies one event inside the consumer's transaction; raising rolls back and retries it later."""


@dataclass(frozen=True, slots=True)
class _Delivery:
    tag: int
    body: bytes


class _HandlerFailed(Exception):
    """The handler of ``events[index]`` raised (the original exception is the cause)."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


class _Stopping(Exception):
    """Asked to stop while waiting for the database: leave the batch unacked, it comes back."""


class InboxConsumer:
    """Consumes ``topology.inbox_queue`` and applies each event once through ``handlers``.

    ``handlers`` maps event types to :data:`Handler`; an event of a type without one is recorded in
    the inbox and acked (consumers tolerate unknown types). ``name`` keys the inbox rows, so two
    consumers sharing a database keep separate records.

    Up to ``prefetch`` messages are delivered ahead; up to ``batch_size`` of those are applied per
    transaction; an idle consumer waits ``poll_interval`` seconds at a time for messages (serving
    heartbeats meanwhile); ``backoff`` spaces reconnections and retries while the database is away.
    Handlers run on the connection's thread, so a batch must take well under the heartbeat timeout.

    Beware, on RabbitMQ 3.x a message returned to the quorum queue because its consumer's connection
    closed also counts as a delivery attempt. A graceful stop therefore finishes what was delivered
    before closing; ``prefetch`` bounds how many messages a crash hands back at once.
    """

    def __init__(
        self,
        engine: Engine,
        inbox_table: Table,
        amqp_url: str,
        topology: Topology,
        handlers: Mapping[str, Handler],
        *,
        name: str,
        prefetch: int = 500,
        batch_size: int = 250,
        poll_interval: float = 0.2,
        backoff: Backoff | None = None,
    ) -> None:
        unbound = sorted(set(handlers) - set(topology.consumes))
        if unbound:
            raise ValueError(f"handlers for types the topology does not consume: {', '.join(unbound)}")
        if not 1 <= batch_size <= prefetch:
            raise ValueError("need 1 <= batch_size <= prefetch")
        self.engine = engine
        self.inbox = inbox_table
        self.topology = topology
        self.handlers = dict(handlers)
        self.name = name
        self.prefetch = prefetch
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.backoff = backoff or Backoff()
        self.parameters = connection_parameters(amqp_url, connection_name=f"{topology.service}-consumer-{name}")
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._record_new = (
            dialect.insert(inbox_table)
            .on_conflict_do_nothing()
            .returning(inbox_table.c.source, inbox_table.c.event_id)
        )

    def run(self, stop_event: threading.Event | None = None) -> None:
        """Consume until ``stop_event`` is set (forever without one), reconnecting with backoff."""
        stop = stop_event or threading.Event()
        log.info("consumer started", extra={"queue": self.topology.inbox_queue, "consumer": self.name})
        while not stop.is_set():
            try:
                self._consume(stop)
            except (pika.exceptions.AMQPError, _Stopping) as exc:
                # Channel errors too: reconnecting declares again, and a persistent one is logged each time.
                if not stop.is_set():
                    log.warning("consumer lost its connection", extra={"reason": repr(exc)})
            if stop.is_set():
                break
            delay = self.backoff.next_delay()
            log.warning("consumer reconnecting", extra={"delay_seconds": round(delay, 2)})
            stop.wait(delay)  # no connection is open here, so nothing needs heartbeats
        log.info("consumer stopped", extra={"consumer": self.name})

    def _consume(self, stop: threading.Event) -> None:
        """One connection's life: declare, consume, apply batches; return or raise when it ends."""
        connection = pika.BlockingConnection(self.parameters)
        try:
            channel = connection.channel()
            declare(channel, self.topology)
            channel.basic_qos(prefetch_count=self.prefetch)
            delivered: list[_Delivery] = []
            cancelled = threading.Event()
            consumer_tag = channel.basic_consume(
                self.topology.inbox_queue,
                lambda _ch, method, _props, body: delivered.append(_Delivery(method.delivery_tag, body)),
            )
            channel.add_on_cancel_callback(lambda _frame: cancelled.set())  # e.g. the queue was deleted
            self.backoff.reset()
            log.info("consumer connected", extra={"queue": self.topology.inbox_queue})
            while not (stop.is_set() or cancelled.is_set()):
                # Wait only when idle; with work buffered, just collect what has arrived meanwhile.
                connection.process_data_events(time_limit=0 if delivered else self.poll_interval)
                if delivered:
                    self._apply_batch(connection, channel, _take(delivered, self.batch_size), stop)
            if cancelled.is_set():
                log.warning("broker cancelled the consumer", extra={"queue": self.topology.inbox_queue})
                return
            # Graceful stop: a message handed back counts as an attempt, so finish what was delivered.
            connection.process_data_events(time_limit=0)
            channel.basic_cancel(consumer_tag)
            while delivered:
                self._apply_batch(connection, channel, _take(delivered, self.batch_size), stop)
        finally:
            if connection.is_open:
                try:
                    connection.close()
                except pika.exceptions.AMQPError:
                    pass  # closing a connection that is going anyway

    def _apply_batch(
        self, connection: pika.BlockingConnection, channel: BlockingChannel, batch: Sequence[_Delivery],
        stop: threading.Event,
    ) -> None:
        """Settle every delivery of ``batch`` (in delivery order)."""
        events: list[tuple[int, CloudEvent]] = []
        for delivery in batch:
            try:
                events.append((delivery.tag, parse(delivery.body)))
            except (InvalidEvent, RecursionError) as exc:  # RecursionError: JSON nested too deep
                log.error("message is not a valid event: dead-lettered", extra={"error": str(exc)[:500]})
                channel.basic_nack(delivery.tag, requeue=False)
        if events:
            self._apply_events(connection, channel, events, stop)

    def _apply_events(
        self, connection: pika.BlockingConnection, channel: BlockingChannel,
        events: Sequence[tuple[int, CloudEvent]], stop: threading.Event,
    ) -> None:
        """Apply ``events`` in one transaction and ack them; refuse only the ones that fail."""
        pending = list(events)
        while pending:
            try:
                self._apply(pending)
            except Exception as exc:
                if not self._database_reachable():
                    self._wait_for_database(connection, stop)
                    continue  # the same events again: nothing was wrong with them
                if isinstance(exc, _HandlerFailed):
                    # Refuse the failing event; its neighbours were rolled back with it: apply them again.
                    self._refuse(channel, *pending.pop(exc.index), exc.__cause__ or exc)
                elif len(pending) > 1:
                    # Not a handler (say, an id too long for the inbox): find the culprit one at a time.
                    for one in pending:
                        self._apply_events(connection, channel, [one], stop)
                    return
                else:
                    self._refuse(channel, *pending[0], exc)
                    return
                continue
            self.backoff.reset()
            # Every earlier delivery is settled already (batches go in order): one ack covers them all.
            channel.basic_ack(pending[-1][0], multiple=True)
            return

    def _refuse(self, channel: BlockingChannel, tag: int, event: CloudEvent, error: BaseException) -> None:
        """Hand a failed event back to the queue, which dead-letters it at the delivery limit."""
        log.warning(
            "event failed; it goes back to the queue",
            exc_info=error,
            extra={"event_id": event.id, "event_type": event.type, "source": event.source},
        )
        channel.basic_nack(tag, requeue=True)

    def _apply(self, events: Sequence[tuple[int, CloudEvent]]) -> None:
        """Record the events in the inbox and run the handlers of the new ones; commit once."""
        with Session(self.engine) as session, session.begin():
            new = self._record(session, [event for _tag, event in events])
            for index, (_tag, event) in enumerate(events):
                if event.dedup_key not in new:
                    log.debug("duplicate event skipped", extra={"event_id": event.id, "source": event.source})
                    continue
                new.discard(event.dedup_key)  # a second copy in the same batch is a duplicate too
                handler = self.handlers.get(event.type)
                if handler is None:
                    log.debug("no handler for event type; recorded", extra={"event_type": event.type})
                    continue
                try:
                    with correlation.bound(event.correlationid):
                        handler(session, event)
                except Exception as exc:
                    raise _HandlerFailed(index) from exc

    def _record(self, session: Session, events: Sequence[CloudEvent]) -> set[tuple[str, str]]:
        """Insert the inbox rows; returns the keys that were not there yet (the events to apply)."""
        now = datetime.now(UTC)
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for event in events:
            rows.setdefault(event.dedup_key, {
                "consumer": self.name, "source": event.source, "event_id": event.id,
                "event_type": event.type, "received_at": now,
            })
        inserted = session.execute(self._record_new, list(rows.values()))
        return {(source, event_id) for source, event_id in inserted}

    def _database_reachable(self) -> bool:
        try:
            with self.engine.connect() as db:
                db.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def _wait_for_database(self, connection: pika.BlockingConnection, stop: threading.Event) -> None:
        """Hold the batch (unacked, so it counts no attempt) until the database answers again."""
        delay = self.backoff.next_delay()
        log.warning("database unreachable; holding the batch", extra={"delay_seconds": round(delay, 2)})
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline:
            if stop.is_set():
                raise _Stopping()
            connection.sleep(min(self.poll_interval, max(deadline - time.monotonic(), 0)))


def _take(deliveries: list[_Delivery], count: int) -> list[_Delivery]:
    """Remove and return the first ``count`` deliveries."""
    taken = deliveries[:count]
    del deliveries[:count]
    return taken


def run_consumer(
    engine: Engine,
    inbox_table: Table,
    amqp_url: str,
    topology: Topology,
    handlers: Mapping[str, Handler],
    *,
    name: str,
    **options: Any,
) -> None:
    """Run a consumer in the main thread until SIGTERM or SIGINT: the body of ``<service> consume``.

    ``options`` go to :class:`InboxConsumer`. Configure logging (:mod:`servicekit.logs`) first.
    """
    consumer = InboxConsumer(engine, inbox_table, amqp_url, topology, handlers, name=name, **options)
    with stop_on_signals() as stop:
        consumer.run(stop)
