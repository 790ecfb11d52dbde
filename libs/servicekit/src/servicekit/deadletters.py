"""Dead letters: list what ended in ``<service>.dead``, and send it back once the cause is fixed.

    <service> dead-letters list [--limit N] [--json]
    <service> dead-letters requeue --all | ID [ID ...]

A message ends in ``<service>.dead`` when its consumer's handler failed on it
:attr:`Topology.delivery_limit` times (headers ``x-servicekit-*`` say why, see
:mod:`servicekit.consumer`), when it was not a valid event (``x-death`` reason ``rejected``), or when
the broker's backstop gave up on it (``x-death`` reason ``delivery_limit``).

Listing loses nothing: the messages are fetched without being acked and handed back to the dead
queue at the end (it has no delivery limit, so handing them back costs them nothing; their order in
the queue may change). Requeueing publishes a copy straight to ``<service>.inbox`` (the default
exchange: no other consumer sees it) with publisher confirms, and only then acks the dead copy: a
crash in between leaves the event in both queues, and the inbox applies it once. The consumer forgot
the event's failure count when it dead-lettered it, so a requeued event gets every attempt again.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import pika
import pika.exceptions
import pika.spec
from pika.adapters.blocking_connection import BlockingChannel

from servicekit.amqp import open_channel
from servicekit.topology import Topology

# Headers that describe a dead-lettering: a requeued copy starts without them.
_DEATH_HEADERS = ("x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason",
                  "x-delivery-count")
_SERVICEKIT_PREFIX = "x-servicekit-"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One message of the dead-letter queue, as an operator needs to see it."""

    event_id: str | None
    event_type: str | None
    source: str | None
    reason: str  # handler-failed, rejected (not a valid event), delivery_limit (the broker's backstop)
    attempts: int | None  # handler failures counted by the consumer (None when the broker dead-lettered it)
    error: str | None  # the handler's last error
    dead_at: str | None  # ISO 8601


class RequeueError(Exception):
    """The inbox queue did not accept a copy (it is missing?): nothing was acked."""


def list_dead(amqp_url: str, topology: Topology, limit: int = 100) -> list[DeadLetter]:
    """Up to ``limit`` dead letters of ``topology``'s service, oldest first; the queue keeps them all."""
    letters: list[DeadLetter] = []
    with _channel(amqp_url, topology) as channel:
        for _method, properties, body in _fetch(channel, topology, limit):
            letters.append(_describe(properties, body))
        channel.basic_nack(0, multiple=True, requeue=True)  # every one fetched goes back
    return letters


def requeue_dead(
    amqp_url: str, topology: Topology, *, event_ids: Iterable[str] | None = None, all: bool = False,  # noqa: A002
) -> int:
    """Send dead letters back to ``<service>.inbox``: those of ``event_ids``, or ``all``; returns how many.

    Each copy is confirmed by the broker before its dead copy is acked. The ones not chosen stay in
    the dead queue. Raises :class:`RequeueError` if the inbox refuses a copy (the rest stay dead).
    """
    wanted = None if all else set(event_ids or ())
    if wanted is not None and not wanted:
        raise ValueError("name the event ids to requeue, or pass all=True")
    moved = 0
    with _channel(amqp_url, topology) as channel:
        channel.confirm_delivery()
        try:
            for method, properties, body in _fetch(channel, topology, None):
                if wanted is not None and _describe(properties, body).event_id not in wanted:
                    continue
                try:
                    channel.basic_publish("", topology.inbox_queue, body, _fresh(properties), mandatory=True)
                except (pika.exceptions.UnroutableError, pika.exceptions.NackError) as exc:
                    raise RequeueError(f"{topology.inbox_queue} did not accept the copy: {exc!r}") from exc
                channel.basic_ack(method.delivery_tag)
                moved += 1
        finally:
            if channel.is_open:
                channel.basic_nack(0, multiple=True, requeue=True)  # the ones not chosen stay dead
    return moved


def dead_letter_arguments(parser: argparse.ArgumentParser) -> None:
    """The sub-commands ``list`` and ``requeue`` of a service CLI's ``dead-letters`` parser
    (:mod:`servicekit.cli` adds it to every service that consumes); run the parsed command with
    :func:`run_dead_letter_command`."""
    commands = parser.add_subparsers(dest="dead_letters_command", required=True)
    listing = commands.add_parser("list", help="show the dead letters (they stay in the queue)")
    listing.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    requeue = commands.add_parser("requeue", help="send dead letters back to the inbox, once the cause is fixed")
    chosen = requeue.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--all", action="store_true", help="every dead letter")
    chosen.add_argument("ids", nargs="*", default=[], metavar="ID", help="event ids to send back")


