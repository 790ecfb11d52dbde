"""The read side of forums: the caller's estates' forums, one with its invitees and suggestions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from servicekit.auth import scoped
from servicekit.errors import NotFound
from servicekit.paging import page_of
from surveys.tables import actions, forum_invitees, forums, units


def estate_forums(session, principal, args: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    statement = select(forums).order_by(forums.c.held_on.desc(), forums.c.id)
    if args.get("estate_id") is not None:
        statement = statement.where(forums.c.estate_id == args["estate_id"])
    return page_of(session, scoped(statement, forums.c.estate_id, principal), args)


def one(session, forum_id: UUID) -> dict[str, Any]:  # noqa: ANN001
    row = session.execute(select(forums).where(forums.c.id == forum_id)).mappings().first()
    if row is None:
        raise NotFound("no such forum", "没有此座谈会")
    invitees = session.execute(select(forum_invitees.c.unit_id, units.c.number, forum_invitees.c.attended)
                               .outerjoin(units, units.c.id == forum_invitees.c.unit_id)
                               .where(forum_invitees.c.forum_id == forum_id).order_by(units.c.number)).mappings()
    suggestions = session.execute(select(actions).where(actions.c.forum_id == forum_id)
                                  .order_by(actions.c.created_at, actions.c.id)).mappings()
    return {**dict(row), "invitees": [dict(i) for i in invitees], "suggestions": [dict(s) for s in suggestions]}
