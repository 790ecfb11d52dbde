"""The read side of people: one person with their contact points and occupancies, and a unit's
contact persons in calling order. Rows come back as stored: the API masks what it shows
(``owners/privacy.py``). Finding people is the search area's (``owners/search``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from owners.tables import contact_points, occupancies, people, unit_contacts, units
from servicekit.rows import get_row

_CONTACT_COLUMNS = ("id", "kind", "value", "label", "preferred")


def person(session: Session, person_id: UUID) -> dict[str, Any]:
    """A person with their contact points and every occupancy, current and past."""
    row = get_row(session, people, person_id, "person", what_zh="住户")
    return {**row, "contact_points": person_contact_points(session, person_id),
            "occupancies": person_occupancies(session, person_id)}


def person_contact_points(session: Session, person_id: UUID) -> list[dict[str, Any]]:
    """A person's contact points, the preferred one first."""
    statement = (select(*(contact_points.c[name] for name in _CONTACT_COLUMNS))
                 .where(contact_points.c.person_id == person_id)
                 .order_by(contact_points.c.preferred.desc(), contact_points.c.kind, contact_points.c.value))
    return [dict(r) for r in session.execute(statement).mappings()]


def person_occupancies(session: Session, person_id: UUID) -> list[dict[str, Any]]:
    """Every occupancy of a person, current and past, latest move-in first."""
    statement = (select(occupancies).where(occupancies.c.person_id == person_id)
                 .order_by(occupancies.c.moved_in_on.desc(), occupancies.c.created_at.desc()))
    return [dict(r) for r in session.execute(statement).mappings()]


def unit_contact_list(session: Session, unit_id: UUID) -> dict[str, Any]:
    """A unit's contact persons with their names and preferred contact point, in calling order, and
    the unit's estate (whose audit a reveal of their numbers goes to)."""
    unit = get_row(session, units, unit_id, "unit", what_zh="房屋")
    statement = (select(unit_contacts.c.position, people.c.id.label("person_id"), people.c.name,
                        people.c.preferred_channel, contact_points.c.kind, contact_points.c.value)
                 .join(people, people.c.id == unit_contacts.c.person_id)
                 .outerjoin(contact_points, (contact_points.c.person_id == people.c.id) & contact_points.c.preferred)
                 .where(unit_contacts.c.unit_id == unit_id).order_by(unit_contacts.c.position))
    return {"unit_id": unit_id, "estate_id": unit["estate_id"],
            "contacts": [dict(r) for r in session.execute(statement).mappings()]}
