"""What went unrouted, for operators: the metric of how many events ``<service>.unrouted`` holds,
and ``<service> unrouted`` to see which, leaving them in place, and to purge them."""

from __future__ import annotations

import argparse
import json
import uuid
from collections.abc import Iterator

import pika
import pytest
from prometheus_client import CollectorRegistry

from servicekit.envelope import new_event
from servicekit.topology import Topology, setup_topology
from servicekit.unrouted import METRIC, UnroutedCollector, run_unrouted_command, unrouted_arguments


@pytest.fixture
def producer(amqp_vhost_url: str) -> Iterator[tuple[Topology, pika.adapters.blocking_connection.BlockingChannel]]:
    """A producer whose topology step ran, and a channel in confirm mode to publish as its relay would."""
    topology = Topology(f"p_{uuid.uuid4().hex[:8]}")
    setup_topology(amqp_vhost_url, topology)
    connection = pika.BlockingConnection(pika.URLParameters(amqp_vhost_url))
    channel = connection.channel()
    channel.confirm_delivery()
    yield topology, channel
    connection.close()


def publish_unbound(channel: pika.adapters.blocking_connection.BlockingChannel, topology: Topology,
                    count: int) -> list[str]:
    """Publish ``count`` events of a type nobody binds; returns their ids in order."""
    events = [new_event(f"{topology.service}.thing.unbound.v1", topology.service, {"n": n}) for n in range(count)]
    for event in events:
        channel.basic_publish(topology.exchange, event.type, event.to_json().encode(), mandatory=True)
    return [event.id for event in events]


def scrape(collector: UnroutedCollector, service: str) -> float | None:
    registry = CollectorRegistry()
    registry.register(collector)
    return registry.get_sample_value(METRIC, {"service": service})


def test_the_metric_counts_the_events_no_binding_took(amqp_vhost_url: str, producer) -> None:
    topology, channel = producer
    collector = UnroutedCollector(amqp_vhost_url, topology.service, cache_seconds=0)
    assert scrape(collector, topology.service) == 0

    publish_unbound(channel, topology, 3)

    assert scrape(collector, topology.service) == 3


def test_the_metric_is_read_at_most_once_per_period_and_missing_while_the_broker_is_unreachable(
    amqp_vhost_url: str, producer,
) -> None:
    topology, channel = producer
    cached = UnroutedCollector(amqp_vhost_url, topology.service, cache_seconds=60)
    assert scrape(cached, topology.service) == 0
    publish_unbound(channel, topology, 2)
    assert scrape(cached, topology.service) == 0  # the reading of this period

    unreachable = UnroutedCollector("amqp://guest:guest@127.0.0.1:1/%2F", topology.service, timeout=0.5)
    assert scrape(unreachable, topology.service) is None  # no sample, and no error for /metrics


def run(amqp_url: str, service: str, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    parser = argparse.ArgumentParser()
    unrouted_arguments(parser)
    code = run_unrouted_command(parser.parse_args(list(argv)), amqp_url, service)
    return code, capsys.readouterr().out.splitlines()


def test_the_command_shows_the_first_events_leaving_them_in_order_and_purges_on_request(
    amqp_vhost_url: str, producer, capsys: pytest.CaptureFixture[str],
) -> None:
    topology, channel = producer
    ids = publish_unbound(channel, topology, 5)

    code, out = run(amqp_vhost_url, topology.service, capsys, "--show", "3")
    assert code == 0
    assert [line.split("\t")[1:] for line in out[:3]] == [[f"{topology.service}.thing.unbound.v1", i] for i in ids[:3]]
    assert out[3].startswith(f"{topology.unrouted_queue} holds 5 event(s)")

    kept = []
    while (message := channel.basic_get(topology.unrouted_queue, auto_ack=False))[0] is not None:
        kept.append(json.loads(message[2])["id"])
    assert kept == ids  # shown, not taken; the order is the queue's
    channel.basic_nack(0, multiple=True, requeue=True)

    code, out = run(amqp_vhost_url, topology.service, capsys, "--purge")
    assert (code, out[-1]) == (0, f"purged 5 event(s) from {topology.unrouted_queue}")
    assert channel.queue_declare(topology.unrouted_queue, passive=True).method.message_count == 0


def test_the_command_says_to_run_the_topology_step_when_the_queue_is_missing(
    amqp_vhost_url: str, capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(amqp_vhost_url, "nobody_here", capsys)
    assert code == 1 and "run `nobody_here topology` first" in out[0]
