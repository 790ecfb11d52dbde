"""How notify applies owners' events to its copy of the people it reaches (estates, buildings,
units, people with their contact points, language and preferred channel, occupancies, staff).

Every owners entity event carries the entity's whole state and its ``version``; each handler
writes the copy row by the newer-wins rule (:func:`servicekit.copies.upsert_newer_at_commit`), so a
stale event (redelivered, retried, replayed after a newer one) changes nothing. Fields notify does
not keep, and fields added by later versions of owners' schemas, are ignored.

* A person keeps one mobile and one e-mail: the preferred one of each kind, else the first.
* An occupant who moved out keeps the row with ``moved_out_on`` set (no longer in any audience).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from notify.tables import buildings, estates, occupancies, people, staff, units
from servicekit.copies import copy_entity as _write
from servicekit.copies import date_or_none as _date
from servicekit.copies import uuid_or_none as _uuid
from servicekit.envelope import CloudEvent


def preferred(contact_points: Any, kind: str) -> str | None:
    """The preferred contact point of ``kind`` (mobile, email), else the first of it, else None."""
    points = [p for p in contact_points or () if isinstance(p, Mapping) and p.get("kind") == kind and p.get("value")]
    for point in points:
        if point.get("preferred"):
            return point["value"]
    return points[0]["value"] if points else None


def apply_estate(session: Session, event: CloudEvent) -> None:
    """owners.estate.registered / updated."""
    d = event.data
    _write(session, estates, d, "estate_id", {"code": d["code"], "name": d["name"]})


def apply_building(session: Session, event: CloudEvent) -> None:
    """owners.building.added / updated."""
    d = event.data
    _write(session, buildings, d, "building_id",
           {"estate_id": _uuid(d["estate_id"]), "code": d["code"], "name": d["name"]})


def apply_unit(session: Session, event: CloudEvent) -> None:
    """owners.unit.added / updated."""
    d = event.data
    _write(session, units, d, "unit_id",
           {"estate_id": _uuid(d["estate_id"]), "building_id": _uuid(d["building_id"]), "number": d["number"]})


def apply_person(session: Session, event: CloudEvent) -> None:
    """owners.person.registered / updated / contact_points_changed: each carries the whole person."""
    d = event.data
    points = d.get("contact_points")
    _write(session, people, d, "person_id",
           {"estate_id": _uuid(d["estate_id"]), "name": d["name"], "language": d.get("language") or "zh-CN",
            "preferred_channel": d.get("preferred_channel") or "sms",
            "mobile": preferred(points, "mobile"), "email": preferred(points, "email")})


def apply_occupancy(session: Session, event: CloudEvent) -> None:
    """owners.occupant.moved_in / moved_out."""
    d = event.data
    _write(session, occupancies, d, "occupancy_id",
           {"estate_id": _uuid(d["estate_id"]), "unit_id": _uuid(d["unit_id"]), "person_id": _uuid(d["person_id"]),
            "role": d["role"], "moved_in_on": _date(d.get("moved_in_on")),
            "moved_out_on": _date(d.get("moved_out_on"))})


def apply_staff(session: Session, event: CloudEvent) -> None:
    """owners.staff.joined / updated: name, role, contact and whether the member is active."""
    d = event.data
    _write(session, staff, d, "staff_id",
           {"estate_id": _uuid(d["estate_id"]), "name": d["name"], "role": d["role"],
            "mobile": d.get("mobile"), "email": d.get("email"), "active": bool(d.get("active", True))})


COPY_HANDLERS: dict[str, Callable[[Session, CloudEvent], None]] = {
    "owners.estate.registered.v1": apply_estate,
    "owners.estate.updated.v1": apply_estate,
    "owners.building.added.v1": apply_building,
    "owners.building.updated.v1": apply_building,
    "owners.unit.added.v1": apply_unit,
    "owners.unit.updated.v1": apply_unit,
    "owners.person.registered.v1": apply_person,
    "owners.person.updated.v1": apply_person,
    "owners.person.contact_points_changed.v1": apply_person,
    "owners.occupant.moved_in.v1": apply_occupancy,
    "owners.occupant.moved_out.v1": apply_occupancy,
    "owners.staff.joined.v1": apply_staff,
    "owners.staff.updated.v1": apply_staff,
}