def run_dead_letter_command(args: argparse.Namespace, amqp_url: str, topology: Topology) -> int:
    """Run a command parsed by :func:`dead_letter_arguments`; prints to stdout, returns the exit code."""
    if args.dead_letters_command == "list":
        letters = list_dead(amqp_url, topology, args.limit)
        if args.json:
            for letter in letters:
                print(json.dumps(asdict(letter), ensure_ascii=False))
            return 0
        for letter in letters:
            attempts = "-" if letter.attempts is None else str(letter.attempts)
            print("\t".join([letter.event_id or "-", letter.event_type or "-", letter.source or "-", letter.reason,
                             attempts, letter.dead_at or "-", (letter.error or "").replace("\n", " ")[:200]]))
        print(f"{len(letters)} dead letter(s) in {topology.dead_queue}"
              + (f" (first {args.limit} shown)" if len(letters) == args.limit else ""))
        return 0
    if not args.all and not args.ids:
        print("name the event ids to requeue, or --all")
        return 2
    moved = requeue_dead(amqp_url, topology, event_ids=args.ids, all=args.all)
    print(f"{moved} dead letter(s) sent back to {topology.inbox_queue}")
    return 0 if args.all or moved == len(set(args.ids)) else 1


def _channel(amqp_url: str, topology: Topology) -> AbstractContextManager[BlockingChannel]:
    """A channel of its own; closing it hands back anything fetched and not settled."""
    return open_channel(amqp_url, connection_name=f"{topology.service}-dead-letters")


def _fetch(
    channel: BlockingChannel, topology: Topology, limit: int | None,
) -> Iterator[tuple[pika.spec.Basic.GetOk, pika.spec.BasicProperties, bytes]]:
    """Fetch messages one at a time, unacked: each one fetched stays ours, so none comes twice."""
    count = 0
    while limit is None or count < limit:
        method, properties, body = channel.basic_get(topology.dead_queue, auto_ack=False)
        if method is None:
            return
        count += 1
        yield method, properties, body


def _describe(properties: pika.spec.BasicProperties, body: bytes) -> DeadLetter:
    headers = properties.headers or {}
    payload: dict[str, Any] = {}
    try:
        parsed = json.loads(body)
        payload = parsed if isinstance(parsed, dict) else {}
    except (ValueError, RecursionError):
        pass
    deaths = headers.get("x-death") or [{}]
    reason = _text(headers.get("x-servicekit-reason")) or _text(deaths[0].get("reason")) or "unknown"
    dead_at = _text(headers.get("x-servicekit-dead-at"))
    if dead_at is None and isinstance(deaths[0].get("time"), datetime):
        dead_at = deaths[0]["time"].replace(tzinfo=deaths[0]["time"].tzinfo or UTC).isoformat()
    attempts = headers.get("x-servicekit-attempts")
    return DeadLetter(
        event_id=properties.message_id or _text(payload.get("id")),
        event_type=properties.type or _text(payload.get("type")),
        source=properties.app_id or _text(payload.get("source")),
        reason=reason,
        attempts=attempts if isinstance(attempts, int) else None,
        error=_text(headers.get("x-servicekit-error")),
        dead_at=dead_at,
    )


def _fresh(properties: pika.spec.BasicProperties) -> pika.spec.BasicProperties:
    """The properties of a requeued copy: the original's, without the story of its death."""
    headers = {
        key: value for key, value in (properties.headers or {}).items()
        if key not in _DEATH_HEADERS and not key.startswith(_SERVICEKIT_PREFIX)
    }
    headers["x-servicekit-requeued-at"] = datetime.now(UTC).isoformat()
    return pika.BasicProperties(
        content_type=properties.content_type, content_encoding=properties.content_encoding, headers=headers,
        delivery_mode=2, priority=properties.priority, correlation_id=properties.correlation_id,
        message_id=properties.message_id, timestamp=properties.timestamp, type=properties.type,
        app_id=properties.app_id,
    )


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else None
