"""Every response schema of every service dumps by plan (servicekit.dumping) what marshmallow dumps.

Made-up values for each field type, as a view would hand them over (UUIDs, aware datetimes,
dates, decimals, nested dicts), with and without the optional keys; each schema is compared
with an untouched instance of itself.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from marshmallow import Schema, class_registry, fields

import gateway.api
import notify.api
import owners.api
import surveys.api
import tickets.api
from servicekit.dumping import quick_dump

SERVICES = (gateway.api, notify.api, owners.api, surveys.api, tickets.api)
PACKAGES = tuple(module.__name__.split(".")[0] + "." for module in SERVICES)
AT = datetime(2026, 12, 6, 8, 30, 1, 123456, tzinfo=UTC)


def value_for(field: fields.Field, depth: int) -> Any:
    if isinstance(field, fields.Nested):
        schema = field.schema
        one = made_up(type(schema), depth + 1) if depth < 3 else {}
        return [one, one] if (field.many or schema.many) else one
    if isinstance(field, fields.List):
        return [value_for(field.inner, depth), value_for(field.inner, depth)]
    if isinstance(field, fields.Tuple):
        return tuple(value_for(f, depth) for f in field.tuple_fields)
    by_type: list[tuple[type[fields.Field], Any]] = [
        (fields.UUID, uuid.UUID(int=depth + 7)), (fields.AwareDateTime, AT), (fields.DateTime, AT),
        (fields.Date, date(2026, 12, 6)), (fields.Decimal, Decimal("12.50")), (fields.Integer, 42),
        (fields.Float, 0.25), (fields.Number, 3), (fields.Boolean, True), (fields.Email, "a@example.com"),
        (fields.Url, "https://example.com/a"), (fields.String, "文本 text"), (fields.Dict, {"zh": "中", "en": "en"}),
    ]
    for kind, value in by_type:
        if isinstance(field, kind):
            return value
    return {"raw": [1, "二"]}


def made_up(schema_class: type[Schema], depth: int = 0) -> dict[str, Any]:
    schema = schema_class()
    return {(f.attribute or name): value_for(f, depth) for name, f in schema.dump_fields.items()}


def response_schemas() -> list[type[Schema]]:
    found = {cls for classes in class_registry._registry.values() for cls in classes
             if isinstance(cls, type) and cls.__module__.startswith(PACKAGES)}
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


@pytest.mark.parametrize("schema_class", response_schemas(), ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_planned_dump_equals_marshmallow(schema_class: type[Schema]) -> None:
    full = made_up(schema_class)
    nones = {key: None for key in full}
    half = dict(list(full.items())[::2])
    for obj in (full, nones, half):
        try:
            expected = schema_class().dump(obj)
        except (TypeError, ValueError, AttributeError, ArithmeticError):
            continue  # a made-up value this schema cannot take; nothing to compare
        planned = quick_dump(schema_class())(obj)
        assert planned == expected
        assert list(planned) == list(expected)
