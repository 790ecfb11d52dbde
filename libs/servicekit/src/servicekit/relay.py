"""The outbox relay: the process that publishes a service's outbox rows to RabbitMQ.

A batch at a time, the relay claims the oldest unpublished rows, publishes them all with publisher
confirms pipelined (the whole batch in flight, then the broker's acks), and only when every message
of the batch is confirmed marks the rows published, in the transaction that claimed them. On
PostgreSQL the next batch is claimed and published while the previous one waits for its confirms.

Order: rows go out in outbox ``seq`` (commit) order, so the events of one entity arrive in the order
they were written. Any number of relay replicas may run; one is active, holding the lease of
:mod:`servicekit.leadership` (an advisory lock on PostgreSQL, a lock file on SQLite), and the others
stand by and take over within seconds once it dies. A batch is committed only after every batch
before it: when the broker refuses a message (nack), the batch and every later batch in flight are
rolled back and go out again, in order. Claims wait for rows another transaction still holds (a
former active relay's batch), so a takeover does not overtake its predecessor either.

Delivery is at least once. If the relay dies, the broker nacks, or the connection drops after
publishing but before the commit, the rows stay unpublished and go out again later; consumers
deduplicate by ``source`` + ``id`` (see :mod:`servicekit.consumer`).

The relay declares nothing: the service's ``topology`` step (:func:`servicekit.topology.setup_topology`)
did, and on connecting the relay only checks that its exchange and alternate exchange exist.

One connection, one thread: a pika ``SelectConnection`` whose I/O loop also runs the (short)
database work, so heartbeats keep flowing while the relay waits.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pika
import pika.channel
import pika.exceptions
import pika.frame
import pika.spec
from sqlalchemy import BigInteger, Connection, Engine, Row, any_, bindparam, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from servicekit.amqp import Backoff, connection_parameters, stop_on_signals
from servicekit.db import is_postgres
from servicekit.envelope import CONTENT_TYPE
from servicekit.leadership import Lease, lease_for
from servicekit.outbox import Outbox
from servicekit.topology import NOT_FOUND, Topology

log = logging.getLogger(__name__)

PERSISTENT = 2  # AMQP delivery mode: written to disk by the broker
STOP_CHECK_SECONDS = 0.1


class _LeaseLost(Exception):
    """The relay's lease ended (its lock connection broke): stop publishing, stand by again."""


