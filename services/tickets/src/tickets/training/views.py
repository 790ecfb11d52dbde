"""The read side of training cases: by class and quality aspect, newest first; one case."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped
from servicekit.rows import get_row
from tickets.tables import training_cases

MAX_LISTED = 500


def case_list(session: Session, principal: Principal, args: dict[str, Any]) -> list[dict[str, Any]]:
    c = training_cases.c
    statement = select(training_cases)
    for name in ("estate_id", "complaint_class", "quality_aspect"):
        if args.get(name) is not None:
            statement = statement.where(c[name] == args[name])
    statement = scoped(statement, c.estate_id, principal).order_by(c.created_at.desc(), c.id).limit(MAX_LISTED)
    return [dict(r) for r in session.execute(statement).mappings()]


def case(session: Session, case_id: UUID) -> dict[str, Any]:
    return get_row(session, training_cases, case_id, "training case", what_zh="培训案例")
