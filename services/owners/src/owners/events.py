"""Every event the owners service records, and the payload of each; documented in ``contracts/``.

A use case records what happened (``uow.record(type, subject, payload)``); the unit of work turns
each record into a CloudEvent in the outbox inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ESTATE_REGISTERED = "owners.estate.registered.v1"
ESTATE_UPDATED = "owners.estate.updated.v1"
BUILDING_ADDED = "owners.building.added.v1"
BUILDING_UPDATED = "owners.building.updated.v1"
UNIT_ADDED = "owners.unit.added.v1"
UNIT_UPDATED = "owners.unit.updated.v1"
UNIT_CONTACTS_CHANGED = "owners.unit.contacts_changed.v1"
PERSON_REGISTERED = "owners.person.registered.v1"
PERSON_UPDATED = "owners.person.updated.v1"
PERSON_CONTACT_POINTS_CHANGED = "owners.person.contact_points_changed.v1"
OCCUPANT_MOVED_IN = "owners.occupant.moved_in.v1"
OCCUPANT_MOVED_OUT = "owners.occupant.moved_out.v1"
STAFF_JOINED = "owners.staff.joined.v1"
STAFF_UPDATED = "owners.staff.updated.v1"
TERRITORY_ASSIGNED = "owners.territory.assigned.v1"
TERRITORY_RELEASED = "owners.territory.released.v1"
DEPARTMENT_ADDED = "owners.department.added.v1"
DEPARTMENT_UPDATED = "owners.department.updated.v1"
EQUIPMENT_ADDED = "owners.equipment.added.v1"
EQUIPMENT_UPDATED = "owners.equipment.updated.v1"
COMPANY_ADDED = "owners.company.added.v1"
COMPANY_UPDATED = "owners.company.updated.v1"

# Every type above, in one place: the contract tests hold each to its schema in contracts/events/.
EVENT_TYPES = (
    ESTATE_REGISTERED, ESTATE_UPDATED, BUILDING_ADDED, BUILDING_UPDATED, UNIT_ADDED, UNIT_UPDATED,
    UNIT_CONTACTS_CHANGED, PERSON_REGISTERED, PERSON_UPDATED, PERSON_CONTACT_POINTS_CHANGED,
    OCCUPANT_MOVED_IN, OCCUPANT_MOVED_OUT, STAFF_JOINED, STAFF_UPDATED, TERRITORY_ASSIGNED,
    TERRITORY_RELEASED, DEPARTMENT_ADDED, DEPARTMENT_UPDATED, EQUIPMENT_ADDED, EQUIPMENT_UPDATED,
    COMPANY_ADDED, COMPANY_UPDATED,
)


# Payload builders: one per entity, so an event looks the same whether it came from the API, an
# import, the demo loader or a replay of the current state (owners.replay). Each takes the entity's
# row as the database holds it after the change, its ``version`` included (a row without one is a
# bug: KeyError, not a silent version-less event).

def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def estate_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"estate_id": str(row["id"]), "code": row["code"], "name": row["name"], "city": row["city"],
            "address": row["address"], "version": row["version"]}


def building_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"estate_id": str(row["estate_id"]), "building_id": str(row["id"]), "code": row["code"],
            "name": row["name"], "floors": row.get("floors"), "version": row["version"]}


def unit_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    area = row.get("area_m2")
    return {"estate_id": str(row["estate_id"]), "building_id": str(row["building_id"]), "unit_id": str(row["id"]),
            "number": row["number"], "floor": row.get("floor"), "area_m2": None if area is None else str(area),
            "version": row["version"]}


def contact_point_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"kind": row["kind"], "value": row["value"], "label": row.get("label", ""),
            "preferred": bool(row.get("preferred", False))}


def person_payload(row: Mapping[str, Any], contact_points: list[Mapping[str, Any]]) -> dict[str, Any]:
    """A person with every contact point in full: notify keeps its own copy to reach them."""
    return {"estate_id": str(row["estate_id"]), "person_id": str(row["id"]), "name": row["name"],
            "language": row["language"], "preferred_channel": row["preferred_channel"],
            "contact_points": [contact_point_payload(c) for c in contact_points], "version": row["version"]}


def contact_points_payload(row: Mapping[str, Any], contact_points: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The person's whole state, as person.updated: a change of contact points is a new version of
    the person, so a consumer that skips a stale person event loses nothing."""
    return person_payload(row, contact_points)


def occupancy_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"estate_id": str(row["estate_id"]), "occupancy_id": str(row["id"]), "unit_id": str(row["unit_id"]),
            "person_id": str(row["person_id"]), "role": row["role"],
            "moved_in_on": _iso(row["moved_in_on"]), "moved_out_on": _iso(row.get("moved_out_on")),
            "version": row["version"]}


def unit_contacts_payload(estate_id: Any, unit_id: Any, person_ids: list[Any], version: int) -> dict[str, Any]:
    """``version`` is the contact list's own (``units.contacts_version``), not the unit's."""
    return {"estate_id": str(estate_id), "unit_id": str(unit_id),
            "contacts": [{"position": i, "person_id": str(p)} for i, p in enumerate(person_ids, start=1)],
            "version": version}


def staff_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"estate_id": str(row["estate_id"]), "staff_id": str(row["id"]), "name": row["name"],
            "role": row["role"], "skills": list(row["skills"]), "mobile": row.get("mobile"),
            "email": row.get("email"), "active": bool(row["active"]), "version": row["version"]}


def territory_payload(row: Mapping[str, Any], *, released: bool = False) -> dict[str, Any]:
    """A release is the territory's last version: the row's version + 1 (the row is deleted)."""
    return {"estate_id": str(row["estate_id"]), "territory_id": str(row["id"]), "staff_id": str(row["staff_id"]),
            "building_id": _s(row.get("building_id")), "version": row["version"] + (1 if released else 0)}


def department_payload(row: Mapping[str, Any], member_ids: list[Any]) -> dict[str, Any]:
    """An estate's department with its supervisor and every member (a template, of no estate, has no
    events: no other service keeps templates). A change of members is a new version of the department."""
    return {"estate_id": str(row["estate_id"]), "department_id": str(row["id"]), "code": row["code"],
            "name": row["name"], "supervisor_id": _s(row.get("supervisor_id")),
            "members": [str(m) for m in member_ids], "active": bool(row["active"]), "version": row["version"]}


def equipment_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    """A common area or item of equipment with its whole state (OWN-10)."""
    return {"estate_id": str(row["estate_id"]), "equipment_id": str(row["id"]),
            "building_id": _s(row.get("building_id")), "kind": row["kind"], "identifier": row["identifier"],
            "name": row["name"], "location": row["location"], "installer": row["installer"],
            "maintenance_contractor": row["maintenance_contractor"], "installed_on": _iso(row.get("installed_on")),
            "active": bool(row["active"]), "version": row["version"]}


def company_payload(row: Mapping[str, Any], unit_ids: list[Any], contacts: list[Mapping[str, Any]]) -> dict[str, Any]:
    """A company with the units it occupies and its contacts in order (OWN-11): whom a ticket or a notice
    about the company reaches."""
    return {"estate_id": str(row["estate_id"]), "company_id": str(row["id"]), "name": row["name"],
            "credit_code": row["credit_code"], "unit_ids": [str(u) for u in unit_ids],
            "contacts": [{"position": i, "person_id": str(c["person_id"]), "title": c.get("title", "")}
                         for i, c in enumerate(contacts, start=1)],
            "version": row["version"]}
