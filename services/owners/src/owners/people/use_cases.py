"""What callers can do with people (OWN-2, OWN-4, X-2): register an owner or occupant, change their
particulars, replace their contact points, and set whom the desk calls first for a unit (a reveal
of full phone numbers is audited by ``servicekit.audit``, from ``people/api.py``).

Registering is the desk's most frequent write ("create an owner"), so it is one transaction of
few round trips: the person, their contact points and the occupancy in one statement (see
``people/registration.py``), then the outbox, then the commit. Nothing is read first: the
estate's foreign key and the unit's own row (selected into the occupancy) do the checking.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select, update

from owners import events
from owners.domain.contacts import Channel
from owners.domain.errors import NO_SUCH_ESTATE, NotFound
from owners.domain.people import contact_points_of, preferred_channel
from owners.domain.unit_contacts import check_contact_order, without
from owners.people.registration import write_registration
from owners.people.views import person_contact_points, person_occupancies, unit_contact_list
from owners.tables import contact_points, occupancies, people, unit_contacts, units
from owners.versions import save_version
from servicekit.rows import changed, constraint_errors, get_row, now
from servicekit.unit_of_work import UnitOfWork


def register_person(uow: UnitOfWork, estate_id: UUID, name: str, *, contact_points: Sequence[Mapping[str, Any]] = (),
                    language: str = "zh-CN", preferred_channel: str | None = None, note: str = "",
                    occupancy: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Register a person in an estate with their contact points and, optionally, their move-in to
    one of the estate's units (as owner, tenant, family or other), all in one transaction."""
    with uow:
        registered = register_in(uow, estate_id, name, contact_points=contact_points, language=language,
                                 preferred_channel=preferred_channel, note=note, occupancy=occupancy)
        uow.commit()
    return registered


