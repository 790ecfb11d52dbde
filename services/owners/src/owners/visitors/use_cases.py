"""What callers can do with the front desk's visitor register (OWN-8).

Only the masked ID number is ever written anywhere: the full one lives in this request's memory.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, update
from tenancy.privacy import mask_id_number

from owners.domain.contacts import normalize_mobile
from owners.domain.visitors import check_host_confirmation, check_out, check_time_in, normalize_id_number
from owners.tables import units, visitors
from servicekit.rows import get_row, now
from servicekit.unit_of_work import UnitOfWork


def register_visitor(uow: UnitOfWork, host_unit_id: UUID, visitor_name: str, id_type: str, id_number: str,
                     purpose: str, registered_by: str, visitor_mobile: str | None = None,
                     time_in: datetime | None = None) -> dict[str, Any]:
    """Register a visitor whose ID the desk has checked, visiting a unit of the estate."""
    masked = mask_id_number(normalize_id_number(id_type, id_number))
    arrived = time_in or now()
    check_time_in(arrived, now())
    with uow:
        unit = get_row(uow, units, host_unit_id, "unit", what_zh="房屋")
        row = {"id": uuid.uuid4(), "estate_id": unit["estate_id"], "host_unit_id": host_unit_id,
               "visitor_name": visitor_name, "visitor_mobile": visitor_mobile and normalize_mobile(visitor_mobile),
               "id_type": id_type, "id_number_masked": masked, "purpose": purpose, "time_in": arrived,
               "time_out": None, "host_confirmed": False, "registered_by": registered_by}
        uow.execute(insert(visitors).values(row))
        uow.commit()
        return row


def confirm_with_host(uow: UnitOfWork, visitor_id: UUID) -> dict[str, Any]:
    """The desk phoned the host, who confirmed they expect the visitor."""
    with uow:
        row = get_row(uow, visitors, visitor_id, "visitor", what_zh="访客", lock=True)
        check_host_confirmation(row["time_out"])
        uow.execute(update(visitors).where(visitors.c.id == visitor_id).values(host_confirmed=True))
        uow.commit()
        return {**row, "host_confirmed": True}


def check_out_visitor(uow: UnitOfWork, visitor_id: UUID, at: datetime | None = None) -> dict[str, Any]:
    """The visitor leaves (once, not before arriving)."""
    left = at or now()
    with uow:
        row = get_row(uow, visitors, visitor_id, "visitor", what_zh="访客", lock=True)
        check_out(row["time_in"], row["time_out"], left)
        uow.execute(update(visitors).where(visitors.c.id == visitor_id).values(time_out=left))
        uow.commit()
        return {**row, "time_out": left}