class OutboxRelay:
    """Publishes the rows of ``outbox`` to ``topology.exchange``, oldest first.

    Each message's routing key is its event type and its body the stored CloudEvent JSON; the AMQP
    properties mirror the envelope (``message_id``, ``type``, ``app_id``, ``correlation_id``).

    Nothing is marked published that no queue took. An event no binding takes goes to the
    exchange's alternate exchange, ``<service>.unrouted``, whose queue keeps it: for the relay that
    is a delivery like any other. A message the broker still returns as unroutable (published
    ``mandatory``: the alternate exchange or its queue is missing) is treated like a nack: its batch
    and every later one are rolled back, an error is logged, and the relay holds back and tries
    again with growing delays until the topology step has been run.

    Several replicas may run for one database: only the holder of the lease publishes (see the
    module's docstring); a standby tries to take it every ``standby_interval`` seconds.

    ``batch_size`` rows are claimed (and confirmed) at a time; an idle relay looks for new rows every
    ``poll_interval`` seconds; a batch not confirmed within ``confirm_timeout`` seconds is rolled
    back and the connection reopened; ``backoff`` spaces reconnections and retries after failures.
    """

    def __init__(
        self,
        engine: Engine,
        outbox: Outbox,
        amqp_url: str,
        topology: Topology,
        *,
        batch_size: int = 2000,
        poll_interval: float = 0.2,
        confirm_timeout: float = 30.0,
        standby_interval: float = 1.0,
        backoff: Backoff | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.engine = engine
        self.outbox = outbox
        self.topology = topology
        self.batch_size = batch_size
        # While one batch waits for its confirms the next is claimed and published, so the broker
        # and the database work at the same time. On SQLite (no row locks), one batch at a time.
        self.pipeline_depth = 2 if is_postgres(engine) else 1
        self.poll_interval = poll_interval
        self.confirm_timeout = confirm_timeout
        self.standby_interval = standby_interval
        self.backoff = backoff or Backoff()
        self.parameters = connection_parameters(amqp_url, connection_name=f"{topology.service}-relay")
        self.holder = f"{topology.service}-relay pid {os.getpid()} on {socket.gethostname()}"
        self.lease: Lease = lease_for(engine, f"{outbox.table.name}-relay", holder=self.holder)
        table = outbox.table
        # Rows after those in flight (``after`` is the last seq in flight, or 0), oldest first. FOR
        # UPDATE without SKIP LOCKED: a row still locked by another transaction (a former active
        # relay's batch) is waited for, never overtaken; ours in flight are excluded by ``after``.
        self._claim = (
            select(table.c.seq, table.c.event_id, table.c.event_type, table.c.source,
                   table.c.correlation_id, table.c.body)
            .where(table.c.published_at.is_(None), table.c.seq > bindparam("after"))
            .order_by(table.c.seq)
            .limit(batch_size)
            .with_for_update()  # rendered on PostgreSQL, left out on SQLite
        )
        if is_postgres(engine):
            # One array parameter: a thousand-item IN list costs more to send and parse than to run.
            claimed = table.c.seq == any_(bindparam("seqs", type_=postgresql.ARRAY(BigInteger)))
        else:
            claimed = table.c.seq.in_(bindparam("seqs", expanding=True))
        self._mark = update(table).where(claimed).values(published_at=bindparam("published_at"))

    def run(self, stop_event: threading.Event | None = None) -> None:
        """Publish until ``stop_event`` is set (forever without one): stand by until this replica
        holds the lease, then publish, reconnecting with backoff, for as long as it holds it.

        Batches in flight when the event is set are finished (confirmed and marked) before returning.
        """
        stop = stop_event or threading.Event()
        log.info("relay started", extra={"exchange": self.topology.exchange, "holder": self.holder})
        standing_by = False
        while not stop.is_set():
            try:
                active = self.lease.try_acquire()
            except SQLAlchemyError as error:
                delay = self.backoff.next_delay()
                log.warning("relay cannot reach the database", extra={"error": str(error), "delay_seconds": delay})
                stop.wait(delay)
                continue
            if not active:
                if not standing_by:
                    log.info("relay standing by: another relay is active", extra={"exchange": self.topology.exchange})
                    standing_by = True
                stop.wait(self.standby_interval)
                continue
            standing_by = False
            log.info("relay active", extra={"exchange": self.topology.exchange, "holder": self.holder})
            try:
                self._publish_while_active(stop)
            finally:
                self.lease.release()
        log.info("relay stopped")

    def _publish_while_active(self, stop: threading.Event) -> None:
        while not stop.is_set():
            connection = _RelayConnection(self, stop)
            connection.run()
            if connection.lease_lost:
                log.error("relay lost its lease (its database connection ended); standing by")
                return
            if stop.is_set():
                return
            delay = self.backoff.next_delay()
            log.warning("relay reconnecting", extra={"delay_seconds": round(delay, 2)})
            stop.wait(delay)  # no connection is open here, so nothing needs heartbeats

    def _claim_rows(self, after: int) -> tuple[Connection, Sequence[Row]] | None:
        """Open a transaction and claim the pending rows after seq ``after``; None (and no
        transaction) if none. Raises :class:`_LeaseLost` if this relay is no longer the active one."""
        db = self.engine.connect()
        try:
            db.begin()
            if not self.lease.still_held(db):
                raise _LeaseLost
            rows = db.execute(self._claim, {"after": after}).all()
        except BaseException:
            db.close()
            raise
        if not rows:
            db.close()
            return None
        return db, rows

    def _mark_published(self, db: Connection, seqs: Sequence[int]) -> None:
        """Mark confirmed rows published in the claiming transaction (the caller commits).

        The fault tests replace this step to kill the relay exactly between publish and mark.
        """
        db.execute(self._mark, {"seqs": list(seqs), "published_at": datetime.now(UTC)})


class _Batch:
    """Claimed rows in flight: the transaction holding them, and what the broker has said so far."""

    def __init__(self, db: Connection, rows: Sequence[Row], first_tag: int) -> None:
        self.db = db
        self.rows = rows
        self.first_tag = first_tag  # delivery tag of rows[0]; the others follow one by one
        self.confirmed = bytearray(len(rows))
        self.unconfirmed = len(rows)
        self.lowest_unconfirmed = 0
        self.nacked = 0
        self.timer: object = None  # the confirm timeout

    @property
    def last_seq(self) -> int:
        return self.rows[-1].seq

    def holds_any(self, event_ids: set[str]) -> bool:
        """Whether one of ``event_ids`` is in the batch: one pass, done once per batch, not per id."""
        return bool(event_ids) and any(row.event_id in event_ids for row in self.rows)

    def settle(self, delivery_tag: int, multiple: bool, acked: bool) -> None:
        """Record a broker ack or nack; ``multiple`` covers every tag up to ``delivery_tag``."""
        position = delivery_tag - self.first_tag
        if multiple:
            first, last = self.lowest_unconfirmed, min(position, len(self.rows) - 1)
        elif 0 <= position < len(self.rows):
            first = last = position
        else:
            return  # another batch's
        for index in range(first, last + 1):
            if not self.confirmed[index]:
                self.confirmed[index] = 1
                self.unconfirmed -= 1
                if not acked:
                    self.nacked += 1
        while self.lowest_unconfirmed < len(self.rows) and self.confirmed[self.lowest_unconfirmed]:
            self.lowest_unconfirmed += 1

    @property
    def settled(self) -> bool:
        return self.unconfirmed == 0

    def abandon(self) -> None:
        """Roll back: the rows stay unpublished and will be claimed again."""
        try:
            self.db.close()
        except SQLAlchemyError:
            log.warning("rollback failed; the database drops the transaction itself", exc_info=True)


class _RelayConnection:
    """One connection's life: open, check the exchanges, confirm mode, then publish batches until closed.

    Never reused: after it closes, the relay waits and builds a new one, so no state (delivery
    tags, half-confirmed batches) survives a reconnection.
    """

    def __init__(self, relay: OutboxRelay, stop: threading.Event) -> None:
        self.relay = relay
        self.stop = stop
        self.channel: pika.channel.Channel | None = None
        self.in_flight: deque[_Batch] = deque()  # oldest first
        # Ids of messages the broker returned (unroutable): their batches are rolled back when they
        # finish. A set, so a return costs the same whatever the batch size.
        self.returned_ids: set[str] = set()
        self.lease_lost = False
        self.next_tag = 1  # the broker numbers confirms 1, 2, ... per channel in publish order
        self.hold_until = 0.0  # after a failure, claim nothing before this (monotonic) time
        self.tick_timer: object = None
        self.connection = pika.SelectConnection(
            relay.parameters,
            on_open_callback=self._on_open,
            on_open_error_callback=self._on_open_error,
            on_close_callback=self._on_closed,
        )
        self.ioloop = self.connection.ioloop

    def run(self) -> None:
        try:
            self.ioloop.start()
        finally:
            self.ioloop.close()

    # --- connecting -------------------------------------------------------------------------

    def _on_open(self, connection: pika.SelectConnection) -> None:
        connection.channel(on_open_callback=self._on_channel_open)

    def _on_open_error(self, _connection: pika.SelectConnection, error: BaseException | str) -> None:
        log.warning("relay cannot connect to the broker", extra={"error": str(error)})
        self.ioloop.stop()

    def _on_channel_open(self, channel: pika.channel.Channel) -> None:
        self.channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        # Passive: the topology step declared them; a missing one closes the channel (404) and the
        # relay retries with backoff, saying which step to run.
        topology = self.relay.topology
        channel.exchange_declare(topology.exchange, passive=True, callback=lambda _frame: channel.exchange_declare(
            topology.unrouted_exchange, passive=True, callback=self._on_checked,
        ))

    def _on_checked(self, _frame: pika.frame.Method) -> None:
        assert self.channel is not None
        self.channel.confirm_delivery(self._on_confirm, callback=self._on_confirm_mode)

    def _on_confirm_mode(self, _frame: pika.frame.Method) -> None:
        self.relay.backoff.reset()
        log.info("relay connected", extra={"exchange": self.relay.topology.exchange})
        self._watch_stop()
        self._tick()

    # --- publishing -------------------------------------------------------------------------

    def _tick(self) -> None:
        """Claim and publish batches until the pipeline is full; if idle, look again later."""
        if self.stop.is_set() or time.monotonic() < self.hold_until or not (self.channel and self.channel.is_open):
            return  # stopping, closing, or holding back (the timer comes back at hold_until)
        self._cancel_tick()  # called directly: one timer at a time, or the polling would multiply
        while len(self.in_flight) < self.relay.pipeline_depth:
            try:
                claimed = self.relay._claim_rows(self.in_flight[-1].last_seq if self.in_flight else 0)
            except _LeaseLost:
                self.lease_lost = True
                self._close()
                return
            except OperationalError as error:
                if "lock timeout" in str(error):
                    log.warning("outbox rows are locked by another transaction (a relay that lost its lease?); "
                                "waiting for it to end")
                else:
                    log.exception("relay cannot read the outbox")
                self._hold_back()
                return
            except SQLAlchemyError:
                log.exception("relay cannot read the outbox")
                self._hold_back()
                return
            if claimed is None:
                break
            self._publish(_Batch(*claimed, first_tag=self.next_tag))
        if not self.in_flight:
            self._schedule_tick(self.relay.poll_interval)
        # Otherwise the next confirmed batch calls _tick again.

    def _publish(self, batch: _Batch) -> None:
        assert self.channel is not None
        if not self.in_flight:
            self.returned_ids.clear()  # returns of batches already finished or rolled back
        exchange = self.relay.topology.exchange
        for row in batch.rows:
            properties = pika.BasicProperties(
                message_id=row.event_id,
                type=row.event_type,
                app_id=row.source,
                correlation_id=row.correlation_id,
                content_type=CONTENT_TYPE,
                delivery_mode=PERSISTENT,
            )
            self.channel.basic_publish(exchange, row.event_type, row.body.encode(), properties, mandatory=True)
        self.next_tag += len(batch.rows)
        batch.timer = self.ioloop.call_later(self.relay.confirm_timeout, self._on_confirm_timeout)
        self.in_flight.append(batch)

    def _on_return(
        self, _channel: pika.channel.Channel, method: pika.spec.Basic.Return,
        properties: pika.spec.BasicProperties, _body: bytes,
    ) -> None:
        # The broker sends basic.return before the ack of the same message: its batch is in flight.
        # With the alternate exchange in place nothing is returned; a return means it is missing.
        if properties.message_id:
            self.returned_ids.add(properties.message_id)
        log.error(
            "event returned as unroutable: the exchange's alternate exchange or its queue is missing "
            f"(run `{self.relay.topology.service} topology`); the event stays unpublished",
            extra={"event_id": properties.message_id, "event_type": properties.type, "reply_text": method.reply_text,
                   "alternate_exchange": self.relay.topology.unrouted_exchange},
        )

    def _on_confirm(self, frame: pika.frame.Method) -> None:
        method = frame.method
        for batch in self.in_flight:  # a multiple ack may span two batches
            batch.settle(method.delivery_tag, method.multiple, isinstance(method, pika.spec.Basic.Ack))
        finished = False
        # Oldest first, and only a settled head: a batch never commits before the one before it.
        while self.in_flight and self.in_flight[0].settled:
            if not self._finish(self.in_flight[0]):
                break
            self.in_flight.popleft()
            finished = True
        if finished:
            self._tick()

    def _finish(self, batch: _Batch) -> bool:
        """Mark and commit the oldest batch, confirmed entirely; True if it is done.

        After a nack or a return, the batch and every later one in flight are rolled back (False):
        committing a later batch would publish its events before this one's, which go out again.
        """
        refused = batch.nacked or batch.holds_any(self.returned_ids)
        if refused:
            log.warning("broker refused or returned events; they and every later batch in flight will be "
                        "published again, in order", extra={"nacked": batch.nacked, "batches": len(self.in_flight)})
            self._abandon_in_flight()
            self._hold_back()
            return False
        self.ioloop.remove_timeout(batch.timer)
        seqs = [row.seq for row in batch.rows]
        try:
            self.relay._mark_published(batch.db, seqs)
            batch.db.commit()
        except SQLAlchemyError:
            log.exception("events published but not marked; they and every later batch will be published again")
            self._abandon_in_flight()
            self._hold_back()
            return False
        batch.db.close()
        self.relay.backoff.reset()
        log.debug("events published", extra={"count": len(seqs)})
        return True

    def _abandon_in_flight(self) -> None:
        """Roll back every batch in flight; their late confirms then match no batch and are ignored."""
        while self.in_flight:
            batch = self.in_flight.popleft()
            self.ioloop.remove_timeout(batch.timer)
            batch.abandon()
        self.returned_ids.clear()

    def _hold_back(self) -> None:
        """After a failure, claim nothing for a backoff delay (batches in flight still finish)."""
        delay = self.relay.backoff.next_delay()
        self.hold_until = time.monotonic() + delay
        self._schedule_tick(delay)

    def _schedule_tick(self, delay: float) -> None:
        self._cancel_tick()
        self.tick_timer = self.ioloop.call_later(delay, self._tick)

    def _cancel_tick(self) -> None:
        if self.tick_timer is not None:
            self.ioloop.remove_timeout(self.tick_timer)  # harmless if it is the one firing now
            self.tick_timer = None

    def _on_confirm_timeout(self) -> None:
        log.error("broker did not confirm in time; reconnecting", extra={"seconds": self.relay.confirm_timeout})
        self._close()

    # --- stopping ---------------------------------------------------------------------------

    def _watch_stop(self) -> None:
        """Close once asked to stop and nothing is in flight (what is in flight finishes first)."""
        if self.stop.is_set() and not self.in_flight:
            self._close()
        elif not self.connection.is_closed:
            self.ioloop.call_later(STOP_CHECK_SECONDS, self._watch_stop)

    def _close(self) -> None:
        if not (self.connection.is_closing or self.connection.is_closed):
            self.connection.close()

    def _on_channel_closed(self, _channel: pika.channel.Channel, reason: BaseException) -> None:
        # A channel error (say the exchange is missing, or was deleted) leaves the connection
        # useless; reconnecting checks again, and logs the error each time if it persists.
        if isinstance(reason, pika.exceptions.ChannelClosedByBroker) and reason.reply_code == NOT_FOUND:
            log.error(f"relay cannot publish: run `{self.relay.topology.service} topology` first",
                      extra={"reason": str(reason)})
        elif not isinstance(reason, pika.exceptions.ChannelClosedByClient):
            log.error("relay channel closed by the broker", extra={"reason": str(reason)})
        self._close()

    def _on_closed(self, _connection: pika.SelectConnection, reason: BaseException) -> None:
        while self.in_flight:
            self.in_flight.popleft().abandon()
        if not isinstance(reason, pika.exceptions.ConnectionClosedByClient):
            log.warning("relay lost its connection", extra={"reason": str(reason)})
        self.ioloop.stop()


def run_relay(engine: Engine, outbox: Outbox, amqp_url: str, topology: Topology, **options: Any) -> None:
    """Run a relay in the main thread until SIGTERM or SIGINT: the body of ``<service> relay``.

    ``options`` go to :class:`OutboxRelay`. Configure logging (:mod:`servicekit.logs`) first.
    """
    relay = OutboxRelay(engine, outbox, amqp_url, topology, **options)
    with stop_on_signals() as stop:
        relay.run(stop)
