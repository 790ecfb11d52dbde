"""The inbox consumer: the process that applies the events a service consumes, each exactly once.

For every event the inbox row (consumer, source, id) and the handler's effects commit in one
transaction, and the message is acked only after that commit. An event that comes again (the relay
publishes at least once; the broker redelivers after a lost connection) finds its inbox row and is
acked without running the handler a second time. An event of a type the consumer has no handler for
is acked and *not* recorded, so a handler added later still applies it when it is replayed.

Threading. A pika connection belongs to one thread, and a ``BlockingConnection`` serves heartbeats
only while that thread is inside pika. So the connection's thread does nothing but pika: it collects
deliveries, serves heartbeats and settles (acks, refuses) what the worker hands back; one worker
thread applies the batches, in the database only. When the worker is done it wakes the connection's
thread with ``add_callback_threadsafe``. Handlers may take as long as they need: the connection
stays up. ``prefetch`` defaults to twice ``batch_size``: one batch is being applied while the next is
delivered; more would only lengthen what a crash hands back and what a graceful stop must finish.

For throughput, messages already delivered are applied a batch at a time in one transaction (one
commit, one ``multiple`` ack). When a handler fails, the transaction is rolled back, that message
alone is set aside and the rest of the batch is applied again; when something else fails (the inbox
insert, the commit), the batch is applied again one message per transaction.

What counts as a failure. Only a handler (or the inbox insert, or the commit) raising while the
database answers. A cut database connection (a restart, a failover) or an unreachable database is
an outage: the batch is held, unacked, and applied again once the database answers, counting
nothing. A crash or a stop hands the unacked messages back to the queue, which counts nothing either.

Failures are counted in the consumer's own database (``<inbox>_failures``, see
:func:`servicekit.outbox.define_inbox_failures`), in a transaction of their own, so the count
survives crashes. After the n-th failure the message is held by the consumer, unacked (a crash
hands it back, nothing is lost), and tried again after ``retry_delay * retry_factor**(n-1)``
seconds, at most ``retry_max_delay`` (by default 1 s, 4 s, 16 s, 64 s), while the other messages
keep flowing. At :attr:`Topology.delivery_limit` failures (default 5) the consumer publishes the
message to ``<service>.dead`` with publisher confirms, headers saying why (``x-servicekit-reason``,
``x-servicekit-error``, ``x-servicekit-attempts``, ``x-servicekit-consumer``, ``x-servicekit-dead-at``),
then acks it, and forgets its count. A body that is not a valid CloudEvent is dead-lettered at once
(rejected without requeue). The broker's ``x-delivery-limit`` (:attr:`Topology.delivery_backstop`,
default 50 deliveries) is only a backstop, for a message that kills its consumer every time.
:mod:`servicekit.deadletters` lists dead letters and sends them back. The process never dies of bad
input.

The consumer declares nothing. The service's ``topology`` step (:func:`servicekit.topology.setup_topology`,
run once per deployment) declared its queue, bindings and dead-letter exchange; on connecting the
consumer only checks, passively, that the queue and the dead-letter exchange exist, and while they
do not it logs which step to run and tries again with backoff.

Retries reorder events; entity events carry versions so that a stale state never wins.

A replayed message (:mod:`servicekit.replay`, AMQP header ``x-replay``) reaches its handler with
``CloudEvent.replay`` set (``history`` or ``state``): a copy applies it like any other, a handler
that acts on the present (a message to a person) leaves it alone.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pika
import pika.exceptions
import pika.spec
from pika.adapters.blocking_connection import BlockingChannel
from sqlalchemy import Engine, Table, and_, delete, or_, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from servicekit import correlation
from servicekit.amqp import Backoff, connection_parameters, stop_on_signals
from servicekit.envelope import CloudEvent, InvalidEvent, parse
from servicekit.outbox import define_inbox_failures
from servicekit.replay import REPLAY_HEADER
from servicekit.topology import NOT_FOUND, Topology, TopologyMissing

log = logging.getLogger(__name__)

Handler = Callable[[Session, CloudEvent], None]
"""Applies one event inside the consumer's transaction; raising rolls back and retries it later."""

ERROR_TEXT_LIMIT = 2000  # characters of a handler's error kept with the count and the dead letter


