"""The copies of owners' entities every consumer of owners keeps alike, declared once.

tickets, notify and surveys each keep a copy of owners' estates, buildings, units, people,
occupancies, staff and territories (tickets and notify also of its companies; see
:mod:`servicekit.copies`), and the core of each copy is the same
declaration: the same events, the same key, the same columns read the same way. Here is that core;
a service adds the columns only it keeps (a unit's floor, a person's mobile) as further
:func:`~servicekit.copies.copied` columns::

    estates = owners_copies.estates(metadata)
    people = owners_copies.people(metadata, copied("preferred_channel", String(10), default="sms"))

Each function answers the table :func:`~servicekit.copies.entity_copy` declares (named as owners'
table), so :func:`~servicekit.copies.copy_handlers` makes its handlers as for any other copy.
A moved-out occupancy and a released territory stay as rows (a tombstone at its last version).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, Boolean, Date, MetaData, String, Table, Uuid, text

from servicekit.copies import Copied, copied, entity_copy

ESTATE_EVENTS = ("owners.estate.registered.v1", "owners.estate.updated.v1")
BUILDING_EVENTS = ("owners.building.added.v1", "owners.building.updated.v1")
UNIT_EVENTS = ("owners.unit.added.v1", "owners.unit.updated.v1")
PERSON_EVENTS = ("owners.person.registered.v1", "owners.person.updated.v1", "owners.person.contact_points_changed.v1")
OCCUPANCY_EVENTS = ("owners.occupant.moved_in.v1", "owners.occupant.moved_out.v1")
STAFF_EVENTS = ("owners.staff.joined.v1", "owners.staff.updated.v1")
TERRITORY_EVENTS = ("owners.territory.assigned.v1", "owners.territory.released.v1")
COMPANY_EVENTS = ("owners.company.added.v1", "owners.company.updated.v1")


def _estate_id() -> Copied:
    return copied("estate_id", Uuid, index=True)


def estates(metadata: MetaData, *more: Copied) -> Table:
    """An estate: its code and name."""
    return entity_copy("estates", metadata, copied("code", String(32)), copied("name", String(100)), *more,
                       key="estate_id", events=ESTATE_EVENTS)


def buildings(metadata: MetaData, *more: Copied) -> Table:
    """A building of an estate: its code and name."""
    return entity_copy("buildings", metadata, _estate_id(), copied("code", String(32)), copied("name", String(100)),
                       *more, key="building_id", events=BUILDING_EVENTS)


def units(metadata: MetaData, *more: Copied) -> Table:
    """A unit of a building: its number (``2-1202``)."""
    return entity_copy("units", metadata, _estate_id(), copied("building_id", Uuid, index=True),
                       copied("number", String(32)), *more, key="unit_id", events=UNIT_EVENTS)


def people(metadata: MetaData, *more: Copied) -> Table:
    """A person: their name and language (zh-CN when owners says none)."""
    return entity_copy("people", metadata, _estate_id(), copied("name", String(100)),
                       copied("language", String(10), default="zh-CN", server_default="zh-CN"), *more,
                       key="person_id", events=PERSON_EVENTS)


def occupancies(metadata: MetaData, *more: Copied) -> Table:
    """Who lives in which unit, as what (owner, tenant, family...), from when to when; a moved-out
    occupancy keeps its row with ``moved_out_on`` set."""
    return entity_copy("occupancies", metadata, _estate_id(), copied("unit_id", Uuid, index=True),
                       copied("person_id", Uuid, index=True), copied("role", String(20)),
                       copied("moved_in_on", Date, nullable=True), copied("moved_out_on", Date, nullable=True),
                       *more, key="occupancy_id", events=OCCUPANCY_EVENTS)


def staff(metadata: MetaData, *more: Copied) -> Table:
    """A staff member of an estate: name, role (technician, supervisor, ...) and whether active."""
    return entity_copy("staff", metadata, _estate_id(), copied("name", String(100)), copied("role", String(40)),
                       *more, copied("active", Boolean, default=True), key="staff_id", events=STAFF_EVENTS)


def territories(metadata: MetaData, *more: Copied) -> Table:
    """A staff member's territory: an estate, or one building of it (``building_id``); a released one
    stays as a row, released, at its release version, so an older "assigned" cannot bring it back."""
    return entity_copy("territories", metadata, _estate_id(), copied("staff_id", Uuid, index=True),
                       copied("building_id", Uuid, nullable=True),
                       copied("released", Boolean, server_default=text("false"),
                              per_event={TERRITORY_EVENTS[0]: False, TERRITORY_EVENTS[1]: True}),
                       *more, key="territory_id", events=TERRITORY_EVENTS)


def _unit_ids(values: Any) -> list[str]:
    return sorted({str(v) for v in values or ()})


def _contacts_in_order(contacts: Any) -> list[dict[str, Any]]:
    ordered = sorted((c for c in contacts or () if isinstance(c, Mapping)), key=lambda c: int(c["position"]))
    return [{"position": i, "person_id": str(c["person_id"]), "title": c.get("title") or ""}
            for i, c in enumerate(ordered, start=1)]


def companies(metadata: MetaData, *more: Copied) -> Table:
    """A company occupying units of an estate (an office tenant, OWN-11): its name, the units it
    occupies (``unit_ids``: ids as text, sorted) and its contacts in the order the desk calls them
    (``contacts``: ``[{"position", "person_id", "title"}]``, positions 1, 2, ...). Whom a ticket or a
    notice about one of its units reaches; the people themselves are in the people copy."""
    return entity_copy("companies", metadata, _estate_id(), copied("name", String(200)),
                       copied("unit_ids", JSON, read=_unit_ids), copied("contacts", JSON, read=_contacts_in_order),
                       *more, key="company_id", events=COMPANY_EVENTS)
