"""The read side of callbacks: a caller's estates' callbacks (an assignee's diary of them), soonest due first."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row
from tickets.tables import callbacks


def callback(conn: Any, callback_id: UUID, *, lock: bool = False) -> dict[str, Any]:
    return get_row(conn, callbacks, callback_id, "callback", what_zh="回电任务", lock=lock)


def callback_page(session: Session, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """Callbacks of the caller's estates by estate, assignee, state and due time, soonest due first."""
    c = callbacks.c
    statement = select(callbacks).order_by(c.due_at, c.id)
    for name in ("estate_id", "assignee_id", "state", "call_id"):
        if args.get(name) is not None:
            statement = statement.where(c[name] == args[name])
    if args.get("due_before") is not None:
        statement = statement.where(c.due_at < args["due_before"])
    return page_of(session, scoped(statement, c.estate_id, principal), args)