def register_in(uow: UnitOfWork, estate_id: UUID, name: str, *, contact_points: Sequence[Mapping[str, Any]] = (),
                language: str = "zh-CN", preferred_channel: str | None = None, note: str = "",
                occupancy: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """:func:`register_person` inside the caller's open unit of work (a prospect's conversion): the
    caller commits."""
    points = contact_points_of(contact_points)
    channel = _channel(preferred_channel, points)
    stamp = now()
    person = {"id": uuid.uuid4(), "estate_id": estate_id, "name": name, "language": language,
              "preferred_channel": channel, "note": note, "version": 1, "created_at": stamp, "updated_at": stamp}
    rows = _contact_point_rows(estate_id, person["id"], points)
    moved_in = _first_occupancy(person, occupancy, stamp) if occupancy else None
    _write_registration(uow, person, rows, moved_in)
    uow.record(events.PERSON_REGISTERED, person["id"], events.person_payload(person, rows))
    if moved_in:
        uow.record(events.OCCUPANT_MOVED_IN, moved_in["id"], events.occupancy_payload(moved_in))
    return {**person, "contact_points": rows, "occupancies": [moved_in] if moved_in else []}


def update_person(uow: UnitOfWork, person_id: UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Change a person's name, language, preferred channel or note."""
    with uow:
        current = get_row(uow, people, person_id, "person", what_zh="住户", lock=True)
        points = person_contact_points(uow.session, person_id)
        changes = changed(current, changes)
        if "preferred_channel" in changes:
            changes["preferred_channel"] = _channel(changes["preferred_channel"], points)
        row = current
        if changes:
            row = save_version(uow, people, current, changes, event=events.PERSON_UPDATED,
                               payload=lambda new: events.person_payload(new, points))
            uow.commit()
        return {**row, "contact_points": points, "occupancies": person_occupancies(uow.session, person_id)}


def replace_contact_points(uow: UnitOfWork, person_id: UUID, new_points: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Replace a person's contact points with a new set; their preferred channel must stay reachable."""
    points = contact_points_of(new_points)
    with uow:
        person = get_row(uow, people, person_id, "person", what_zh="住户", lock=True)
        _channel(person["preferred_channel"], points)
        uow.execute(delete(contact_points).where(contact_points.c.person_id == person_id))
        points = _contact_point_rows(person["estate_id"], person_id, points)
        if points:
            uow.execute(insert(contact_points), points)
        person["version"] += 1  # new contact points are a new version of the person
        uow.execute(update(people).where(people.c.id == person_id).values(version=person["version"]))
        uow.record(events.PERSON_CONTACT_POINTS_CHANGED, person_id, events.contact_points_payload(person, points))
        uow.commit()
        return {**person, "contact_points": points, "occupancies": person_occupancies(uow.session, person_id)}


def set_unit_contacts(uow: UnitOfWork, unit_id: UUID, person_ids: Sequence[UUID]) -> dict[str, Any]:
    """Replace the ordered contact persons of a unit; each must currently occupy (or own) it. Returns
    the new list as ``views.unit_contact_list`` reads it."""
    with uow:
        unit = get_row(uow, units, unit_id, "unit", what_zh="房屋", lock=True)  # one writer of a unit's contacts
        eligible = set(uow.execute(select(occupancies.c.person_id).where(
            occupancies.c.unit_id == unit_id, occupancies.c.moved_out_on.is_(None))).scalars())
        order = check_contact_order(person_ids, eligible)
        _write_contact_order(uow, unit["estate_id"], unit_id, order)
        answer = unit_contact_list(uow.session, unit_id)
        uow.commit()
        return answer


def drop_contact(uow: UnitOfWork, estate_id: UUID, unit_id: UUID, person_id: UUID) -> None:
    """Inside another use case (a move-out): ``person_id`` is no longer eligible; the others move up."""
    order = list(uow.execute(select(unit_contacts.c.person_id).where(unit_contacts.c.unit_id == unit_id)
                             .order_by(unit_contacts.c.position)).scalars())
    if person_id in order:
        _write_contact_order(uow, estate_id, unit_id, without(order, person_id))


def _channel(requested: str | None, points: Sequence[Mapping[str, Any]]) -> str:
    return preferred_channel(None if requested is None else Channel(requested), points).value


def _contact_point_rows(estate_id: UUID, person_id: UUID, points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": uuid.uuid4(), "estate_id": estate_id, "person_id": person_id, **cp} for cp in points]


def _first_occupancy(person: Mapping[str, Any], occupancy: Mapping[str, Any], stamp: datetime) -> dict[str, Any]:
    return {"id": uuid.uuid4(), "estate_id": person["estate_id"], "unit_id": occupancy["unit_id"],
            "person_id": person["id"], "role": occupancy["role"], "moved_in_on": occupancy["moved_in_on"],
            "moved_out_on": None, "version": 1, "created_at": stamp, "updated_at": stamp}


def _write_registration(uow: UnitOfWork, person: Mapping[str, Any], points: list[dict[str, Any]],
                        moved_in: Mapping[str, Any] | None) -> None:
    # No estate: the person's foreign key fails. A unit of another estate: no occupancy row is
    # selected, and the transaction is rolled back.
    with constraint_errors(missing=NO_SUCH_ESTATE):
        unit_found = write_registration(uow.session, person, points, moved_in)
    if not unit_found:
        en = "no such unit in this estate"
        raise NotFound(en, "本小区没有此房屋", errors={"occupancy": {"unit_id": [en]}})


def _write_contact_order(uow: UnitOfWork, estate_id: UUID, unit_id: UUID, order: list[UUID]) -> None:
    uow.execute(delete(unit_contacts).where(unit_contacts.c.unit_id == unit_id))
    if order:
        uow.execute(insert(unit_contacts).values([
            {"unit_id": unit_id, "position": i, "estate_id": estate_id, "person_id": p}
            for i, p in enumerate(order, start=1)]))
    # The list's own version; every caller holds the unit's row lock, so this is one writer at a time.
    version = uow.execute(update(units).where(units.c.id == unit_id)
                          .values(contacts_version=units.c.contacts_version + 1)
                          .returning(units.c.contacts_version)).scalar_one()
    uow.record(events.UNIT_CONTACTS_CHANGED, unit_id,
               events.unit_contacts_payload(estate_id, unit_id, order, version))
