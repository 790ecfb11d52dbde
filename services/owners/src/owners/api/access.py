"""Who may do what in the owners service, and the estate of every row a request can name.

Each view says who may call it with ``@blp.allow(roles)`` (roles from tenancy.roles, the suite's
policy); the blueprint then checks every row the request names against the caller's estates, by
the table below, before the view runs.
"""

from __future__ import annotations

from typing import Any

from owners.tables import buildings, estates, occupancies, people, staff, territories, units, visitors
from servicekit.access import InEstate, ScopedBlueprint

SCOPE = {
    "estate_id": InEstate(estates, "estate", estate_column="id"),
    "building_id": InEstate(buildings, "building"),
    "unit_id": InEstate(units, "unit"),
    "host_unit_id": InEstate(units, "unit"),
    "person_id": InEstate(people, "person"),
    "occupancy_id": InEstate(occupancies, "occupancy"),
    "staff_id": InEstate(staff, "staff member"),
    "territory_id": InEstate(territories, "territory"),
    "visitor_id": InEstate(visitors, "visitor"),
}


def blueprint(name: str, import_name: str, **kwargs: Any) -> ScopedBlueprint:
    """A blueprint of the owners API whose views check their callers by :data:`SCOPE`."""
    return ScopedBlueprint(name, import_name, scope=SCOPE, **kwargs)
