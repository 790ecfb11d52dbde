"""The privacy audit (X-2): every reveal of a person's full phone numbers leaves a row."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import insert

from owners.tables import pii_reveals
from servicekit.rows import now
from servicekit.unit_of_work import UnitOfWork


def record_reveals(uow: UnitOfWork, estate_id: UUID, subject: str, person_ids: Iterable[UUID]) -> int:
    """Write one audit row per person whose numbers ``subject`` is about to see; commit before showing."""
    stamp = now()
    rows = [{"id": uuid.uuid4(), "estate_id": estate_id, "subject": subject, "person_id": p, "revealed_at": stamp}
            for p in dict.fromkeys(person_ids)]
    with uow:
        if rows:
            uow.execute(insert(pii_reveals).values(rows))
        uow.commit()
    return len(rows)
