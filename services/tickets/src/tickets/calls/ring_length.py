"""How long one ring lasts in an estate (TKT-4: the hotline answered within three rings): the ring
length its call statistics and its monthly complaint report count three rings by. An estate that
set none has the default 6 s (:data:`tickets.domain.calls.DEFAULT_RING_SECONDS`)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from servicekit.unit_of_work import UnitOfWork
from tickets.domain.calls import DEFAULT_RING_SECONDS
from tickets.tables import phone_settings

p = phone_settings.c


def phone_settings_of(conn: Any, estate_id: UUID) -> dict[str, Any]:
    """The estate's phone settings; the defaults (version 0) when it set none."""
    row = conn.execute(select(phone_settings).where(p.estate_id == estate_id)).mappings().first()
    return dict(row) if row is not None else {"estate_id": estate_id, "ring_seconds": DEFAULT_RING_SECONDS,
                                              "version": 0}


def ring_seconds_of(conn: Any, estate_id: UUID | None) -> float:
    """The estate's ring length; the default for none (the operator's figures across estates)."""
    return DEFAULT_RING_SECONDS if estate_id is None else float(phone_settings_of(conn, estate_id)["ring_seconds"])


def set_ring_length(uow: UnitOfWork, estate_id: UUID, ring_seconds: float) -> dict[str, Any]:
    """Set how long one ring lasts in the estate, from now on for every figure counted."""
    with uow:
        found = uow.execute(select(p.version).where(p.estate_id == estate_id).with_for_update()).first()
        if found is None:
            uow.execute(insert(phone_settings).values(estate_id=estate_id, ring_seconds=ring_seconds, version=1))
        else:
            uow.execute(update(phone_settings).where(p.estate_id == estate_id)
                        .values(ring_seconds=ring_seconds, version=p.version + 1))
        made = phone_settings_of(uow, estate_id)
        uow.commit()
        return made
