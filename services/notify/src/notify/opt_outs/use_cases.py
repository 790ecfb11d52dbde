"""Opting a person out of a non-essential purpose (activities, surveys, marketing), and back in;
essential notices (emergencies, fees, service) reach everybody."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select

from notify.domain.purposes import OPTIONAL
from notify.tables import opt_outs, people
from servicekit.errors import Invalid
from servicekit.rows import get_row
from servicekit.unit_of_work import UnitOfWork


def _check(purpose: str) -> None:
    if purpose not in OPTIONAL:
        raise Invalid(f"{purpose} notices cannot be opted out of", f"{purpose}类通知不可退订",
                      errors={"purpose": [f"one of {', '.join(sorted(OPTIONAL))}"]})


def opt_out(uow: UnitOfWork, person_id: UUID, purpose: str, at: datetime) -> dict[str, Any]:
    _check(purpose)
    with uow:
        person = get_row(uow, people, person_id, "person", what_zh="人员")
        row = uow.execute(select(opt_outs).where(opt_outs.c.person_id == person_id, opt_outs.c.purpose == purpose)
                          ).mappings().first()
        if row is None:
            row = {"person_id": person_id, "purpose": purpose, "estate_id": person["estate_id"], "created_at": at}
            uow.execute(insert(opt_outs).values(row))
            uow.commit()
        return dict(row)


def opt_in(uow: UnitOfWork, person_id: UUID, purpose: str) -> None:
    _check(purpose)
    with uow:
        uow.execute(delete(opt_outs).where(opt_outs.c.person_id == person_id, opt_outs.c.purpose == purpose))
        uow.commit()
