"""Every service's published events are documented (X-4), and every consumer accepts what its
producers document.

For each service under services/ (found by conftest.py, with its event module and contracts/):
every published type has a JSON Schema under ``contracts/events/`` and an AsyncAPI message and
publish operation; every schema is documented, constrains, and its examples validate; every
AsyncAPI example is a valid envelope whose data validates. For each service that consumes events:
its handler of each consumed type applies every example its producer documents, twice (a
redelivery), on a real database.

The checks run once per thing that exists; ``test_every_published_type_is_documented`` lists what
is missing. What each service really writes to its outbox is checked by test_<service>_events.py.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from servicekit.db import make_engine
from servicekit.envelope import CloudEvent, parse
from servicekit.migrate import upgrade


def test_every_published_type_is_documented(contract_service, contracts) -> None:
    service = contract_service
    published = contracts.published_types(service)
    assert published, f"{service} publishes no event type"
    problems = []
    schemas = {path.stem for path in contracts.schema_files(service)}
    problems += [f"no schema contracts/events/{t}.json" for t in sorted(published - schemas)]
    document = contracts.asyncapi(service)
    if document is None:
        problems.append("no contracts/asyncapi.yaml")
    else:
        messages = set(contracts.asyncapi_messages(service))
        problems += [f"no AsyncAPI message {t}" for t in sorted(published - messages)]
        routed = {key for op in (document.get("operations") or {}).values()
                  for key in ((op.get("bindings") or {}).get("amqp") or {}).get("cc") or []}
        problems += [f"no AsyncAPI publish operation routing {t}" for t in sorted(published - routed)]
    definition = importlib.import_module(f"{service}.service").SERVICE
    handlers = definition.event_handlers() if definition.consumes else {}
    for type_ in definition.consumes:
        if type_ not in handlers:
            problems.append(f"consumes {type_} without a handler")
        if not contracts.schema_path(type_).is_file():
            problems.append(f"consumes {type_}, which its producer does not document")
    assert not problems, f"{service}: " + "; ".join(problems)


def test_a_schema_is_documented_and_its_examples_validate(schema_file, contracts) -> None:
    service, type_ = schema_file.parents[2].name, schema_file.stem
    assert type_ in contracts.published_types(service), f"{schema_file.name}: a schema of no type {service} publishes"
    validator = contracts.validator(schema_file)
    schema = validator.schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", type_
    assert schema.get("type") == "object" and schema.get("additionalProperties") is True, (
        f"{type_}: an object open to new fields (additionalProperties: true), so producers may add one"
    )
    assert schema["description"] and schema["required"], type_
    assert all(prop.get("description") for prop in schema["properties"].values()), f"{type_}: undocumented field"
    assert set(schema["required"]) <= set(schema["properties"]), type_
    assert schema["examples"], type_
    for example in schema["examples"]:
        validator.validate(example)


def test_a_payload_missing_a_required_field_is_refused_by_its_schema(schema_file, contracts) -> None:
    # The schemas constrain: dropping any required field of a real example fails validation.
    validator = contracts.validator(schema_file)
    for field in validator.schema["required"]:
        example = dict(validator.schema["examples"][0])
        example.pop(field)
        assert not validator.is_valid(example), f"{schema_file.stem} accepts an example without {field}"


def test_an_asyncapi_message_and_its_examples_match_the_schema(message, contracts) -> None:
    service, type_ = message
    assert type_ in contracts.published_types(service), f"an AsyncAPI message of no type {service} publishes"
    document = contracts.asyncapi(service)
    channels = {name: channel["address"] for name, channel in document["channels"].items()}
    assert f"{service}.events" in channels.values(), f"{service}'s AsyncAPI has no channel {service}.events"
    found = contracts.asyncapi_messages(service)[type_]
    assert found["payload"]["allOf"][1]["properties"]["data"]["$ref"] == f"./events/{type_}.json"
    assert contracts.schema_path(type_).is_file(), f"{type_}: the AsyncAPI message's schema is missing"
    routes = [op for op in document["operations"].values()
              if type_ in ((op.get("bindings") or {}).get("amqp") or {}).get("cc", [])]
    assert len(routes) == 1 and routes[0]["action"] == "send", f"{type_}: one publish (send) operation"
    assert found["examples"], f"{type_}: an AsyncAPI message without an example"
    envelope = contracts.envelope_validator(service)
    for example in found["examples"]:
        payload = example["payload"]
        if envelope is not None:
            envelope.validate(payload)
        event = parse(json.dumps(payload))  # the consumers' own envelope rules
        assert event.type == type_ and event.source == f"/estatedesk/{service}", type_
        contracts.validator(contracts.schema_path(type_)).validate(payload["data"])


def _producer_examples(type_: str, contracts) -> list[CloudEvent]:
    """Every example the producer documents of ``type_``: AsyncAPI envelopes, then schema examples."""
    producer = type_.split(".", 1)[0]
    found = [parse(json.dumps(example["payload"]))
             for example in contracts.asyncapi_messages(producer).get(type_, {}).get("examples", [])]
    entity = type_.split(".")[1]  # owners.unit.added.v1: the subject is the unit, data.unit_id
    for data in contracts.validator(contracts.schema_path(type_)).schema.get("examples", []):
        subject = data.get(f"{entity}_id") or (found[0].subject if found else None)
        found.append(CloudEvent(type=type_, source=f"/estatedesk/{producer}", data=data,
                                subject=None if subject is None else str(subject)))
    return found


@pytest.fixture(scope="module")
def consumer_database(make_database: Callable[[], str]) -> Callable[[str], Any]:
    """A migrated database of each consuming service's own, made once for this module."""
    engines: dict[str, Any] = {}

    def database(service: str) -> Any:
        if service not in engines:
            url = make_database()
            upgrade(importlib.import_module(f"{service}.service").SERVICE, url)
            engines[service] = make_engine(url)
        return engines[service]

    yield database
    for engine in engines.values():
        engine.dispose()


def test_a_consumer_applies_every_example_its_producer_documents(consumed, contracts, consumer_database) -> None:
    consumer, type_ = consumed
    handler = importlib.import_module(f"{consumer}.service").SERVICE.event_handlers()[type_]
    examples = _producer_examples(type_, contracts)
    assert examples, f"{type_}: its producer documents no example"
    engine = consumer_database(consumer)
    for event in examples * 2:  # the second time is a redelivery or a replay: it changes nothing
        with Session(engine) as session, session.begin():
            handler(session, event)
