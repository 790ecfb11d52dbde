"""What callers can do with call scripts (电话服务内容草稿): write a new version of the script for an
estate (or, the operator, for every estate), a kind of ticket and a complaint class. Versions are
never changed: a new one is a new row, the earlier ones stay for the record.

**One number per version.** Two versions written at once both read the same latest version; the
table's unique index on (estate, kind, class, version) — nulls counted as one value — lets the
first insert win, and the other reads the new latest and tries again with the next number."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from servicekit.errors import Conflict, Invalid
from servicekit.integrity import violation
from servicekit.rows import now
from servicekit.unit_of_work import UnitOfWork
from tickets.scripts.views import next_version, script
from tickets.tables import call_scripts
from tickets.tickets.timeline import Actor

# How often a writer whose version number another writer took meanwhile tries the next one.
ATTEMPTS = 10


def write(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]) -> dict[str, Any]:
    """The next version of the script of ``data``'s estate, kind and class."""
    if data.get("complaint_class") is not None and data.get("kind") != "complaint":
        raise Invalid("a complaint class goes with complaints", "只有投诉才有投诉类别",
                      errors={"complaint_class": ["only for kind complaint"]})
    for _ in range(ATTEMPTS):
        try:
            return _write_next(uow, actor, data)
        except IntegrityError as taken:
            if violation(taken) != "unique":
                raise
    raise Conflict("other versions of this script were written just now; try again",
                   "该话术刚有其他版本写入，请重试")


def _write_next(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]) -> dict[str, Any]:
    with uow:
        row = {"id": uuid.uuid4(), "estate_id": data.get("estate_id"), "kind": data.get("kind"),
               "complaint_class": data.get("complaint_class"),
               "version": next_version(uow, data.get("estate_id"), data.get("kind"), data.get("complaint_class")),
               "name": data["name"], "opening": data["opening"], "questions": list(data.get("questions") or []),
               "apology": data.get("apology") or "", "thanks": data.get("thanks") or "",
               "replies": [dict(r) for r in data.get("replies") or []], "closing": data.get("closing") or "",
               "created_by": actor.subject, "created_at": now()}
        uow.execute(insert(call_scripts).values(row))
        made = script(uow, row["id"])
        uow.commit()
        return made
