"""Topology: the names, queue arguments and bindings every service declares the same way."""

from __future__ import annotations

from typing import Any

import pytest

from servicekit.topology import Topology, declare, producer_of


class RecordingChannel:
    """A stand-in for a pika BlockingChannel that records what was declared, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, method: str) -> Any:
        return lambda *args, **kwargs: self.calls.append((method, args, kwargs))


NOTIFY = Topology("notify", consumes=("owners.occupant.moved_in.v1", "tickets.ticket.opened.v1"), delivery_limit=4)


def test_names_follow_the_service() -> None:
    assert (NOTIFY.exchange, NOTIFY.inbox_queue, NOTIFY.dead_exchange, NOTIFY.dead_queue) == (
        "notify.events", "notify.inbox", "notify.dead", "notify.dead",
    )


def test_the_inbox_is_a_quorum_queue_that_dead_letters_without_losing_anything() -> None:
    assert NOTIFY.inbox_arguments == {
        "x-queue-type": "quorum",
        "x-dead-letter-exchange": "notify.dead",
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
        # a backstop: the consumer counts handler failures itself (delivery_limit); the broker
        # counts redeliveries, crashes included: 50 deliveries = 49 redeliveries
        "x-delivery-limit": 49,
    }


def test_each_consumed_type_is_bound_from_its_producers_exchange() -> None:
    assert producer_of("owners.occupant.moved_in.v1") == "owners"
    assert NOTIFY.bindings() == [
        ("owners.events", "owners.occupant.moved_in.v1"),
        ("tickets.events", "tickets.ticket.opened.v1"),
    ]


def publisher_calls(service: str) -> list[tuple[str, tuple[Any, ...]]]:
    return [
        ("exchange_declare", (f"{service}.unrouted", "fanout")),
        ("queue_declare", (f"{service}.unrouted",)),
        ("queue_bind", (f"{service}.unrouted", f"{service}.unrouted")),
        ("exchange_declare", (f"{service}.events", "topic")),
    ]


def test_declare_creates_exchanges_before_the_bindings_that_need_them() -> None:
    channel = RecordingChannel()

    declare(channel, NOTIFY)  # type: ignore[arg-type]

    calls = [(method, args) for method, args, _kwargs in channel.calls]
    assert calls == [
        *publisher_calls("notify"),
        ("exchange_declare", ("notify.dead", "fanout")),
        ("queue_declare", ("notify.dead",)),
        ("queue_bind", ("notify.dead", "notify.dead")),
        ("queue_declare", ("notify.inbox",)),
        *publisher_calls("owners"),
        ("queue_bind", ("notify.inbox", "owners.events", "owners.occupant.moved_in.v1")),
        *publisher_calls("tickets"),
        ("queue_bind", ("notify.inbox", "tickets.events", "tickets.ticket.opened.v1")),
    ]
    durable = [kwargs for method, _args, kwargs in channel.calls if method.endswith("_declare")]
    assert all(kwargs["durable"] for kwargs in durable)
    inbox = next(kwargs for method, args, kwargs in channel.calls if args == ("notify.inbox",))
    assert inbox["arguments"] == NOTIFY.inbox_arguments


def test_every_events_exchange_has_its_unrouted_alternate_wherever_it_is_declared() -> None:
    channel = RecordingChannel()

    declare(channel, NOTIFY)  # type: ignore[arg-type]

    events = {args[0]: kwargs for method, args, kwargs in channel.calls
              if method == "exchange_declare" and args[0].endswith(".events")}
    assert events == {
        service + ".events": {"durable": True, "arguments": {"alternate-exchange": f"{service}.unrouted"}}
        for service in ("notify", "owners", "tickets")
    }
    unrouted = next(kwargs for method, args, kwargs in channel.calls if args == ("owners.unrouted",)
                    and method == "queue_declare")
    # Bounded: the newest 100,000 of the last week; the oldest go first, the relay is never refused.
    assert unrouted["arguments"] == {"x-queue-type": "quorum", "x-max-length": 100_000, "x-overflow": "drop-head",
                                     "x-message-ttl": 7 * 24 * 3600 * 1000}
    assert (NOTIFY.unrouted_exchange, NOTIFY.unrouted_queue) == ("notify.unrouted", "notify.unrouted")


def test_a_service_that_consumes_nothing_declares_only_where_it_publishes() -> None:
    channel = RecordingChannel()

    declare(channel, Topology("owners"))  # type: ignore[arg-type]

    assert [(m, a) for m, a, _k in channel.calls] == publisher_calls("owners")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"service": "Owners"},
        {"service": "owners.events"},
        {"service": "owners", "consumes": ("tickets.ticket.opened",)},
        {"service": "owners", "consumes": ("tickets.#",)},
        {"service": "owners", "consumes": "tickets.ticket.opened.v1"},
        {"service": "owners", "delivery_limit": 0},
        {"service": "owners", "delivery_limit": 5, "delivery_backstop": 4},
    ],
)
def test_a_malformed_topology_is_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises((ValueError, TypeError)):
        Topology(**kwargs)
