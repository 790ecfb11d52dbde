"""What callers can do with occupancy (OWN-2): a person moves into a unit, and moves out again.

A unit may have several occupants at once; one person holds a unit once at a time.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select

from owners import events
from owners.domain.errors import Conflict, NotFound
from owners.domain.occupancy import check_move_out
from owners.people.use_cases import drop_contact
from owners.tables import occupancies, people, units
from owners.versions import save_version
from servicekit.rows import get_row, now
from servicekit.unit_of_work import UnitOfWork


def move_in(uow: UnitOfWork, unit_id: UUID, person_id: UUID, role: str, moved_in_on: date) -> dict[str, Any]:
    """Record that a person of the unit's estate moves into the unit as owner, tenant, family or other."""
    with uow:
        unit = get_row(uow, units, unit_id, "unit", what_zh="房屋", lock=True)  # serialises move-ins of one unit
        person = get_row(uow, people, person_id, "person", what_zh="住户")
        if person["estate_id"] != unit["estate_id"]:
            en = "no such person in this estate"
            raise NotFound(en, "本小区没有此住户", errors={"person_id": [en]})
        if _current_occupancy(uow, unit_id, person_id):
            raise Conflict("this person already occupies the unit", "此住户已入住该房屋")
        stamp = now()
        row = {"id": uuid.uuid4(), "estate_id": unit["estate_id"], "unit_id": unit_id, "person_id": person_id,
               "role": role, "moved_in_on": moved_in_on, "moved_out_on": None, "version": 1, "created_at": stamp,
               "updated_at": stamp}
        uow.execute(insert(occupancies).values(row))
        uow.record(events.OCCUPANT_MOVED_IN, row["id"], events.occupancy_payload(row))
        uow.commit()
        return row


def move_out(uow: UnitOfWork, occupancy_id: UUID, moved_out_on: date) -> dict[str, Any]:
    """Record a move-out (once, not before the move-in); the person stops being a contact of the unit."""
    with uow:
        current = get_row(uow, occupancies, occupancy_id, "occupancy", what_zh="入住记录")
        get_row(uow, units, current["unit_id"], "unit", what_zh="房屋", lock=True)  # the lock of the unit's contacts
        current = get_row(uow, occupancies, occupancy_id, "occupancy", what_zh="入住记录", lock=True)
        check_move_out(current["moved_in_on"], current["moved_out_on"], moved_out_on)
        row = save_version(uow, occupancies, current, {"moved_out_on": moved_out_on},
                           event=events.OCCUPANT_MOVED_OUT, payload=events.occupancy_payload)
        drop_contact(uow, row["estate_id"], row["unit_id"], row["person_id"])
        uow.commit()
        return row


def _current_occupancy(uow: UnitOfWork, unit_id: UUID, person_id: UUID) -> UUID | None:
    return uow.execute(select(occupancies.c.id).where(
        occupancies.c.unit_id == unit_id, occupancies.c.person_id == person_id,
        occupancies.c.moved_out_on.is_(None))).scalar()
