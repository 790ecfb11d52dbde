"""Dead letters can be listed, and sent back to the inbox once the cause is fixed, with a command."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from servicekit.deadletters import dead_letter_arguments, list_dead, requeue_dead, run_dead_letter_command
from servicekit.envelope import CloudEvent

if TYPE_CHECKING:
    from conftest import World



def cli(world: World, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """``<service> dead-letters ...`` as a service CLI would expose it."""
    parser = argparse.ArgumentParser(prog="svc")
    dead_letter_arguments(parser.add_subparsers(dest="command", required=True).add_parser("dead-letters"))
    capsys.readouterr()
    code = run_dead_letter_command(parser.parse_args(argv), world.amqp_url, world.consumer)
    return code, capsys.readouterr().out


def test_dead_letters_are_listed_without_loss_and_sent_back_once_fixed(
    world: World, capsys: pytest.CaptureFixture[str],
) -> None:
    first, second, healthy = world.event(), world.event(), world.event()
    broken = {first.id, second.id}  # the cause: a bug in the handler for these two
    tried: Counter[str] = Counter()

    def handler(session: Session, event: CloudEvent) -> None:
        tried[event.id] += 1
        if event.id in broken:
            raise ValueError(f"cannot apply {event.id}")
        session.execute(insert(world.applied).values(event_id=event.id))

    assert list_dead(world.amqp_url, world.consumer) == []  # an empty dead queue lists nothing
    for event in (first, second, healthy):
        world.publish_directly(event.to_json().encode(), event)
    world.publish_directly(b"not an event")
    consumer = world.start_consumer({world.event_type: handler}, retry_delay=0.05)
    world.wait_for(lambda: world.ready(world.consumer.dead_queue) == 3, "three dead letters")

    letters = {letter.event_id: letter for letter in list_dead(world.amqp_url, world.consumer)}
    assert set(letters) == {first.id, second.id, None}
    assert (letters[first.id].event_type, letters[first.id].source) == (first.type, first.source)
    assert (letters[first.id].reason, letters[first.id].attempts) == ("handler-failed", 3)
    assert letters[first.id].error == f"ValueError: cannot apply {first.id}"
    assert letters[first.id].dead_at and letters[None].dead_at
    assert letters[None].reason == "rejected"
    world.wait_for(lambda: world.ready(world.consumer.dead_queue) == 3, "the listed letters back in the queue")
    assert len(list_dead(world.amqp_url, world.consumer, limit=2)) == 2
    code, out = cli(world, capsys, "dead-letters", "list", "--json")
    assert code == 0 and {json.loads(line)["event_id"] for line in out.splitlines()} == {first.id, second.id, None}
    world.wait_for(lambda: world.ready(world.consumer.dead_queue) == 3, "the listed letters back in the queue")

    broken.discard(first.id)  # the cause is fixed for the first one
    assert requeue_dead(world.amqp_url, world.consumer, event_ids=[first.id]) == 1
    world.wait_all_applied_once([healthy.id, first.id])
    world.wait_for(lambda: world.ready(world.consumer.dead_queue) == 2, "the other two still dead")

    code, out = cli(world, capsys, "dead-letters", "requeue", "--all")  # the second one is still broken
    assert (code, out.strip()) == (0, f"2 dead letter(s) sent back to {world.consumer.inbox_queue}")
    world.wait_for(lambda: tried[second.id] == 6, "the second one to be tried again")
    world.wait_for(lambda: world.ready(world.consumer.dead_queue) == 2, "the second one dead again")
    consumer.finish()
    again = {letter.event_id: letter for letter in list_dead(world.amqp_url, world.consumer)}
    assert again[second.id].attempts == 3  # every attempt again after the requeue, not one
    assert tried == {first.id: 4, second.id: 6, healthy.id: 1}
    world.wait_all_applied_once([healthy.id, first.id])

    code, out = cli(world, capsys, "dead-letters", "requeue", "no-such-id")
    assert (code, out.strip()) == (1, f"0 dead letter(s) sent back to {world.consumer.inbox_queue}")
    world.wait_for(lambda: world.ready(world.consumer.dead_queue) == 2, "nothing lost by a requeue of nothing")
