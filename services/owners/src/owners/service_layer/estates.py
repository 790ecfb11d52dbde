"""Use cases of estates: register one, change its particulars."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from owners.tables import estates
from owners import events
from owners.domain.errors import Conflict, NotFound
from servicekit.unit_of_work import UnitOfWork


def register_estate(uow: UnitOfWork, *, code: str, name: str, city: str = "", address: str = "") -> dict[str, Any]:
    with uow:
        if uow.execute(select(estates.c.id).where(estates.c.code == code)).first():
            raise Conflict(f"an estate with code {code!r} exists")
        now = datetime.now(UTC)
        row = {"id": uuid.uuid4(), "code": code, "name": name, "city": city, "address": address,
               "version": 1, "created_at": now, "updated_at": now}
        uow.execute(insert(estates).values(row))
        uow.record(events.ESTATE_REGISTERED, row["id"], events.estate_payload(row))
        uow.commit()
        return row


def update_estate(uow: UnitOfWork, estate_id: UUID, changes: dict[str, Any]) -> dict[str, Any]:
    with uow:
        # Locked: the version goes up by one per change, and the event carries what this change made.
        current = uow.execute(select(estates).where(estates.c.id == estate_id).with_for_update()).mappings().first()
        if current is None:
            raise NotFound("no such estate")
        if "code" in changes and changes["code"] != current["code"] and uow.execute(
                select(estates.c.id).where(estates.c.code == changes["code"])).first():
            raise Conflict(f"an estate with code {changes['code']!r} exists")
        row = {**current, **changes, "updated_at": datetime.now(UTC), "version": current["version"] + 1}
        uow.execute(update(estates).where(estates.c.id == estate_id).values(
            **changes, updated_at=row["updated_at"], version=row["version"]))
        uow.record(events.ESTATE_UPDATED, estate_id, events.estate_payload(row))
        uow.commit()
        return row

