"""Running a RabbitMQ client process the same way everywhere: connection parameters from a URL,
growing delays between reconnections, and a clean stop on SIGTERM/SIGINT.

pika never reconnects by itself; the relay and the consumer loop around a connection and wait a
:class:`Backoff` delay between attempts, so a restarting broker is not hammered by every replica
at the same instant.
"""

from __future__ import annotations

import random
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pika
from pika.adapters.blocking_connection import BlockingChannel

HEARTBEAT_SECONDS = 30
# A broker under a memory or disk alarm blocks publishers; give up on the connection after this
# long and reconnect, rather than hang forever.
BLOCKED_CONNECTION_TIMEOUT_SECONDS = 60.0


def connection_parameters(url: str, *, connection_name: str | None = None) -> pika.URLParameters:
    """Parameters for ``url`` with the suite's defaults where the URL does not say otherwise.

    ``heartbeat`` and ``blocked_connection_timeout`` given in the URL's query win. Connection
    attempts are 1: retrying is the caller's loop, with backoff. ``connection_name`` shows in
    ``rabbitmqctl list_connections client_properties``, so operators can tell processes apart.
    """
    parameters = pika.URLParameters(url)
    query = parse_qs(urlsplit(url).query)
    if "heartbeat" not in query:
        parameters.heartbeat = HEARTBEAT_SECONDS
    if "blocked_connection_timeout" not in query:
        parameters.blocked_connection_timeout = BLOCKED_CONNECTION_TIMEOUT_SECONDS
    parameters.connection_attempts = 1
    if connection_name:
        parameters.client_properties = {"connection_name": connection_name}
    return parameters


@contextmanager
def open_channel(url: str, *, connection_name: str, **overrides: float) -> Iterator[BlockingChannel]:
    """A channel on a connection of its own, for a short piece of work (a command, a reading); the
    connection is closed at the end, which hands back whatever was fetched and not acked.
    ``overrides`` set connection parameters, e.g. ``socket_timeout``."""
    parameters = connection_parameters(url, connection_name=connection_name)
    for name, value in overrides.items():
        setattr(parameters, name, value)
    connection = pika.BlockingConnection(parameters)
    try:
        yield connection.channel()
    finally:
        if connection.is_open:
            connection.close()


class Backoff:
    """Growing, capped, jittered delays between attempts (reconnecting, or reaching the database).

    The n-th delay (from 0) is ``initial * factor**n`` capped at ``maximum``, scaled by a random
    factor in ``(1 - jitter, 1]`` so that replicas restarted together spread out.
    """

    def __init__(
        self, initial: float = 0.5, maximum: float = 30.0, *, factor: float = 2.0, jitter: float = 0.5,
        rng: random.Random | None = None,
    ) -> None:
        if not (0 < initial <= maximum and factor >= 1 and 0 <= jitter < 1):
            raise ValueError("need 0 < initial <= maximum, factor >= 1 and 0 <= jitter < 1")
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
        self.jitter = jitter
        self._rng = rng or random.Random()
        self._attempt = 0

    def next_delay(self) -> float:
        """The delay to wait before the next attempt; each call grows the following one."""
        ceiling = min(self.maximum, self.initial * self.factor ** min(self._attempt, 64))
        self._attempt += 1
        return ceiling * (1 - self.jitter * self._rng.random())

    def reset(self) -> None:
        """Start again from ``initial``: call once an attempt has worked."""
        self._attempt = 0


@contextmanager
def stop_on_signals(*signals: signal.Signals) -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT (or ``signals``) while the block runs; main thread only.

    The relay and the consumer check the event between batches and stop cleanly: what is in flight
    is finished, nothing is left half done. The previous handlers come back after the block.
    """
    stop = threading.Event()
    chosen = signals or (signal.SIGTERM, signal.SIGINT)
    previous = {sig: signal.signal(sig, lambda _signum, _frame: stop.set()) for sig in chosen}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
