"""The purposes a person opted out of."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from notify.tables import opt_outs
from servicekit.rows import Executes


def opt_outs_of(session: Executes, person_id: UUID) -> list[dict[str, Any]]:
    return [dict(r) for r in session.execute(select(opt_outs).where(opt_outs.c.person_id == person_id)
                                             .order_by(opt_outs.c.purpose)).mappings()]
