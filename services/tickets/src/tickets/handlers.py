"""How tickets applies owners' events to its copy of owners' data (estates, buildings, units,
people, occupancies, staff, territories).

Every owners entity event carries the entity's whole state and its ``version``; each handler
writes the copy row by the newer-wins rule (:func:`servicekit.copies.upsert_newer_at_commit`: the
writes of the consumer's batch go in one statement per table when it commits), so a stale event
(redelivered, retried, replayed after a newer one) changes nothing. Fields tickets does not keep (an estate's
address, a unit's area, a person's e-mail) and fields added by later versions of owners'
schemas are ignored.

* A person keeps one number: the preferred mobile, else the first mobile, else none.
* A released territory stays as a row with ``released = true`` at its release version, so an
  older "assigned" event that comes late cannot bring it back.
* An occupant who moved out keeps the row with ``moved_out_on`` set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from servicekit.copies import copy_entity as _write
from servicekit.copies import date_or_none as _date
from servicekit.copies import uuid_or_none as _uuid
from servicekit.envelope import CloudEvent
from tickets.tables import buildings, estates, occupancies, people, staff, territories, units


def preferred_mobile(contact_points: Any) -> str | None:
    """The preferred mobile number among a person's contact points, else the first mobile, else None."""
    mobiles = [p for p in contact_points or () if isinstance(p, Mapping) and p.get("kind") == "mobile"
               and p.get("value")]
    for point in mobiles:
        if point.get("preferred"):
            return point["value"]
    return mobiles[0]["value"] if mobiles else None


def apply_estate(session: Session, event: CloudEvent) -> None:
    """owners.estate.registered / updated: the estate's code and name."""
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
    _write(session, units, d, "unit_id", {"estate_id": _uuid(d["estate_id"]), "building_id": _uuid(d["building_id"]),
                                          "number": d["number"], "floor": d.get("floor")})


def apply_person(session: Session, event: CloudEvent) -> None:
    """owners.person.registered / updated / contact_points_changed: each carries the whole person."""
    d = event.data
    _write(session, people, d, "person_id",
           {"estate_id": _uuid(d["estate_id"]), "name": d["name"], "language": d.get("language") or "zh-CN",
            "mobile": preferred_mobile(d.get("contact_points"))})


def apply_occupancy(session: Session, event: CloudEvent) -> None:
    """owners.occupant.moved_in / moved_out: a move-out keeps the row, with moved_out_on set."""
    d = event.data
    _write(session, occupancies, d, "occupancy_id",
           {"estate_id": _uuid(d["estate_id"]), "unit_id": _uuid(d["unit_id"]), "person_id": _uuid(d["person_id"]),
            "role": d["role"], "moved_in_on": _date(d.get("moved_in_on")),
            "moved_out_on": _date(d.get("moved_out_on"))})


def apply_staff(session: Session, event: CloudEvent) -> None:
    """owners.staff.joined / updated: role, skills (sorted, once each) and whether the member is active."""
    d = event.data
    _write(session, staff, d, "staff_id",
           {"estate_id": _uuid(d["estate_id"]), "name": d["name"], "role": d["role"],
            "skills": sorted(set(d.get("skills") or ())), "active": bool(d.get("active", True))})


def _territory(session: Session, event: CloudEvent, *, released: bool) -> None:
    d = event.data
    _write(session, territories, d, "territory_id",
           {"estate_id": _uuid(d["estate_id"]), "staff_id": _uuid(d["staff_id"]),
            "building_id": _uuid(d.get("building_id")), "released": released})


def apply_territory_assigned(session: Session, event: CloudEvent) -> None:
    """owners.territory.assigned."""
    _territory(session, event, released=False)


def apply_territory_released(session: Session, event: CloudEvent) -> None:
    """owners.territory.released: the row stays, released, at its release version (a tombstone)."""
    _territory(session, event, released=True)


HANDLERS: dict[str, Callable[[Session, CloudEvent], None]] = {
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
    "owners.territory.assigned.v1": apply_territory_assigned,
    "owners.territory.released.v1": apply_territory_released,
}
