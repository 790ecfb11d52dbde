"""Use cases of people (OWN-2): register an owner or occupant, change their particulars, replace
their contact points.

Registering is the desk's most frequent write ("create an owner"), so it is one transaction of
few round trips: the person, their contact points and the occupancy in one statement (see
``adapters/registration.py``), then the outbox, then the commit. Nothing is read first: the
estate's foreign key and the unit's own row (selected into the occupancy) do the checking.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, update

from owners.adapters.registration import write_registration
from owners.tables import contact_points, people
from owners import events
from owners.domain.contacts import Channel
from owners.domain.errors import NotFound
from owners.domain.people import contact_points_of, preferred_channel
from owners.views import person_contact_points, person_occupancies
from servicekit.rows import changed, constraint_errors, get_row, now
from servicekit.unit_of_work import UnitOfWork


def register_person(uow: UnitOfWork, estate_id: UUID, name: str, *, contact_points: Sequence[Mapping[str, Any]] = (),
                    language: str = "zh-CN", preferred_channel: str | None = None, note: str = "",
                    occupancy: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Register a person in an estate with their contact points and, optionally, their move-in to
    one of the estate's units (as owner, tenant, family or other), all in one transaction."""
    points = contact_points_of(contact_points)
    channel = _channel(preferred_channel, points)
    with uow:
        stamp = now()
        person = {"id": uuid.uuid4(), "estate_id": estate_id, "name": name, "language": language,
                  "preferred_channel": channel, "note": note, "version": 1, "created_at": stamp, "updated_at": stamp}
        rows = _contact_point_rows(estate_id, person["id"], points)
        moved_in = _first_occupancy(person, occupancy, stamp) if occupancy else None
        _write_registration(uow, person, rows, moved_in)
        uow.record(events.PERSON_REGISTERED, person["id"], events.person_payload(person, rows))
        if moved_in:
            uow.record(events.OCCUPANT_MOVED_IN, moved_in["id"], events.occupancy_payload(moved_in))
        uow.commit()
    return {**person, "contact_points": rows, "occupancies": [moved_in] if moved_in else []}


def update_person(uow: UnitOfWork, person_id: UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Change a person's name, language, preferred channel or note."""
    with uow:
        current = get_row(uow, people, person_id, "person", lock=True)
        points = person_contact_points(uow.session, person_id)
        changes = changed(current, changes)
        if "preferred_channel" in changes:
            changes["preferred_channel"] = _channel(changes["preferred_channel"], points)
        row = {**current, **changes}
        if changes:
            row["updated_at"], row["version"] = now(), current["version"] + 1
            uow.execute(update(people).where(people.c.id == person_id).values(
                **changes, updated_at=row["updated_at"], version=row["version"]))
            uow.record(events.PERSON_UPDATED, person_id, events.person_payload(row, points))
            uow.commit()
        return {**row, "contact_points": points, "occupancies": person_occupancies(uow.session, person_id)}


def replace_contact_points(uow: UnitOfWork, person_id: UUID, new_points: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Replace a person's contact points with a new set; their preferred channel must stay reachable."""
    points = contact_points_of(new_points)
    with uow:
        person = get_row(uow, people, person_id, "person", lock=True)
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
    with constraint_errors(missing="no such estate"):
        unit_found = write_registration(uow.session, person, points, moved_in)
    if not unit_found:
        message = "no such unit in this estate"
        raise NotFound(message, errors={"occupancy": {"unit_id": [message]}})
