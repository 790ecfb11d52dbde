"""Owners' current state as events, for ``owners replay --state`` (servicekit.cli, servicekit.replay):
what a service that joins later, or whose copy was lost, rebuilds its copy from.

Current state is one event per entity, of the type that carries its whole state, with a new id
and the entity's version: ``owners.estate.updated.v1``, ``owners.building.updated.v1``,
``owners.unit.updated.v1``, ``owners.person.updated.v1`` (contact points included),
``owners.occupant.moved_in.v1`` or ``owners.occupant.moved_out.v1`` (whichever the occupancy is
now), ``owners.unit.contacts_changed.v1`` (for units that ever had a contact list),
``owners.staff.updated.v1``, ``owners.territory.assigned.v1``, ``owners.department.updated.v1``
(an estate's departments with their members; the operator's templates have no events),
``owners.equipment.updated.v1`` and ``owners.company.updated.v1`` (its units and contacts included);
parents before children.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, Select, select

from owners import events
from owners.service import SERVICE
from owners.tables import (
    buildings,
    companies,
    company_contacts,
    company_units,
    contact_points,
    department_members,
    departments,
    equipment,
    estates,
    occupancies,
    people,
    staff,
    territories,
    unit_contacts,
    units,
)
from servicekit.envelope import CloudEvent

_BATCH = 1000
_POINT_ORDER = (contact_points.c.preferred.desc(), contact_points.c.kind, contact_points.c.value)


def state_events(db: Connection) -> Iterator[CloudEvent]:
    """Owners' current state as events, read through ``db`` (the caller holds the snapshot)."""
    for row in _stream(db, select(estates).order_by(estates.c.id)):
        yield _event(events.ESTATE_UPDATED, row["id"], events.estate_payload(row))
    for row in _stream(db, select(buildings).order_by(buildings.c.id)):
        yield _event(events.BUILDING_UPDATED, row["id"], events.building_payload(row))
    for row in _stream(db, select(units).order_by(units.c.id)):
        yield _event(events.UNIT_UPDATED, row["id"], events.unit_payload(row))
    points = _grouped(_stream(db, select(contact_points).order_by(contact_points.c.person_id, *_POINT_ORDER)),
                      "person_id")
    for row, its_points in _merged(_stream(db, select(people).order_by(people.c.id)), points):
        yield _event(events.PERSON_UPDATED, row["id"], events.person_payload(row, its_points))
    for row in _stream(db, select(occupancies).order_by(occupancies.c.id)):
        type_ = events.OCCUPANT_MOVED_IN if row["moved_out_on"] is None else events.OCCUPANT_MOVED_OUT
        yield _event(type_, row["id"], events.occupancy_payload(row))
    lists = _grouped(_stream(db, select(unit_contacts).order_by(unit_contacts.c.unit_id, unit_contacts.c.position)),
                     "unit_id")
    listed = select(units.c.id, units.c.estate_id, units.c.contacts_version).where(units.c.contacts_version > 0)
    for unit, contacts in _merged(_stream(db, listed.order_by(units.c.id)), lists):
        payload = events.unit_contacts_payload(unit["estate_id"], unit["id"], [c["person_id"] for c in contacts],
                                               unit["contacts_version"])
        yield _event(events.UNIT_CONTACTS_CHANGED, unit["id"], payload)
    for row in _stream(db, select(staff).order_by(staff.c.id)):
        yield _event(events.STAFF_UPDATED, row["id"], events.staff_payload(row))
    for row in _stream(db, select(territories).order_by(territories.c.id)):
        yield _event(events.TERRITORY_ASSIGNED, row["id"], events.territory_payload(row))
    members = _grouped(_stream(db, select(department_members).order_by(department_members.c.department_id,
                                                                       department_members.c.staff_id)),
                       "department_id")
    of_estates = select(departments).where(departments.c.estate_id.is_not(None)).order_by(departments.c.id)
    for row, its_members in _merged(_stream(db, of_estates), members):
        payload = events.department_payload(row, sorted((m["staff_id"] for m in its_members), key=str))
        yield _event(events.DEPARTMENT_UPDATED, row["id"], payload)
    for row in _stream(db, select(equipment).order_by(equipment.c.id)):
        yield _event(events.EQUIPMENT_UPDATED, row["id"], events.equipment_payload(row))
    occupied = _grouped(_stream(db, select(company_units).order_by(company_units.c.company_id)), "company_id")
    contacts = _grouped(_stream(db, select(company_contacts).order_by(company_contacts.c.company_id,
                                                                      company_contacts.c.position)), "company_id")
    by_company = _merged(_stream(db, select(companies).order_by(companies.c.id)), occupied)
    for (row, its_units), (_same, its_contacts) in zip(by_company, _merged(
            _stream(db, select(companies.c.id).order_by(companies.c.id)), contacts), strict=True):
        unit_ids = sorted((u["unit_id"] for u in its_units), key=str)
        yield _event(events.COMPANY_UPDATED, row["id"], events.company_payload(row, unit_ids, its_contacts))


def _event(type_: str, subject: Any, data: dict[str, Any]) -> CloudEvent:
    return CloudEvent(type=type_, source=SERVICE.source, subject=str(subject), data=data)


def _stream(db: Connection, statement: Select[Any]) -> Iterator[dict[str, Any]]:
    """Rows as dicts, a batch at a time from a server-side cursor on PostgreSQL."""
    result = db.execution_options(stream_results=True, yield_per=_BATCH).execute(statement).mappings()
    for row in result:
        yield dict(row)


def _grouped(rows: Iterable[Mapping[str, Any]], key: str) -> Iterator[tuple[Any, list[Mapping[str, Any]]]]:
    for value, group in groupby(rows, key=lambda r: r[key]):
        yield value, list(group)


def _merged(parents: Iterable[dict[str, Any]], children: Iterator[tuple[Any, list[Mapping[str, Any]]]]
            ) -> Iterator[tuple[dict[str, Any], list[Mapping[str, Any]]]]:
    """Each parent (ordered by id) with its children (grouped by the same id, in the same order)."""
    pending = next(children, None)
    for parent in parents:
        while pending is not None and pending[0] < parent["id"]:
            pending = next(children, None)  # children of no parent in this read (cannot happen: foreign keys)
        if pending is not None and pending[0] == parent["id"]:
            yield parent, pending[1]
            pending = next(children, None)
        else:
            yield parent, []
