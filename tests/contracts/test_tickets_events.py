"""The tickets events contract: what tickets really writes to its outbox matches the CloudEvents
envelope and its type's JSON Schema, and every ticket event carries the whole ticket.

The rows come from the real code on PostgreSQL: owners' demo estate, loaded through the owners code,
reaches tickets' copy through tickets' own handlers (owners' current-state events, as a replay sends
them), then ``tickets load-demo`` makes a few hundred tickets across the stages through the lifecycle
use cases.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from servicekit.envelope import parse
from servicekit.testing import replayed_copy
from tickets.events import ticket_payload
from tickets.service import SERVICE

ROOT = Path(__file__).resolve().parents[2]
TICKET_SCHEMAS = sorted((ROOT / "services" / "tickets" / "contracts" / "events").glob("tickets.ticket.*.json"))
# Every field of ``data.ticket``: ticket_payload of a row with every column empty.
TICKET_FIELDS = set(ticket_payload(defaultdict(lambda: None)))


@pytest.mark.parametrize("path", TICKET_SCHEMAS, ids=[p.stem for p in TICKET_SCHEMAS])
def test_every_ticket_event_schema_carries_the_whole_ticket(path: Path, contracts) -> None:
    schema = contracts.validator(path).schema
    assert "ticket" in schema["required"], f"{path.stem}: data.ticket is not required"
    for example in schema["examples"]:
        assert set(example["ticket"]) == TICKET_FIELDS, (
            f"{path.stem}: the example's ticket is not ticket_payload(): "
            f"{sorted(set(example['ticket']) ^ TICKET_FIELDS)}"
        )


@pytest.fixture(scope="module")
def published(make_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[dict]]:
    from owners.demo import load_demo_estate
    from owners.replay import state_events
    from owners.service import SERVICE as OWNERS
    from tickets.cli import main as tickets_cli
    from tickets.tables import outbox

    with replayed_copy(make_database, OWNERS, load_demo_estate, state_events, SERVICE) as (tickets_url, tickets):
        with pytest.MonkeyPatch.context() as env:
            env.setenv("DATABASE_URL", tickets_url)
            env.delenv("TICKETS_DATABASE_URL", raising=False)
            env.setenv("ESTATEDESK_VAR", str(tmp_path_factory.mktemp("tickets-var")))
            assert tickets_cli(["load-demo"]) == 0
        with tickets.connect() as conn:
            rows = conn.execute(select(outbox.table.c.event_type, outbox.table.c.body)
                                .order_by(outbox.table.c.seq)).all()
        yield [{"event_type": r.event_type, **json.loads(r.body)} for r in rows]


@pytest.mark.slow
def test_the_demo_publishes_ticket_events_of_many_kinds(published: list[dict]) -> None:
    kinds = {event["type"] for event in published}
    assert len(published) >= 100 and len(kinds) >= 5, sorted(kinds)


@pytest.mark.slow
def test_every_outbox_row_is_a_valid_envelope_whose_data_matches_its_schema(published, contracts) -> None:
    assert published, "the demo wrote no event"
    envelope = contracts.envelope_validator("tickets")
    missing = sorted({e["type"] for e in published if not contracts.schema_path(e["type"]).is_file()})
    assert not missing, f"tickets writes events no schema documents: {missing}"
    for event in published:
        body = {key: value for key, value in event.items() if key != "event_type"}
        assert event["event_type"] == event["type"] and event["source"] == "/estatedesk/tickets"
        if envelope is not None:
            envelope.validate(body)
        parse(json.dumps(body))  # the consumers' own envelope rules
        errors = list(contracts.validator(contracts.schema_path(event["type"])).iter_errors(event["data"]))
        assert not errors, f"{event['type']}: {[error.message for error in errors][:5]}"


@pytest.mark.slow
def test_every_ticket_event_carries_the_whole_ticket_at_a_rising_version(published: list[dict]) -> None:
    seen: dict[str, list[int]] = {}
    for event in published:
        if not event["type"].startswith("tickets.ticket."):
            continue
        ticket: dict[str, Any] = event["data"]["ticket"]
        assert set(ticket) == TICKET_FIELDS, f"{event['type']}: {sorted(set(ticket) ^ TICKET_FIELDS)}"
        seen.setdefault(ticket["ticket_id"], []).append(ticket["version"])
    assert seen, "the demo wrote no ticket event"
    # Newer wins for a consumer of tickets too: a ticket's version never goes back. It repeats only
    # on an escalation notice that changed nothing of the ticket (a complaint reported at opening).
    for ticket_id, versions in seen.items():
        assert versions == sorted(versions), f"ticket {ticket_id}: versions {versions}"



def test_the_asyncapi_document_names_every_type_tickets_consumes(contracts) -> None:
    _inbox, named = contracts.inbox_types("tickets")
    assert named == set(SERVICE.consumes)
    receive = [op for op in contracts.asyncapi("tickets")["operations"].values() if op["action"] == "receive"]
    assert len(receive) == 1 and receive[0]["channel"]["$ref"].endswith("/ticketsInbox")
    assert {m["$ref"].rsplit("/", 1)[1] for m in receive[0]["messages"]} == set(_inbox["messages"])
