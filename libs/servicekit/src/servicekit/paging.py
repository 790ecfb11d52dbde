"""Paginated lists, the same in every service: ``?page=&page_size=`` with a hard maximum, and an
answer that says whether there is a next page without counting (it fetches one row more)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import Select
from sqlalchemy.orm import Session

MAX_PAGE_SIZE = 100


class PageArgs(Schema):
    """The query arguments of every list; a list with filters subclasses it."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


def page_of(session: Session, statement: Select[Any], args: dict[str, Any]) -> dict[str, Any]:
    """Run ``statement`` for one page; ``has_more`` comes from fetching one row past the page."""
    size, page = args["page_size"], args["page"]
    rows = session.execute(statement.limit(size + 1).offset((page - 1) * size)).mappings().all()
    return {"items": [dict(r) for r in rows[:size]], "page": page, "page_size": size, "has_more": len(rows) > size}


def page_schema(item: type[Schema]) -> type[Schema]:
    """The response schema of a paginated list of ``item``."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item)),
        "page": fields.Integer(),
        "page_size": fields.Integer(),
        "has_more": fields.Boolean(),
    }, name=f"{item.__name__.removesuffix('Schema')}Page")
