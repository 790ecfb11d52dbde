"""A message's state changes: every one updates the row (its version +1) and appends its history,
except a message taken into a provider call (``sending``, ``history=False``): that state lasts a
call, the row records it (its ``call_id``), and what follows always has its own history row (sent,
or queued again with the reason); one history row fewer for every message sent.

On PostgreSQL a change is one statement: the ``UPDATE … RETURNING`` feeds the history's
``INSERT … SELECT`` in the database (a data-modifying CTE), so a call of 1,000 messages is one
round trip and its ids cross the wire once. Elsewhere (SQLite) the update, then the history rows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import String, any_, bindparam, literal, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from notify.tables import message_history, messages
from servicekit.bulk import insert_rows
from servicekit.db import UtcDateTime

m = messages.c
_HISTORY = ["message_id", "at", "state", "code", "detail"]


def change(session: Session, ids: Collection[UUID], state: str, now: datetime, *, code: str | None = None,
           detail: str | None = None, only_from: str | None = None, through: str | None = None,
           history: bool = True, **values: Any) -> list[UUID]:
    """Set ``ids`` to ``state`` (only those in ``only_from``, when given) with ``values``; returns
    the ids that changed, each with a history row (two, ``through`` first, for a message that
    passes a state in one write: sent, delivered; none with ``history=False``)."""
    if not ids:
        return []
    statement = update(messages).where(among(session, m.id, ids))
    if only_from is not None:
        statement = statement.where(m.state == only_from)
    statement = statement.values(state=state, updated_at=now, version=m.version + 1, **values)
    if not history:
        return list(session.execute(statement.returning(m.id)).scalars())
    return _changed(session, statement, state, now, code, detail, through)


def among(session: Session, column: Any, values: Collection[Any]) -> Any:
    """``column`` is one of ``values``: on PostgreSQL ``= ANY`` of one array parameter, so a batch
    of 1,000 ids is one parameter and the statement's text the same for any batch (psycopg converts
    a short text once and keeps it; an ``IN`` of 1,000 parameters was parsed again at every call)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(column.type), unique=True))
    return column.in_(list(values))


def change_into_calls(session: Session, calls: Mapping[UUID, Collection[UUID]], state: str, now: datetime, *,
                      only_from: str, history: bool = True, **values: Any) -> set[UUID]:
    """Set the messages of each call of ``calls`` (call id: its message ids) to ``state`` with that
    ``call_id`` and ``values``, only those in ``only_from``; returns the ids that changed, each with
    a history row unless ``history=False``. One statement a call (its ids as a list: PostgreSQL
    reads 1,000 of them by key; one join of a round's 5,000 pairs was planned as a scan of the
    whole table)."""
    return {id_ for call, ids in calls.items()
            for id_ in change(session, ids, state, now, only_from=only_from, history=history, call_id=call,
                              **values)}


def _changed(session: Session, statement: Any, state: str, now: datetime, code: str | None,
             detail: str | None, through: str | None = None) -> list[UUID]:
    detail = (detail or "")[:500] or None
    if session.get_bind().dialect.name != "postgresql":
        changed = list(session.execute(statement.returning(m.id)).scalars())
        rows = [{"message_id": id_, "at": now, "state": through, "code": None, "detail": None}
                for id_ in changed] if through else []
        insert_rows(session, message_history, rows + [
            {"message_id": id_, "at": now, "state": state, "code": code, "detail": detail} for id_ in changed])
        return changed
    updated = statement.returning(m.id).cte("changed")
    rows = select(updated.c.id, literal(now, UtcDateTime), literal(state), literal(code), literal(detail))
    if through:
        rows = select(updated.c.id, literal(now, UtcDateTime), literal(through), literal(None, String),
                      literal(None, String)).union_all(rows)
    history = message_history.insert().from_select(_HISTORY, rows).cte("history")
    return list(session.execute(select(updated.c.id).add_cte(history)).scalars())
