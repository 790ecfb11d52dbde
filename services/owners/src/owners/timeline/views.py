"""The read side of the timeline: a person's or a unit's entries, newest first, by kind and period."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from owners.tables import timeline_entries
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of


def person_timeline(session: Session, principal: Principal, person_id: UUID,
                    args: Mapping[str, Any]) -> dict[str, Any]:
    return _page(session, principal, timeline_entries.c.person_id == person_id, args)


def unit_timeline(session: Session, principal: Principal, unit_id: UUID, args: Mapping[str, Any]) -> dict[str, Any]:
    return _page(session, principal, timeline_entries.c.unit_id == unit_id, args)


def _page(session: Session, principal: Principal, whose: ColumnElement[bool],
          args: Mapping[str, Any]) -> dict[str, Any]:
    statement = select(timeline_entries).where(whose)
    if args.get("kind"):
        statement = statement.where(timeline_entries.c.kind.in_(args["kind"]))
    if args.get("source"):
        statement = statement.where(timeline_entries.c.source.in_(args["source"]))
    if args.get("since") is not None:
        statement = statement.where(timeline_entries.c.occurred_at >= args["since"])
    if args.get("until") is not None:
        statement = statement.where(timeline_entries.c.occurred_at < args["until"])
    statement = statement.order_by(timeline_entries.c.occurred_at.desc(), timeline_entries.c.id.desc())
    return page_of(session, scoped(statement, timeline_entries.c.estate_id, principal), dict(args))
