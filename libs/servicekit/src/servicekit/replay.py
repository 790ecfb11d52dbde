"""Replaying events to one consumer: a service that joins later, or whose copy was lost.

The relay publishes each event once, to the producer's exchange, where every bound consumer gets
its copy. A consumer that binds later gets nothing of the past, and publishing the past to the
exchange again would give every other consumer a second copy of everything. A replay instead
publishes straight to one consumer's queue, ``<consumer>.inbox``, through the default exchange
(whose routing key is a queue name): no other queue can see a copy.

Two kinds:

- :func:`replay_history` sends outbox rows (the events as they were published, original ids
  included), oldest first, filtered by type and by the time they were written.
- :func:`replay_state` sends the current state of the producer's entities: events the service
  builds from its tables (fresh ids, each carrying the entity's ``version``), read in one
  consistent snapshot.

Which one: history keeps the original event ids, so a consumer that has the event in its inbox
already skips it as a duplicate. That is right for a newcomer (its inbox is empty) and for events
a consumer never received, but it cannot rebuild a copy that was lost while the inbox table
remained: every replayed event would be skipped. **To rebuild a lost or damaged copy, replay the
state**: its events are new to every inbox, and the versions they carry (see
:mod:`servicekit.copies`) keep them from overwriting anything newer the consumer has meanwhile
received live. Replaying either kind twice, or while live events flow, is safe for a consumer that
follows the newer-wins rule.

Both publish with publisher confirms and ``mandatory``: the target queue must exist (declared by
the consumer's topology), else :class:`ReplayError` says so before anything is sent; a message the
broker returns or refuses stops the replay with :class:`ReplayError` as well. Each message carries
the AMQP header ``x-replay`` (``history`` or ``state``); the consumer hands it to the handlers as
``CloudEvent.replay``. A copy applies a replayed event like any other; a handler that acts on the
present (notify's messages to people) leaves the past alone.
"""

from __future__ import annotations

import fnmatch
import logging
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import pika
import pika.channel
import pika.exceptions
import pika.frame
import pika.spec
from sqlalchemy import Connection, Engine, false, or_, select

from servicekit.amqp import connection_parameters
from servicekit.envelope import CONTENT_TYPE, CloudEvent
from servicekit.outbox import Outbox
from servicekit.topology import Topology

log = logging.getLogger(__name__)

PERSISTENT = 2
REPLAY_HEADER = "x-replay"
# Characters of an event type, plus the one wildcard a type pattern may use.
_TYPE_PATTERN = re.compile(r"^[a-z0-9_.*]+$")

Snapshot = Callable[[Connection], Iterable[CloudEvent]]
"""Yields the current-state events of a service, reading through the given connection (whose
transaction is one consistent snapshot of the database)."""


class ReplayError(RuntimeError):
    """The replay could not be completed: no such queue, or the broker refused or returned a message.

    ``published`` messages were confirmed before it stopped; replaying again is safe.
    """

    def __init__(self, message: str, published: int = 0) -> None:
        super().__init__(message)
        self.published = published


@dataclass(frozen=True, slots=True)
class _Message:
    event_id: str
    event_type: str
    source: str
    correlation_id: str | None
    body: str


def consumer_queue(consumer: str) -> str:
    """The queue a replay to ``consumer`` goes to: the inbox queue of its topology."""
    return Topology(service=consumer).inbox_queue


def type_matcher(types: Sequence[str]) -> Callable[[str], bool]:
    """A test of event types against ``types``: exact types, or patterns where ``*`` stands for any
    characters (``owners.unit.*``). No types means every type."""
    patterns = _checked(types)
    if not patterns:
        return lambda _type: True
    return lambda event_type: any(fnmatch.fnmatchcase(event_type, p) for p in patterns)


