"""The read side of call scripts: the operator's and the caller's estates' scripts (the latest
version of each, or every version), one script, and the script that fits a ticket."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row
from tickets.tables import call_scripts

s = call_scripts.c


def script(conn: Any, script_id: UUID) -> dict[str, Any]:
    return get_row(conn, call_scripts, script_id, "call script", what_zh="电话话术")


def _latest() -> Any:
    """The newest version of each (estate, kind, class)."""
    newer = call_scripts.alias("newer")
    return ~select(newer.c.id).where(
        newer.c.estate_id.is_not_distinct_from(s.estate_id), newer.c.kind.is_not_distinct_from(s.kind),
        newer.c.complaint_class.is_not_distinct_from(s.complaint_class), newer.c.version > s.version).exists()


def script_page(session: Session, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """The operator's scripts and the caller's estates' own, latest versions unless ``every_version``."""
    own = scoped(select(s.id), s.estate_id, principal)
    statement = select(call_scripts).where(or_(s.estate_id.is_(None), s.id.in_(own)))
    if args.get("estate_id") is not None:
        statement = statement.where(or_(s.estate_id.is_(None), s.estate_id == args["estate_id"]))
    if args.get("kind") is not None:
        statement = statement.where(s.kind == args["kind"])
    if not args.get("every_version"):
        statement = statement.where(_latest())
    order = (s.estate_id.is_(None), s.kind, s.complaint_class, s.version.desc(), s.id)
    return page_of(session, statement.order_by(*order), args)


def fitting(conn: Any, estate_id: UUID, kind: str | None, complaint_class: str | None) -> dict[str, Any] | None:
    """The latest version of the most specific script for an estate, kind and class: the estate's
    own before the operator's, then kind and class before kind alone before any kind."""
    candidates = select(call_scripts).where(
        or_(s.estate_id == estate_id, s.estate_id.is_(None)),
        or_(s.kind.is_(None), s.kind == kind),
        or_(s.complaint_class.is_(None), and_(s.complaint_class == complaint_class, s.kind.is_not(None))))
    ranked = candidates.order_by(s.estate_id.is_(None), s.kind.is_(None), s.complaint_class.is_(None),
                                 s.version.desc(), s.id).limit(1)
    found = conn.execute(ranked).mappings().first()
    return None if found is None else dict(found)


def next_version(conn: Any, estate_id: UUID | None, kind: str | None, complaint_class: str | None) -> int:
    current = conn.execute(select(func.max(s.version)).where(
        s.estate_id.is_not_distinct_from(estate_id), s.kind.is_not_distinct_from(kind),
        s.complaint_class.is_not_distinct_from(complaint_class))).scalar()
    return (current or 0) + 1
