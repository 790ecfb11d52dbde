"""The read side of the people search: find people (业主 and occupants) by name, phone or unit across
the caller's estates.

The desk searches while the owner waits on the phone, so each search is three small indexed
queries, whatever the size of the estates: one page of matching people (every criterion is an
index range on ``people``, ``contact_points`` or ``units``, always within the caller's estates),
then the mobiles and the current units of that page only. No COUNT(*): a page says whether there
is a next one by fetching one row more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, select, union
from sqlalchemy.orm import Session

from owners.domain.search import AnyOf, Criterion, LastFour, Mobile, NamePrefix, PhoneElseUnit, Unit, room_numbers
from owners.tables import buildings, contact_points, estates, occupancies, people, units
from servicekit.auth import Principal, scoped


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose people the caller may find: their estates, narrowed to one when they ask for it."""

    principal: Principal
    estate_id: UUID | None = None

    def apply(self, statement: Select[Any], column: ColumnElement[Any]) -> Select[Any]:
        statement = scoped(statement, column, self.principal)
        return statement if self.estate_id is None else statement.where(column == self.estate_id)


def search_people(session: Session, criteria: Sequence[Criterion], scope: Scope, *, page: int,
                  page_size: int) -> dict[str, Any]:
    """One page of the people who meet every criterion, ordered by name, with their estate, their
    mobiles (as stored: the API masks them) and their current units."""
    criteria = _phone_first(session, criteria, scope)
    statement = _matching_people(criteria, scope).order_by(people.c.name, people.c.id)
    found = session.execute(statement.limit(page_size + 1).offset((page - 1) * page_size)).mappings().all()
    hits = [_hit(row) for row in found[:page_size]]
    _add_mobiles(session, hits)
    _add_units(session, hits)
    return {"items": hits, "page": page, "page_size": page_size, "has_more": len(found) > page_size}


def _phone_first(session: Session, criteria: Sequence[Criterion], scope: Scope) -> list[Criterion]:
    """Each four digits typed alone read as the last four of a mobile when anybody in scope meets
    the query read that way, else as a unit number (one small indexed query each, LIMIT 1)."""
    resolved = list(criteria)
    for index, criterion in enumerate(resolved):
        if isinstance(criterion, PhoneElseUnit):
            as_phone = [*resolved[:index], criterion.last_four, *resolved[index + 1:]]
            anybody = session.execute(_matching_people(as_phone, scope).limit(1)).first()
            resolved[index] = criterion.last_four if anybody else criterion.unit
    return resolved


def _matching_people(criteria: Sequence[Criterion], scope: Scope) -> Select[Any]:
    statement = (select(people.c.id, people.c.name, estates.c.id.label("estate_id"),
                        estates.c.code.label("estate_code"), estates.c.name.label("estate_name"))
                 .join(estates, estates.c.id == people.c.estate_id))
    statement = scope.apply(statement, people.c.estate_id)
    for criterion in criteria:
        if isinstance(criterion, NamePrefix):
            statement = statement.where(_name_starts(criterion.text))
        else:
            # One IN (subquery) per criterion: PostgreSQL turns each into a semi-join that starts
            # from a few index entries, instead of filtering every person of the scope.
            statement = statement.where(people.c.id.in_(_people_ids(criterion, scope)))
    return statement


def _people_ids(criterion: Criterion, scope: Scope) -> Any:
    if isinstance(criterion, AnyOf):
        return union(*(_people_ids(option, scope) for option in criterion.options))
    if isinstance(criterion, PhoneElseUnit):  # not resolved yet (another one is being tried): either
        return union(_people_ids(criterion.last_four, scope), _people_ids(criterion.unit, scope))
    if isinstance(criterion, NamePrefix):
        return scope.apply(select(people.c.id).where(_name_starts(criterion.text)), people.c.estate_id)
    if isinstance(criterion, Mobile):
        return _by_contact(contact_points.c.value == criterion.number, scope)
    if isinstance(criterion, LastFour):
        return _by_contact(contact_points.c.last4 == criterion.digits, scope)
    return _by_unit(criterion, scope)


def _name_starts(text: str) -> ColumnElement[bool]:
    # The pattern is bound whole ("张%"), not built in SQL, so PostgreSQL sees a constant prefix and
    # uses the text_pattern_ops index whatever the database's collation.
    return people.c.name.like(_escape_like(text) + "%", escape="/")


def _by_contact(condition: ColumnElement[bool], scope: Scope) -> Select[Any]:
    statement = select(contact_points.c.person_id).where(condition, contact_points.c.kind == "mobile")
    return scope.apply(statement, contact_points.c.estate_id)


def _by_unit(criterion: Unit, scope: Scope) -> Select[Any]:
    matches = units.c.number.like(_escape_like(criterion.number) + "%", escape="/")
    rooms = room_numbers(criterion.number)
    if rooms:
        # A few exact numbers, not LIKE '%-1202': each is an index probe, however many units in scope.
        matches = matches | units.c.number.in_(rooms)
    statement = (select(occupancies.c.person_id)
                 .join(units, units.c.id == occupancies.c.unit_id)
                 .where(matches, occupancies.c.moved_out_on.is_(None)))
    if criterion.building is not None:
        statement = statement.join(buildings, buildings.c.id == units.c.building_id).where(
            buildings.c.code == criterion.building)
    return scope.apply(statement, units.c.estate_id)


def _escape_like(text: str) -> str:
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _hit(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"],
            "estate": {"id": row["estate_id"], "code": row["estate_code"], "name": row["estate_name"]},
            "mobiles": [], "units": []}


def _add_mobiles(session: Session, hits: list[dict[str, Any]]) -> None:
    """Each person's mobiles, preferred first (the API masks them: the search list never shows one whole)."""
    if not hits:
        return
    by_id = {hit["id"]: hit for hit in hits}
    statement = (select(contact_points.c.person_id, contact_points.c.value)
                 .where(contact_points.c.person_id.in_(list(by_id)), contact_points.c.kind == "mobile")
                 .order_by(contact_points.c.person_id, contact_points.c.preferred.desc(), contact_points.c.value))
    for person_id, value in session.execute(statement):
        by_id[person_id]["mobiles"].append(value)


def _add_units(session: Session, hits: list[dict[str, Any]]) -> None:
    """Each person's current units: building code, unit number and how they hold it."""
    if not hits:
        return
    statement = (select(occupancies.c.person_id, occupancies.c.role, units.c.id.label("unit_id"),
                        units.c.number.label("unit_number"), buildings.c.id.label("building_id"),
                        buildings.c.code.label("building_code"))
                 .join(units, units.c.id == occupancies.c.unit_id)
                 .join(buildings, buildings.c.id == units.c.building_id)
                 .where(occupancies.c.person_id.in_([hit["id"] for hit in hits]), occupancies.c.moved_out_on.is_(None))
                 .order_by(buildings.c.code, units.c.number))
    units_of: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in session.execute(statement).mappings():
        units_of[row["person_id"]].append({key: row[key] for key in row.keys() if key != "person_id"})
    for hit in hits:
        hit["units"] = units_of[hit["id"]]
