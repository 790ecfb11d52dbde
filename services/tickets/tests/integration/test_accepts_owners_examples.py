"""The contract from the consumer's side: tickets accepts owners' published examples. Every example
of every owners event schema whose type tickets consumes is applied by its handler without error and
lands in the copy, also with a field owners may add later."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from servicekit.testing import empty_tables
from tickets.service import OWNERS_EVENTS
from tickets.tables import (
    buildings,
    companies,
    departments,
    equipment,
    estates,
    metadata,
    occupancies,
    people,
    staff,
    territories,
    units,
)

from .conftest import apply_event

SCHEMAS = Path(__file__).resolve().parents[3] / "owners" / "contracts" / "events"
# The entity of each owners event type (owners.<entity>.<what>.v1): the copy table and the id field.
COPY_OF = {"estate": (estates, "estate_id"), "building": (buildings, "building_id"), "unit": (units, "unit_id"),
           "person": (people, "person_id"), "occupant": (occupancies, "occupancy_id"),
           "staff": (staff, "staff_id"), "territory": (territories, "territory_id"),
           "department": (departments, "department_id"), "equipment": (equipment, "equipment_id"),
           "company": (companies, "company_id")}


def examples() -> list[tuple[str, int, dict[str, Any]]]:
    found = []
    for type_ in OWNERS_EVENTS:
        schema = json.loads((SCHEMAS / f"{type_}.json").read_text(encoding="utf-8"))
        found += [(type_, i, example) for i, example in enumerate(schema["examples"])]
    return found


def test_owners_publishes_a_schema_with_examples_for_every_type_tickets_consumes() -> None:
    assert {type_ for type_, _i, _example in examples()} == set(OWNERS_EVENTS)


@pytest.mark.parametrize("extra", [{}, {"added_by_a_later_owners": {"nested": [1, 2]}}], ids=["as-is", "extra-field"])
@pytest.mark.parametrize(("type_", "index", "example"), examples(), ids=lambda v: v if isinstance(v, str) else "")
def test_tickets_applies_owners_example(db: Engine, type_: str, index: int, example: dict[str, Any],
                                        extra: dict[str, Any]) -> None:
    table, key = COPY_OF[type_.split(".")[1]]
    apply_event(db, type_, {**example, **extra})
    with db.connect() as conn:
        row = conn.execute(select(table).where(table.c.id == uuid.UUID(example[key]))).mappings().one()
    assert row["version"] == example["version"]
    if "estate_id" in table.c:
        assert row["estate_id"] == uuid.UUID(example["estate_id"])
    empty_tables(db, metadata)
