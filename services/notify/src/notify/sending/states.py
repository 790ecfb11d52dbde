"""A message's state changes: every one updates the row (its version +1) and appends its history."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import update
from sqlalchemy.orm import Session

from notify.tables import message_history, messages
from servicekit.bulk import insert_rows

m = messages.c


def change(session: Session, ids: Collection[UUID], state: str, now: datetime, *, code: str | None = None,
           detail: str | None = None, only_from: str | None = None, **values: Any) -> list[UUID]:
    """Set ``ids`` to ``state`` (only those in ``only_from``, when given) with ``values``; returns
    the ids that changed, each with a history row."""
    if not ids:
        return []
    statement = update(messages).where(m.id.in_(list(ids)))
    if only_from is not None:
        statement = statement.where(m.state == only_from)
    changed = list(session.execute(statement.values(state=state, updated_at=now, version=m.version + 1, **values)
                                   .returning(m.id)).scalars())
    insert_rows(session, message_history, [
        {"message_id": id_, "at": now, "state": state, "code": code, "detail": (detail or "")[:500] or None}
        for id_ in changed])
    return changed
