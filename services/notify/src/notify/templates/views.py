"""Templates as read: a page of those the caller may use (the operator's and their estates' own), one
template, and the template a notice of an estate may use."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import or_, select

from notify.tables import templates
from servicekit.auth import Principal, scoped
from servicekit.errors import Invalid, NotFound
from servicekit.paging import page_of
from servicekit.rows import Executes


def template_list(session: Any, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    statement = select(templates)
    if principal.estates is not None:
        own = scoped(select(templates.c.id), templates.c.estate_id, principal)  # the caller's estates' templates
        statement = statement.where(or_(templates.c.estate_id.is_(None), templates.c.id.in_(own)))
    if args.get("estate_id") is not None:
        statement = statement.where(or_(templates.c.estate_id.is_(None), templates.c.estate_id == args["estate_id"]))
    return page_of(session, statement.order_by(templates.c.code, templates.c.id), args)


def usable_template(session: Executes, template_id: UUID, estate_id: UUID) -> dict[str, Any]:
    """The template a notice of ``estate_id`` may use: the operator's or the estate's own."""
    row = session.execute(select(templates).where(templates.c.id == template_id)).mappings().first()
    if row is None or row["estate_id"] not in (None, estate_id):
        raise Invalid("no such template for this estate", "本小区没有此模板",
                      errors={"template_id": ["no such template for this estate"]})
    return dict(row)


def get_template(session: Executes, template_id: UUID) -> dict[str, Any]:
    row = session.execute(select(templates).where(templates.c.id == template_id)).mappings().first()
    if row is None:
        raise NotFound("no such template", "没有此模板")
    return dict(row)
