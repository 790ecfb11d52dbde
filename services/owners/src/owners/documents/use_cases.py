"""What callers can do with documents (OWN-5): add a template (or its next version), and generate a
contract or proposal for a person from the newest version of a template — the estate's own before the
operator's — stored with the person, the template version and who generated it."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select

from owners.documents import docx
from owners.documents.views import template
from owners.domain import documents as rules
from owners.domain.errors import NO_SUCH_ESTATE, Invalid, NotFound
from owners.tables import buildings, document_templates, documents, estates, people, units
from servicekit.errors import Message
from servicekit.rows import get_row, now, write

_RACE = Message("another version of this template was added meanwhile; try again", "该模板刚被他人更新，请重试")
_SAMPLE = {name: "示例" for name in rules.FIELDS}


def add_template(uow: Any, data: dict[str, Any], created_by: str) -> dict[str, Any]:
    """A template (or, under a code it has, its next version), checked by filling it with sample values."""
    body = docx.template_docx(data["name"], data["paragraphs"])
    docx.render(body, _SAMPLE)  # a field it does not know, or broken braces: refused now, not when used
    with uow:
        t = document_templates.c
        latest = uow.execute(select(func.max(t.version)).where(
            t.estate_id.is_not_distinct_from(data["estate_id"]), t.code == data["code"])).scalar()
        row = {"id": uuid.uuid4(), **data, "version": (latest or 0) + 1, "body": body, "created_by": created_by,
               "created_at": now()}
        write(uow, insert(document_templates).values(row), conflict=_RACE, missing=NO_SUCH_ESTATE)
        found = template(uow, row["id"])
        uow.commit()
        return found


def generate(uow: Any, person_id: UUID, template_code: str, unit_id: UUID | None, generated_by: str) -> dict[str, Any]:
    """Fill the newest version of ``template_code`` for a person (and one of the estate's units)."""
    with uow:
        person = get_row(uow, people, person_id, "person", what_zh="住户")
        estate = get_row(uow, estates, person["estate_id"], "estate", what_zh="小区")
        t = document_templates.c
        chosen = uow.execute(select(document_templates).where(
            t.code == template_code, (t.estate_id == person["estate_id"]) | t.estate_id.is_(None))
            .order_by(t.estate_id.is_(None), t.version.desc()).limit(1)).mappings().first()
        if chosen is None:
            raise NotFound("no such document template", "没有此文档模板",
                           errors={"template_code": ["no template of this code for the estate"]})
        day = date.today().isoformat()
        context = {"person_name": person["name"], "estate_name": estate["name"], "estate_address": estate["address"],
                   "unit": _unit_label(uow, person["estate_id"], unit_id), "date": day, "generated_by": generated_by}
        content = docx.render(chosen["body"], context)
        row = {"id": uuid.uuid4(), "estate_id": person["estate_id"], "person_id": person_id, "unit_id": unit_id,
               "template_id": chosen["id"], "kind": chosen["kind"],
               "filename": rules.filename(chosen["code"], chosen["version"], person["name"], day),
               "size": len(content), "sha256": hashlib.sha256(content).hexdigest(), "content": content,
               "generated_by": generated_by, "generated_at": now()}
        uow.execute(insert(documents).values(row))
        uow.commit()
        return {k: v for k, v in row.items() if k != "content"}


def _unit_label(uow: Any, estate_id: UUID, unit_id: UUID | None) -> str:
    if unit_id is None:
        return ""
    found = uow.execute(select(buildings.c.name, units.c.number).join(buildings, buildings.c.id == units.c.building_id)
                        .where(units.c.id == unit_id, units.c.estate_id == estate_id)).first()
    if found is None:
        raise Invalid("no such unit in the person's estate", "该住户所在小区没有此房屋",
                      errors={"unit_id": ["not of the person's estate"]})
    return f"{found.name} {found.number}"
