"""The ticket events' contract: every schema is valid and its examples validate; events.EVENT_TYPES
lists every type the module names, and the AsyncAPI lists every one; what the use cases really write
to the outbox validates against the envelope and its type's schema."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker

from tickets import events
from tickets.service import SERVICE

CONTRACTS = SERVICE.contracts
TYPES = sorted(events.EVENT_TYPES)
LIFECYCLE = sorted(t for t in TYPES if t.startswith("tickets.ticket.") and t != events.PROMISE_SLIPPED)


def validator(path: Path) -> Draft202012Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.mark.parametrize("type_", LIFECYCLE)
def test_every_ticket_event_has_a_schema_whose_examples_validate(type_) -> None:
    check = validator(CONTRACTS / "events" / f"{type_}.json")
    examples = check.schema["examples"]
    assert examples
    for example in examples:
        check.validate(example)


def test_the_event_list_holds_every_type_once() -> None:
    named = {v for k, v in vars(events).items() if k.isupper() and isinstance(v, str) and v.startswith("tickets.")}
    assert len(events.EVENT_TYPES) == len(set(events.EVENT_TYPES)) and set(events.EVENT_TYPES) == named


def test_the_asyncapi_lists_every_event_type() -> None:
    document = yaml.safe_load((CONTRACTS / "asyncapi.yaml").read_text(encoding="utf-8"))
    listed = {m["name"] for m in document["components"]["messages"].values()}
    assert listed == set(TYPES)
    refs = {m["payload"]["allOf"][1]["properties"]["data"]["$ref"] for m in document["components"]["messages"].values()}
    assert refs == {f"./events/{t}.json" for t in TYPES}


def test_what_the_procedure_records_validates(client, auth, place, complaint, recorded) -> None:
    desk = auth("service_desk_agent", [place["estate"]])
    first = client.post("/api/v1/tickets", json=complaint(), headers=desk).json
    second = client.post("/api/v1/tickets", json=complaint(), headers=desk).json
    promised = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    for path, body in [("pause", {"reason": "业主不在"}), ("resume", {}), ("acknowledge", {}),
                       ("dispatch", {"staff_id": place["technician"]}),
                       ("reassign", {"reason": "请假", "staff_id": place["technician2"]}), ("arrive", {}),
                       ("explain", {"explanation": "需配件", "promised_by": promised}),
                       ("escalate", {"reason": "采购"}),
                       ("resolve", {}), ("inform-owner", {"how": "phone"}), ("evaluate", {"score": 5}),
                       ("archive", {}), ("reopen", {"reason": "又坏了"})]:
        assert client.post(f"/api/v1/tickets/{first['id']}/{path}", json=body, headers=desk).status_code == 200
    client.post(f"/api/v1/tickets/{second['id']}/merge", json={"into_ticket_id": first["id"]}, headers=desk)
    third = client.post("/api/v1/tickets", json=complaint(unit_id=place["unit2"]), headers=desk).json
    client.post(f"/api/v1/tickets/{third['id']}/cancel", json={"reason": "撤回"}, headers=desk)
    envelope = validator(CONTRACTS / "envelope.json")
    seen = set()
    for event in recorded(escalations=True):
        envelope.validate(event)
        validator(CONTRACTS / "events" / f"{event['type']}.json").validate(event["data"])
        assert uuid.UUID(event["subject"]) and event["data"]["ticket"]["ticket_id"] == event["subject"]
        seen.add(event["type"])
    assert seen == set(LIFECYCLE)
