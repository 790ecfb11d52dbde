"""The read side of documents: the templates (the operator's and the caller's estates', every version),
a person's generated documents, and one generated file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from owners.tables import document_templates, documents
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row

_LISTED = [c for c in documents.c if c.name != "content"]
_TEMPLATE = [c for c in document_templates.c if c.name != "body"]


def template(session: Session, template_id: UUID) -> dict[str, Any]:
    row = get_row(session, document_templates, template_id, "document template", what_zh="文档模板")
    return {k: v for k, v in row.items() if k != "body"}


def template_page(session: Session, principal: Principal, args: Mapping[str, Any]) -> dict[str, Any]:
    """The operator's templates and the caller's estates' own, by code, newest version first."""
    t = document_templates.c
    own = scoped(select(t.id), t.estate_id, principal)
    statement = select(*_TEMPLATE).where(or_(t.estate_id.is_(None), t.id.in_(own)))
    for name in ("estate_id", "code", "kind"):
        if name in args:
            statement = statement.where(t[name] == args[name])
    return page_of(session, statement.order_by(t.code, t.estate_id, t.version.desc(), t.id), dict(args))


def person_documents(session: Session, person_id: UUID, args: Mapping[str, Any]) -> dict[str, Any]:
    """The documents generated for a person, latest first (without their content)."""
    d = documents.c
    statement = select(*_LISTED).where(d.person_id == person_id).order_by(d.generated_at.desc(), d.id)
    return page_of(session, statement, dict(args))


def document_file(session: Session, document_id: UUID) -> dict[str, Any]:
    """One generated document with its content."""
    return get_row(session, documents, document_id, "document", what_zh="文档")
