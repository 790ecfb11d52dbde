"""Which skill a kind of ticket (and a complaint class) calls for, when the ticket names no skill
and its category none (:mod:`tickets.domain.dispatch`): set by the operator for every estate
(estate null) or by an estate's managers for their own. Removing a row lets the next less specific
one, or the built-in default (complaints to customer service), apply again."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select

from servicekit.auth import Principal
from servicekit.errors import Conflict, Invalid, Message
from servicekit.rows import write
from servicekit.unit_of_work import UnitOfWork
from tickets.dispatch.views import skill
from tickets.tables import dispatch_skills

_TAKEN = Message("a dispatch skill for this estate, kind and class exists; remove it first",
                 "该小区、类型和类别的派工技能规则已存在，请先删除")


def set_skill(uow: UnitOfWork, principal: Principal, data: Mapping[str, Any]) -> dict[str, Any]:
    """Say which skill tickets of a kind (and class) call for, in an estate or (the operator) in every estate."""
    if data["estate_id"] is None and principal.estates is not None:
        raise Invalid("only the operator sets rows for every estate; name an estate",
                      "只有运营方可以设置适用于所有小区的规则，请指定小区", errors={"estate_id": ["is required"]})
    if data.get("complaint_class") is not None and data["kind"] != "complaint":
        raise Invalid("a complaint class goes with complaints", "只有投诉才有投诉类别",
                      errors={"complaint_class": ["only for kind complaint"]})
    d = dispatch_skills.c
    row = {"id": uuid.uuid4(), "estate_id": data["estate_id"], "kind": data["kind"],
           "complaint_class": data.get("complaint_class"), "skill": data.get("skill")}
    with uow:
        same = select(d.id).where(d.estate_id.is_not_distinct_from(row["estate_id"]), d.kind == row["kind"],
                                  d.complaint_class.is_not_distinct_from(row["complaint_class"]))
        if uow.execute(same).first() is not None:  # NULLs never clash in a unique key
            raise Conflict(_TAKEN.en, _TAKEN.zh)
        write(uow, insert(dispatch_skills).values(row), conflict=_TAKEN)
        found = skill(uow, row["id"])
        uow.commit()
        return found


def remove_skill(uow: UnitOfWork, skill_id: UUID) -> None:
    """Remove a row: the next less specific one, or the default, applies."""
    with uow:
        skill(uow, skill_id)
        uow.execute(delete(dispatch_skills).where(dispatch_skills.c.id == skill_id))
        uow.commit()