@dataclass(slots=True)
class _Delivery:
    tag: int
    body: bytes
    properties: pika.spec.BasicProperties
    event: CloudEvent | None = None
    due: float = 0.0  # time.monotonic() at which a held message is tried again


@dataclass(slots=True)
class _Outcome:
    """What the worker decided for a batch; the connection's thread carries it out."""

    ack: list[_Delivery] = field(default_factory=list)
    reject: list[_Delivery] = field(default_factory=list)  # not a valid event: dead-lettered at once
    dead: list[tuple[_Delivery, int, str]] = field(default_factory=list)  # failed delivery_limit times
    retry: list[_Delivery] = field(default_factory=list)  # failed; hold until ``due``
    hand_back: list[_Delivery] = field(default_factory=list)  # stopping while the database is away

    def merge(self, other: _Outcome) -> None:
        self.ack += other.ack
        self.reject += other.reject
        self.dead += other.dead
        self.retry += other.retry
        self.hand_back += other.hand_back


class _HandlerFailed(Exception):
    """The handler of ``events[index]`` raised (the original exception is the cause)."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


class _Halted(Exception):
    """Stopping (or the connection is gone) while waiting for the database."""


class InboxConsumer:
    """Consumes ``topology.inbox_queue`` and applies each event once through ``handlers``.

    ``handlers`` maps event types to :data:`Handler`; an event of a type without one is acked and
    not recorded (consumers tolerate unknown types). ``name`` keys the inbox rows, so two consumers
    sharing a database keep separate records. ``inbox_table`` comes from
    :func:`servicekit.outbox.define_inbox`, which also defines the failures table beside it in the
    same metadata (both must exist in the database).

    Up to ``prefetch`` messages (default ``2 * batch_size``) are delivered ahead; up to ``batch_size``
    of those are applied per transaction, in a worker thread; an idle consumer waits
    ``poll_interval`` seconds at a time for messages (serving heartbeats meanwhile); ``backoff``
    spaces reconnections and retries while the database is away. A failed handler is tried again
    after ``retry_delay * retry_factor**(failures - 1)`` seconds, at most ``retry_max_delay``, and
    dead-lettered at ``topology.delivery_limit`` failures (see the module's documentation).
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
        prefetch: int | None = None,
        batch_size: int = 250,
        poll_interval: float = 0.2,
        backoff: Backoff | None = None,
        retry_delay: float = 1.0,
        retry_factor: float = 4.0,
        retry_max_delay: float = 300.0,
    ) -> None:
        unbound = sorted(set(handlers) - set(topology.consumes))
        if unbound:
            raise ValueError(f"handlers for types the topology does not consume: {', '.join(unbound)}")
        prefetch = 2 * batch_size if prefetch is None else prefetch
        if not 1 <= batch_size <= prefetch:
            raise ValueError("need 1 <= batch_size <= prefetch")
        if not (0 < retry_delay <= retry_max_delay and retry_factor >= 1):
            raise ValueError("need 0 < retry_delay <= retry_max_delay and retry_factor >= 1")
        self.engine = engine
        self.inbox = inbox_table
        self.failures = define_inbox_failures(inbox_table.metadata, inbox_table.name)
        self.topology = topology
        self.handlers = dict(handlers)
        self.name = name
        self.prefetch = prefetch
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.backoff = backoff or Backoff()
        # The worker's waits for the database grow on their own, apart from the reconnections.
        self._database_backoff = Backoff(
            self.backoff.initial, self.backoff.maximum, factor=self.backoff.factor, jitter=self.backoff.jitter,
        )
        self.retry_delay = retry_delay
        self.retry_factor = retry_factor
        self.retry_max_delay = retry_max_delay
        self.parameters = connection_parameters(amqp_url, connection_name=f"{topology.service}-consumer-{name}")
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._record_new = (
            dialect.insert(inbox_table)
            .on_conflict_do_nothing()
            .returning(inbox_table.c.source, inbox_table.c.event_id)
        )
        failures = self.failures
        upsert = dialect.insert(failures)
        self._count_failure = upsert.on_conflict_do_update(
            index_elements=[failures.c.consumer, failures.c.source, failures.c.event_id],
            set_={
                "attempts": failures.c.attempts + 1,
                "last_error": upsert.excluded.last_error,
                "last_failed_at": upsert.excluded.last_failed_at,
            },
        ).returning(failures.c.attempts)
        # Keys of events that failed and are not applied yet: their failure rows go when they are.
        # Touched by the worker thread only.
        self._failed_keys: set[tuple[str, str]] = set()

    def run(self, stop_event: threading.Event | None = None) -> None:
        """Consume until ``stop_event`` is set (forever without one), reconnecting with backoff."""
        stop = stop_event or threading.Event()
        log.info("consumer started", extra={"queue": self.topology.inbox_queue, "consumer": self.name})
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"consumer-{self.name}") as worker:
            while not stop.is_set():
                try:
                    self._consume(stop, worker)
                except TopologyMissing as exc:
                    log.error(str(exc), extra={"queue": self.topology.inbox_queue})
                except pika.exceptions.AMQPError as exc:
                    # Channel errors too: a persistent one is logged at each reconnection.
                    if not stop.is_set():
                        log.warning("consumer lost its connection", extra={"reason": repr(exc)})
                if stop.is_set():
                    break
                delay = self.backoff.next_delay()
                log.warning("consumer reconnecting", extra={"delay_seconds": round(delay, 2)})
                stop.wait(delay)  # no connection is open here, so nothing needs heartbeats
        log.info("consumer stopped", extra={"consumer": self.name})

    # --- the connection's thread ----------------------------------------------------------------

    def _consume(self, stop: threading.Event, worker: ThreadPoolExecutor) -> None:
        """One connection's life: check the topology, consume, hand batches to the worker, settle their outcomes."""
        connection = pika.BlockingConnection(self.parameters)
        gone = threading.Event()  # this connection is over: a worker waiting for the database gives up
        work: Future[_Outcome] | None = None
        try:
            self._check_topology(connection)
            channel = connection.channel()
            channel.basic_qos(prefetch_count=self.prefetch)
            dead_channel = connection.channel()
            dead_channel.confirm_delivery()
            delivered: deque[_Delivery] = deque()
            held: list[_Delivery] = []  # failed, waiting for their next attempt
            unsettled: set[int] = set()  # every delivery tag not acked or refused yet

            def on_message(_ch: BlockingChannel, method: pika.spec.Basic.Deliver,
                           properties: pika.spec.BasicProperties, body: bytes) -> None:
                delivered.append(_Delivery(method.delivery_tag, body, properties))
                unsettled.add(method.delivery_tag)

            cancelled = threading.Event()
            consumer_tag: str | None = channel.basic_consume(self.topology.inbox_queue, on_message)
            channel.add_on_cancel_callback(lambda _frame: cancelled.set())  # e.g. the queue was deleted
            self.backoff.reset()
            log.info("consumer connected", extra={"queue": self.topology.inbox_queue})
            halted = lambda: stop.is_set() or gone.is_set()  # noqa: E731

            while True:
                if work is not None and work.done():
                    self._settle(channel, dead_channel, work.result(), held, unsettled)
                    work = None
                if cancelled.is_set():
                    log.warning("broker cancelled the consumer", extra={"queue": self.topology.inbox_queue})
                    return  # closing hands back whatever is unsettled
                if stop.is_set() and consumer_tag is not None:
                    # Graceful stop: no more deliveries; finish what was delivered, hand back the held.
                    channel.basic_cancel(consumer_tag)
                    consumer_tag = None
                if work is None:
                    batch = self._next_batch(delivered, held, stopping=stop.is_set())
                    if batch:
                        work = worker.submit(self._work, batch, halted)
                        work.add_done_callback(lambda _f: _wake(connection))
                    elif stop.is_set():
                        for delivery in held:  # a graceful stop: they come back, to this or another replica
                            channel.basic_nack(delivery.tag, requeue=True)
                        return
                connection.process_data_events(time_limit=self._wait_time(held, busy=work is not None))
        finally:
            gone.set()
            if work is not None:
                work.cancel()  # not started yet: nothing to undo; started: its outcome is dropped
            if connection.is_open:
                try:
                    connection.close()
                except pika.exceptions.AMQPError:
                    pass  # closing a connection that is going anyway

    def _check_topology(self, connection: pika.BlockingConnection) -> None:
        """Check, passively, that the ``topology`` step declared the inbox and the dead-letter exchange.

        The consumer never creates or changes an exchange, a queue or a binding: a consumer that
        declared them would recreate a queue an operator deleted, put back a binding taken away, and
        on a broker whose topology is older than the release fail on its arguments. A missing one
        raises :class:`TopologyMissing`, naming the step to run; :meth:`run` logs it and tries again
        with backoff, so a consumer started before the step (a Kubernetes Job) starts once it ran.
        """
        channel = connection.channel()
        try:
            channel.queue_declare(self.topology.inbox_queue, passive=True)
            channel.exchange_declare(self.topology.dead_exchange, passive=True)
        except pika.exceptions.ChannelClosedByBroker as error:
            if error.reply_code != NOT_FOUND:
                raise
            raise TopologyMissing(
                f"{self.topology.service} consumer: {error.reply_text}; run `{self.topology.service} topology` "
                "first (the consumer declares nothing itself); trying again"
            ) from error
        channel.close()

    def _next_batch(self, delivered: deque[_Delivery], held: list[_Delivery], *, stopping: bool) -> list[_Delivery]:
        """Up to ``batch_size`` deliveries: the held ones whose time has come first, then new ones."""
        batch: list[_Delivery] = []
        if held and not stopping:
            now = time.monotonic()
            due = [d for d in held if d.due <= now][: self.batch_size]
            if due:
                chosen = {d.tag for d in due}
                held[:] = [d for d in held if d.tag not in chosen]
                batch += due
        while delivered and len(batch) < self.batch_size:
            batch.append(delivered.popleft())
        return batch

    def _wait_time(self, held: list[_Delivery], *, busy: bool) -> float:
        """How long the connection's thread may wait in pika (deliveries and the worker wake it)."""
        if busy or not held:
            return self.poll_interval
        return min(self.poll_interval, max(0.0, min(d.due for d in held) - time.monotonic()))

    def _settle(
        self, channel: BlockingChannel, dead_channel: BlockingChannel, outcome: _Outcome,
        held: list[_Delivery], unsettled: set[int],
    ) -> None:
        """Carry out the worker's decisions for one batch."""
        for delivery in outcome.reject:
            channel.basic_nack(delivery.tag, requeue=False)
            unsettled.discard(delivery.tag)
        acks = list(outcome.ack)
        for delivery, attempts, error in outcome.dead:
            if self._dead_letter(dead_channel, delivery, attempts, error):
                acks.append(delivery)
            else:  # the dead copy was not confirmed: keep the message and try again later
                delivery.due = time.monotonic() + self.retry_max_delay
                held.append(delivery)
        held.extend(outcome.retry)
        for delivery in outcome.hand_back:
            channel.basic_nack(delivery.tag, requeue=True)
            unsettled.discard(delivery.tag)
        if not acks:
            return
        tags = {d.tag for d in acks}
        highest = max(tags)
        unsettled -= tags
        if not any(tag < highest for tag in unsettled):
            channel.basic_ack(highest, multiple=True)  # the usual case: one ack for the whole batch
        else:  # a held or refused message lies below: ack one by one, never it
            for tag in sorted(tags):
                channel.basic_ack(tag)

    def _dead_letter(self, dead_channel: BlockingChannel, delivery: _Delivery, attempts: int, error: str) -> bool:
        """Publish ``delivery`` to the dead-letter exchange, confirmed; False if the broker refused it."""
        original = delivery.properties
        headers = dict(original.headers or {})
        headers.update({
            "x-servicekit-reason": "handler-failed",
            "x-servicekit-error": error,
            "x-servicekit-attempts": attempts,
            "x-servicekit-consumer": self.name,
            "x-servicekit-queue": self.topology.inbox_queue,
            "x-servicekit-dead-at": datetime.now(UTC).isoformat(),
        })
        properties = pika.BasicProperties(
            content_type=original.content_type, content_encoding=original.content_encoding, headers=headers,
            delivery_mode=2, priority=original.priority, correlation_id=original.correlation_id,
            message_id=original.message_id, timestamp=original.timestamp, type=original.type,
            app_id=original.app_id,
        )
        try:
            dead_channel.basic_publish(
                self.topology.dead_exchange, self.topology.inbox_queue, delivery.body, properties, mandatory=True,
            )
        except (pika.exceptions.UnroutableError, pika.exceptions.NackError):
            log.error("dead-letter queue refused a message; keeping it", extra={"queue": self.topology.dead_queue})
            return False
        event = delivery.event
        log.error(
            "event failed too many times: dead-lettered",
            extra={"event_id": event.id if event else None, "event_type": event.type if event else None,
                   "attempts": attempts, "error": error[:500]},
        )
        return True

    # --- the worker thread ----------------------------------------------------------------------

    def _work(self, batch: Sequence[_Delivery], halted: Callable[[], bool]) -> _Outcome:
        """Apply ``batch`` (in delivery order); returns what to do with each delivery."""
        outcome = _Outcome()
        to_apply: list[_Delivery] = []
        for delivery in batch:
            if delivery.event is None:
                try:
                    delivery.event = parse(delivery.body)
                except (InvalidEvent, RecursionError) as exc:  # RecursionError: JSON nested too deep
                    log.error("message is not a valid event: dead-lettered", extra={"error": str(exc)[:500]})
                    outcome.reject.append(delivery)
                    continue
            delivery.event = _marked(delivery.event, delivery.properties)
            if delivery.event.type not in self.handlers:
                # No inbox row: a handler added later must still apply it when it is replayed.
                log.debug("no handler for event type; acked", extra={"event_type": delivery.event.type})
                outcome.ack.append(delivery)
                continue
            to_apply.append(delivery)
        try:
            outcome.merge(self._apply_deliveries(to_apply, halted))
        except _Halted:
            outcome.hand_back += to_apply
        return outcome

    def _apply_deliveries(self, deliveries: Sequence[_Delivery], halted: Callable[[], bool]) -> _Outcome:
        """Apply in one transaction; set aside the ones that fail. Raises :class:`_Halted`."""
        outcome = _Outcome()
        pending = list(deliveries)
        while pending:
            try:
                self._apply(pending)
            except Exception as exc:
                if self._is_outage(exc):
                    self._wait_for_database(halted)
                    continue  # the same events again: nothing was wrong with them
                if isinstance(exc, _HandlerFailed):
                    index = exc.index
                elif len(pending) == 1:
                    index = 0
                else:  # not a handler (say, an id too long for the inbox): find the culprit one at a time
                    for one in pending:
                        outcome.merge(self._apply_deliveries([one], halted))
                    return outcome
                failed = pending.pop(index)  # its neighbours were rolled back with it: apply them again
                self._failed(failed, exc.__cause__ or exc, outcome, halted)
                continue
            self._database_backoff.reset()
            outcome.ack += pending
            return outcome
        return outcome

    def _apply(self, deliveries: Sequence[_Delivery]) -> None:
        """Record the events in the inbox and run the handlers of the new ones; commit once."""
        events = [d.event for d in deliveries if d.event is not None]
        with Session(self.engine) as session, session.begin():
            new = self._record(session, events)
            for index, event in enumerate(events):
                if event.dedup_key not in new:
                    log.debug("duplicate event skipped", extra={"event_id": event.id, "source": event.source})
                    continue
                new.discard(event.dedup_key)  # a second copy in the same batch is a duplicate too
                try:
                    with correlation.bound(event.correlationid):
                        self.handlers[event.type](session, event)
                except Exception as exc:
                    raise _HandlerFailed(index) from exc
            self._forget_failures(session, [e.dedup_key for e in events if e.dedup_key in self._failed_keys])
        self._failed_keys.difference_update(e.dedup_key for e in events)

    def _record(self, session: Session, events: Sequence[CloudEvent]) -> set[tuple[str, str]]:
        """Insert the inbox rows; returns the keys that were not there yet (the events to apply)."""
        if not events:
            return set()
        now = datetime.now(UTC)
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for event in events:
            rows.setdefault(event.dedup_key, {
                "consumer": self.name, "source": event.source, "event_id": event.id,
                "event_type": event.type, "received_at": now,
            })
        inserted = session.execute(self._record_new, list(rows.values()))
        return {(source, event_id) for source, event_id in inserted}

    def _failed(self, delivery: _Delivery, error: BaseException, outcome: _Outcome, halted: Callable[[], bool]) -> None:
        """Count one real failure of ``delivery`` and decide: try again later, or dead-letter it."""
        event = delivery.event
        assert event is not None
        text_of_error = f"{type(error).__name__}: {error}"[:ERROR_TEXT_LIMIT]
        while True:
            try:
                attempts = self._count(event, text_of_error)
                break
            except Exception as exc:
                if not self._is_outage(exc):  # cannot even be counted (say, an id too long): give up on it
                    log.error("failure of an event cannot be recorded", exc_info=exc, extra={"event_id": event.id})
                    outcome.dead.append((delivery, self.topology.delivery_limit, text_of_error))
                    return
                self._wait_for_database(halted)
        if attempts >= self.topology.delivery_limit:
            self._failed_keys.discard(event.dedup_key)
            outcome.dead.append((delivery, attempts, text_of_error))
            return
        delay = min(self.retry_max_delay, self.retry_delay * self.retry_factor ** (attempts - 1))
        log.warning(
            "event failed; it is tried again later",
            exc_info=error,
            extra={"event_id": event.id, "event_type": event.type, "source": event.source,
                   "attempts": attempts, "retry_in_seconds": round(delay, 2)},
        )
        self._failed_keys.add(event.dedup_key)
        delivery.due = time.monotonic() + delay
        outcome.retry.append(delivery)

    def _count(self, event: CloudEvent, error: str) -> int:
        """Add one failure of ``event`` in a transaction of its own; returns the failures so far.

        At the last one allowed the row goes in the same transaction: what is dead-lettered is forgotten,
        so a copy sent back from the dead-letter queue gets every attempt again.
        """
        now = datetime.now(UTC)
        with Session(self.engine) as session, session.begin():
            attempts = session.execute(self._count_failure, {
                "consumer": self.name, "source": event.source, "event_id": event.id, "event_type": event.type,
                "attempts": 1, "last_error": error, "first_failed_at": now, "last_failed_at": now,
            }).scalar_one()
            if attempts >= self.topology.delivery_limit:
                self._forget_failures(session, [event.dedup_key])
        return attempts

    def _forget_failures(self, session: Session, keys: Iterable[tuple[str, str]]) -> None:
        keys = list(keys)
        if not keys:
            return
        failures = self.failures
        session.execute(delete(failures).where(
            failures.c.consumer == self.name,
            or_(*(and_(failures.c.source == source, failures.c.event_id == event_id) for source, event_id in keys)),
        ))

    def _is_outage(self, exc: BaseException) -> bool:
        """True when the database, not the event, is the trouble: a cut connection, or no answer."""
        seen: BaseException | None = exc
        while seen is not None:
            if isinstance(seen, DBAPIError) and seen.connection_invalidated:
                return True
            seen = seen.__cause__ or seen.__context__
        return not self._database_reachable()

    def _database_reachable(self) -> bool:
        try:
            with self.engine.connect() as db:
                db.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def _wait_for_database(self, halted: Callable[[], bool]) -> None:
        """Wait a backoff delay before trying the batch again (unacked, so it counts no attempt)."""
        delay = self._database_backoff.next_delay()
        log.warning("database unreachable; holding the batch", extra={"delay_seconds": round(delay, 2)})
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline:
            if halted():
                raise _Halted()
            time.sleep(min(0.1, max(deadline - time.monotonic(), 0)))
        if halted():
            raise _Halted()


def _marked(event: CloudEvent, properties: pika.spec.BasicProperties) -> CloudEvent:
    """The event with ``replay`` set from the delivery's ``x-replay`` header, so that a handler can
    tell the past a replay sends (for its copies alike) from what happens now (for acting on it)."""
    replay = (properties.headers or {}).get(REPLAY_HEADER) if properties is not None else None
    if isinstance(replay, bytes):
        replay = replay.decode("utf-8", "replace")
    if not replay or event.replay == replay:
        return event
    return dataclasses.replace(event, replay=str(replay))


def _wake(connection: pika.BlockingConnection) -> None:
    """Wake the connection's thread out of ``process_data_events`` (the one thread-safe pika call)."""
    try:
        connection.add_callback_threadsafe(lambda: None)
    except Exception:  # noqa: BLE001 - the connection is closed: its thread is not waiting any more
        pass


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