def replay_history(
    engine: Engine,
    outbox: Outbox,
    amqp_url: str,
    *,
    consumer: str,
    types: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    window: int = 1000,
    confirm_timeout: float = 30.0,
) -> int:
    """Publish the outbox's events to ``consumer``'s queue only, oldest first; returns how many.

    ``types`` selects event types (exact, or with ``*``; none means all); ``since`` (inclusive) and
    ``until`` (exclusive) select by the time the event was written to the outbox (time-zone aware).
    Rows not yet published are included: the relay will deliver them again, and the consumer's
    inbox skips the second copy. At most ``window`` messages await their confirm at a time.
    """
    table = outbox.table
    statement = select(table.c.event_id, table.c.event_type, table.c.source, table.c.correlation_id,
                       table.c.body).order_by(table.c.seq)
    patterns = _checked(types)
    if patterns:
        exact = [p for p in patterns if "*" not in p]
        wildcards = [p for p in patterns if "*" in p]
        statement = statement.where(or_(
            table.c.event_type.in_(exact) if exact else false(),
            *(table.c.event_type.like(_like(p), escape="\\") for p in wildcards),
        ))
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise ValueError(f"{name} must carry a time zone")
    if since is not None:
        statement = statement.where(table.c.created_at >= since)
    if until is not None:
        statement = statement.where(table.c.created_at < until)
    queue = consumer_queue(consumer)
    with engine.connect() as db:
        rows = db.execution_options(stream_results=True, yield_per=window).execute(statement)
        messages = (_Message(r.event_id, r.event_type, r.source, r.correlation_id, r.body) for r in rows)
        count = _publish(amqp_url, queue, messages, kind="history", window=window, confirm_timeout=confirm_timeout)
    log.info("history replayed", extra={"queue": queue, "count": count})
    return count


def replay_state(
    engine: Engine,
    amqp_url: str,
    *,
    consumer: str,
    snapshot: Snapshot,
    types: Sequence[str] = (),
    window: int = 1000,
    confirm_timeout: float = 30.0,
) -> int:
    """Publish the current state of the producer's entities to ``consumer``'s queue only.

    ``snapshot`` is the service's own: given a connection, it yields one event per entity (new ids,
    the entity's version in each). It runs in one transaction that sees one consistent state: a
    read-only REPEATABLE READ transaction on PostgreSQL, a read transaction on SQLite. ``types``
    keeps only the events whose type matches. Returns how many events were published.
    """
    keep = type_matcher(types)
    queue = consumer_queue(consumer)
    with engine.connect() as db:
        if db.dialect.name == "postgresql":
            db = db.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            db.begin()
        else:
            # pysqlite opens no transaction for SELECTs: begin one, so every read sees one snapshot.
            db.exec_driver_sql("BEGIN")
        try:
            messages = (_Message(e.id, e.type, e.source, e.correlationid, e.to_json())
                        for e in snapshot(db) if keep(e.type))
            count = _publish(amqp_url, queue, messages, kind="state", window=window, confirm_timeout=confirm_timeout)
        finally:
            db.rollback()
    log.info("state replayed", extra={"queue": queue, "count": count})
    return count


def _checked(types: Sequence[str]) -> list[str]:
    if isinstance(types, str):
        raise TypeError("types is a sequence of event types, not one string")
    for pattern in types:
        if not _TYPE_PATTERN.match(pattern):
            raise ValueError(f"{pattern!r} is not an event type or a pattern of one (letters, digits, _ . and *)")
    return list(types)


def _like(pattern: str) -> str:
    """A type pattern as SQL LIKE: ``*`` is ``%``; ``_`` (common in types) is literal."""
    return pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%")


def _publish(amqp_url: str, queue: str, messages: Iterable[_Message], *, kind: str, window: int,
             confirm_timeout: float) -> int:
    if window < 1:
        raise ValueError("window must be at least 1")
    parameters = connection_parameters(amqp_url, connection_name=f"replay-to-{queue}")
    return _QueuePublisher(parameters, queue, iter(messages), kind, window, confirm_timeout).run()


