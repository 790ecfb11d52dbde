"""Repair, inquiry and complaint categories (TKT-2): the operator's (no estate) and each estate's own.

An estate's category of the same kind and code stands in for the operator's. A category is never
deleted (tickets name it): it is made inactive, and new tickets can no longer choose it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from servicekit.errors import Conflict, Message
from servicekit.rows import get_row, write
from servicekit.unit_of_work import UnitOfWork
from tickets.tables import categories

_TAKEN = Message("this estate (or the operator) has a category of this kind and code already",
                 "本小区（或运营方）已有该类型、该代码的分类")


def add_category(uow: UnitOfWork, *, kind: str, code: str, name_zh: str, name_en: str,
                 estate_id: UUID | None = None, skill: str | None = None) -> dict[str, Any]:
    """Add a category for one estate, or for every estate of the operator (``estate_id`` None)."""
    with uow:
        row = {"id": uuid.uuid4(), "estate_id": estate_id, "kind": kind, "code": code, "name_zh": name_zh,
               "name_en": name_en, "skill": skill, "active": True}
        if estate_id is None and uow.execute(select(categories.c.id).where(  # NULLs never clash in a unique key
                categories.c.estate_id.is_(None), categories.c.kind == kind, categories.c.code == code)).first():
            raise Conflict(_TAKEN.en, _TAKEN.zh)
        write(uow, insert(categories).values(row), conflict=_TAKEN)
        uow.commit()
        return row


def change_category(uow: UnitOfWork, category_id: UUID, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Rename a category, change the skill dispatch matches it by, or (de)activate it. A category
    records no event and keeps no version, so the changes are written as they come."""
    with uow:
        if changes:
            uow.execute(update(categories).where(categories.c.id == category_id).values(**changes))
        row = get_row(uow, categories, category_id, "category", what_zh="分类")
        uow.commit()
        return row
