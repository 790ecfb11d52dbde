"""What the contract tests share: where each service's contracts and event types are, and a JSON
Schema validator that checks RFC 3339 times.

Every service under services/ is found by its pyproject.toml; its published event types are the
``EVENT_TYPES`` of its ``<service>.events``.
"""

from __future__ import annotations

import importlib
import json
import sys
from datetime import datetime
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.parent.name for p in (ROOT / "services").glob("*/pyproject.toml"))
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_rfc3339(value: object) -> bool:
    # jsonschema checks date-time only with an optional package; RFC 3339 needs a zone.
    return not isinstance(value, str) or datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


def contracts_dir(service: str) -> Path:
    return ROOT / "services" / service / "contracts"


def schema_path(type_: str) -> Path:
    """A type's schema lives with its producer: ``owners.unit.added.v1`` -> services/owners/..."""
    return contracts_dir(type_.split(".", 1)[0]) / "events" / f"{type_}.json"


@cache
def validator(path: Path) -> Draft202012Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FORMATS)


def published_types(service: str) -> set[str]:
    """Every event type ``service`` records: its ``<service>.events.EVENT_TYPES``, as the one shape
    of docs/new-service.md fixes."""
    return set(importlib.import_module(f"{service}.events").EVENT_TYPES)


def schema_files(service: str) -> list[Path]:
    return sorted((contracts_dir(service) / "events").glob("*.json"))


@cache
def asyncapi(service: str) -> dict[str, Any] | None:
    path = contracts_dir(service) / "asyncapi.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None


def inbox_types(service: str) -> tuple[dict[str, Any], set[str]]:
    """A consumer's inbox channel in its AsyncAPI document, and the event types its messages name
    (each a ``../../<producer>/contracts/asyncapi.yaml#/components/messages/<name>`` reference)."""
    document = asyncapi(service) or {}
    inbox = next(c for c in document["channels"].values() if c["address"] == f"{service}.inbox")
    named = set()
    for message in inbox["messages"].values():
        file, pointer = message["$ref"].split("#", 1)
        named.add(asyncapi(file.split("/")[2])["components"]["messages"][pointer.rsplit("/", 1)[1]]["name"])
    return inbox, named


def asyncapi_messages(service: str) -> dict[str, dict[str, Any]]:
    document = asyncapi(service) or {}
    return {m["name"]: m for m in ((document.get("components") or {}).get("messages") or {}).values()}


def envelope_validator(service: str) -> Draft202012Validator | None:
    path = contracts_dir(service) / "envelope.json"
    return validator(path) if path.is_file() else None


@pytest.fixture(scope="session")
def contracts() -> ModuleType:
    """This module: the discovery helpers above, for the tests (a conftest is not importable)."""
    return sys.modules[__name__]


def consumed_with_handler() -> list[tuple[str, str]]:
    """(consumer, type) for every event type a service consumes and has a handler for."""
    found = []
    for service in SERVICES:
        definition = importlib.import_module(f"{service}.service").SERVICE
        handlers = definition.event_handlers() if definition.consumes else {}
        found += [(service, type_) for type_ in definition.consumes if type_ in handlers]
    return found


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each check runs once per thing that exists (a schema, an AsyncAPI message, a handled type);
    test_every_published_type_is_documented says what is missing."""
    if "schema_file" in metafunc.fixturenames:
        files = [path for service in SERVICES for path in schema_files(service)]
        metafunc.parametrize("schema_file", files, ids=[f"{p.parents[2].name}/{p.stem}" for p in files])
    if "message" in metafunc.fixturenames:
        messages = [(service, type_) for service in SERVICES for type_ in sorted(asyncapi_messages(service))]
        metafunc.parametrize("message", messages, ids=[type_ for _, type_ in messages])
    if "consumed" in metafunc.fixturenames:
        pairs = consumed_with_handler()
        metafunc.parametrize("consumed", pairs, ids=[f"{c}<-{t}" for c, t in pairs])
    if "contract_service" in metafunc.fixturenames:
        metafunc.parametrize("contract_service", [
            pytest.param(service) for service in SERVICES])
