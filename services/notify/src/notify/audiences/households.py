"""Who is a household of a register audience on a day: an occupancy of the estate, current that day,
an owner's where the audience asks for owners."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import or_


def occupancy_filters(table: Any, estate_id: UUID, audience: Mapping[str, Any], today: date) -> list[Any]:
    """What an occupancy row (of ``table``, ``occupancies`` or an alias of it) must be to be in a
    register audience: the estate's, current on ``today``, an owner's where the audience says so."""
    found = [table.c.estate_id == estate_id,
             or_(table.c.moved_out_on.is_(None), table.c.moved_out_on > today),
             or_(table.c.moved_in_on.is_(None), table.c.moved_in_on <= today)]
    if audience.get("role") == "owners":
        found.append(table.c.role == "owner")
    return found
