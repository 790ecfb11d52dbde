"""A replayed delivery reaches the handlers marked (``CloudEvent.replay`` from the AMQP header
``x-replay``), so a handler that acts on the present can leave the past alone (issue 15); a live
one is not marked, and the mark is no part of the envelope."""

from __future__ import annotations

import pika.spec

from servicekit.consumer import _marked
from servicekit.envelope import CloudEvent, parse
from servicekit.replay import REPLAY_HEADER

EVENT = CloudEvent(type="tickets.ticket.acknowledged.v1", source="/estatedesk/tickets", data={"ticket": {}})


def test_a_replayed_delivery_is_marked() -> None:
    for header in ("history", b"state"):
        marked = _marked(EVENT, pika.spec.BasicProperties(headers={REPLAY_HEADER: header}))
        assert marked.replay == (header.decode() if isinstance(header, bytes) else header)
        assert marked == EVENT and marked.to_dict() == EVENT.to_dict()  # the same event, the envelope unchanged


def test_a_live_delivery_is_not() -> None:
    assert _marked(EVENT, pika.spec.BasicProperties()).replay is None
    assert _marked(EVENT, pika.spec.BasicProperties(headers={"x-other": "1"})).replay is None
    assert parse(EVENT.to_json().encode()).replay is None
