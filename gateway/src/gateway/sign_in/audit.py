"""Writing the sign-in audit: one append-only row for every sign-in, refresh, sign-out, failure and
admin's action on an account, in the transaction of what it records."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from sqlalchemy import insert

from gateway.tables import sign_in_audit
from servicekit.unit_of_work import UnitOfWork


def audit(uow: UnitOfWork, login: str, outcome: str, *, at: datetime, account_id: UUID | None = None,
          by: str | None = None, client_address: str | None = None, family_id: UUID | None = None) -> None:
    uow.execute(insert(sign_in_audit).values(
        id=uuid.uuid4(), at=at, login=login[:100], account_id=account_id, outcome=outcome,
        client_address=(client_address or None) and client_address[:64], family_id=family_id,
        by=by and by[:100]))
