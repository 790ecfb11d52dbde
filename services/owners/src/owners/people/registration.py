"""Writing a newly registered person, their contact points and their first occupancy in as few
round trips as the database allows: one statement on PostgreSQL (data-modifying CTEs), three on
SQLite (the embedded default, which has none).

Registering is the desk's most frequent write ("create an owner"); under load every round trip
to the database costs two context switches on a busy machine, so this path counts them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Insert,
    Select,
    String,
    Text,
    Uuid,
    bindparam,
    cast,
    column,
    func,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from owners.tables import contact_points, occupancies, people, units

_PERSON = ("id", "estate_id", "name", "language", "preferred_channel", "note", "created_at", "updated_at")
_POINT = ("id", "estate_id", "person_id", "kind", "value", "last4", "label", "preferred")
_OCCUPANCY = ("id", "estate_id", "unit_id", "person_id", "role", "moved_in_on", "created_at", "updated_at")
_STAMP = DateTime(timezone=True)


def write_registration(session: Session, person: Mapping[str, Any], points: Sequence[Mapping[str, Any]],
                       occupancy: Mapping[str, Any] | None) -> bool:
    """Insert the rows; False when the occupancy's unit is not a unit of the person's estate (the
    caller then rolls back). Constraint violations raise ``IntegrityError`` as usual."""
    if session.get_bind().dialect.name == "postgresql":
        params = _prefixed("p", person) | (_prefixed("o", occupancy) if occupancy else {})
        # The points as one JSON text: one parameter to send, however many points there are.
        params["c_points"] = json.dumps([{"id": str(cp["id"]), "kind": cp["kind"], "value": cp["value"],
                                          "last4": cp["last4"], "label": cp["label"], "preferred": cp["preferred"]}
                                         for cp in points], ensure_ascii=False)
        return session.execute(_one_statement(occupancy is not None), params).first() is not None
    session.execute(insert(people), dict(person))
    if points:
        session.execute(insert(contact_points), [dict(cp) for cp in points])
    return occupancy is None or session.execute(_move_in_from_unit("o"), _prefixed("o", occupancy)).first() is not None


def _prefixed(prefix: str, row: Mapping[str, Any]) -> dict[str, Any]:
    return {f"{prefix}_{key}": value for key, value in row.items()}


@lru_cache(maxsize=2)
def _one_statement(with_occupancy: bool) -> Select[Any]:
    """``WITH new_person AS (INSERT ...), new_points AS (INSERT ... SELECT FROM
    jsonb_to_recordset(...)), new_occupancy AS (INSERT ... SELECT FROM units ...) SELECT ...``,
    built once: the contact points come as one JSON array (not a multi-row VALUES, which
    SQLAlchemy cannot cache), so the statement is the same for any number of them and is compiled
    once. PostgreSQL checks the foreign keys at the end of the statement, when all its rows exist."""
    person = _values(insert(people), "p", _PERSON).returning(people.c.id).cte("new_person")
    record = [column(name, contact_points.c[name].type) for name in ("id", "kind", "value", "last4", "label",
                                                                      "preferred")]
    rows = func.jsonb_to_recordset(cast(bindparam("c_points", type_=Text), JSONB)
                                   ).table_valued(*record).render_derived(name="point", with_types=True)
    source = select(rows.c.id, bindparam("p_estate_id", type_=Uuid), bindparam("p_id", type_=Uuid), rows.c.kind,
                    rows.c.value, rows.c.last4, rows.c.label, rows.c.preferred)
    points = insert(contact_points).from_select(list(_POINT), source).returning(contact_points.c.id).cte("new_points")
    if not with_occupancy:
        return select(person.c.id).add_cte(points)
    moved_in = _move_in_from_unit("o").cte("new_occupancy")
    return select(moved_in.c.id).add_cte(person, points)


def _values(statement: Insert, prefix: str, columns: Sequence[str]) -> Insert:
    table = statement.table
    return statement.values({c: bindparam(f"{prefix}_{c}", type_=table.c[c].type) for c in columns})


def _move_in_from_unit(prefix: str) -> Any:
    """INSERT ... SELECT FROM units: a unit of another estate (or none) selects no row, so the one
    statement both checks the unit and writes the occupancy. RETURNING, not rowcount: SQLAlchemy
    reports no rowcount for an INSERT on psycopg."""
    def param(name: str, type_: Any) -> Any:
        return bindparam(f"{prefix}_{name}", type_=type_)

    source = select(param("id", Uuid), units.c.estate_id, units.c.id, param("person_id", Uuid), param("role", String),
                    param("moved_in_on", Date), param("created_at", _STAMP), param("updated_at", _STAMP)).where(
        units.c.id == param("unit_id", Uuid), units.c.estate_id == param("estate_id", Uuid))
    return insert(occupancies).from_select(list(_OCCUPANCY), source).returning(occupancies.c.id)