class _QueuePublisher:
    """Publishes messages to one queue through the default exchange, ``window`` unconfirmed at a time.

    A pika ``SelectConnection`` so that confirms are pipelined (a blocking channel waits for each
    confirm in turn: one broker round trip, on a quorum queue a replicated write, per message).
    """

    def __init__(self, parameters: pika.URLParameters, queue: str, messages: Iterator[_Message], kind: str,
                 window: int, confirm_timeout: float) -> None:
        self.parameters = parameters
        self.queue = queue
        self.messages = messages
        self.kind = kind
        self.window = window
        self.confirm_timeout = confirm_timeout
        self.channel: pika.channel.Channel | None = None
        self.unconfirmed: deque[int] = deque()  # delivery tags, oldest first
        self.next_tag = 1
        self.confirmed = 0
        self.exhausted = False
        self.done = False
        self.error: str | None = None
        self.failure: BaseException | None = None  # raised by the messages' source (say, the database)
        self.timer: object = None
        self.connection: pika.SelectConnection | None = None

    def run(self) -> int:
        self.connection = pika.SelectConnection(
            self.parameters, on_open_callback=self._on_open, on_open_error_callback=self._on_open_error,
            on_close_callback=self._on_closed,
        )
        try:
            self.connection.ioloop.start()
        finally:
            self.connection.ioloop.close()
        if self.failure is not None:
            raise self.failure
        if self.error is not None:
            raise ReplayError(self.error, self.confirmed)
        return self.confirmed

    def _on_open(self, connection: pika.SelectConnection) -> None:
        connection.channel(on_open_callback=self._on_channel_open)

    def _on_open_error(self, _connection: pika.SelectConnection, error: BaseException | str) -> None:
        self.error = f"cannot connect to the broker: {error}"
        assert self.connection is not None
        self.connection.ioloop.stop()

    def _on_channel_open(self, channel: pika.channel.Channel) -> None:
        self.channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        # Passive: the queue must exist already; the consumer's topology declares it, not a replay.
        channel.queue_declare(self.queue, passive=True, callback=self._on_queue_found)

    def _on_queue_found(self, _frame: pika.frame.Method) -> None:
        assert self.channel is not None
        self.channel.confirm_delivery(self._on_confirm, callback=lambda _frame: self._fill())

    def _fill(self) -> None:
        """Publish until the window is full or the messages run out; finish once all are confirmed."""
        assert self.channel is not None and self.connection is not None
        while not self.exhausted and len(self.unconfirmed) < self.window and self.error is None:
            try:
                message = next(self.messages, None)
            except Exception as exc:  # reading the source failed: stop, and raise it from run()
                self.failure = exc
                self.error = "the replay's source failed"
                self._close()
                return
            if message is None:
                self.exhausted = True
                break
            properties = pika.BasicProperties(
                message_id=message.event_id, type=message.event_type, app_id=message.source,
                correlation_id=message.correlation_id, content_type=CONTENT_TYPE, delivery_mode=PERSISTENT,
                headers={REPLAY_HEADER: self.kind},
            )
            self.channel.basic_publish("", self.queue, message.body.encode(), properties, mandatory=True)
            self.unconfirmed.append(self.next_tag)
            self.next_tag += 1
        self._restart_timer()
        if self.exhausted and not self.unconfirmed and not self.done:
            self.done = True
            self._close()

    def _on_confirm(self, frame: pika.frame.Method) -> None:
        method = frame.method
        if isinstance(method, pika.spec.Basic.Nack):
            self.error = f"the broker refused a message for {self.queue} (is the queue full?)"
            self._close()
            return
        if method.multiple:
            while self.unconfirmed and self.unconfirmed[0] <= method.delivery_tag:
                self.unconfirmed.popleft()
                self.confirmed += 1
        elif method.delivery_tag in self.unconfirmed:
            self.unconfirmed.remove(method.delivery_tag)
            self.confirmed += 1
        if self.error is None:
            self._fill()

    def _on_return(self, _channel: pika.channel.Channel, method: pika.spec.Basic.Return,
                   properties: pika.spec.BasicProperties, _body: bytes) -> None:
        # The broker returns a message before confirming it: the queue went away during the replay.
        self.error = (f"queue {self.queue} did not take event {properties.message_id} "
                      f"({method.reply_code} {method.reply_text})")
        self._close()

    def _restart_timer(self) -> None:
        assert self.connection is not None
        if self.timer is not None:
            self.connection.ioloop.remove_timeout(self.timer)
            self.timer = None
        if self.unconfirmed:
            self.timer = self.connection.ioloop.call_later(self.confirm_timeout, self._on_confirm_timeout)

    def _on_confirm_timeout(self) -> None:
        self.timer = None
        self.error = f"the broker did not confirm within {self.confirm_timeout:.0f} s"
        self._close()

    def _on_channel_closed(self, _channel: pika.channel.Channel, reason: BaseException) -> None:
        if isinstance(reason, pika.exceptions.ChannelClosedByBroker) and self.error is None:
            if reason.reply_code == 404:
                self.error = (f"no queue {self.queue}: the consumer's topology must be declared before a "
                              "replay (nothing was sent)")
            else:
                self.error = f"the broker closed the channel: {reason.reply_code} {reason.reply_text}"
        self._close()

    def _close(self) -> None:
        assert self.connection is not None
        if not (self.connection.is_closing or self.connection.is_closed):
            self.connection.close()

    def _on_closed(self, _connection: pika.SelectConnection, reason: BaseException) -> None:
        if not self.done and self.error is None:
            self.error = f"lost the connection to the broker: {reason}"
        assert self.connection is not None
        self.connection.ioloop.stop()

