"""Keeping the service catalogue (TKT-11): items added for the operator (every estate) or one
estate, changed, retired. Every price is checked as it is written (tickets.domain.catalogue): a
paid service covers its cost, a free one costs nothing, and no price exceeds its government
ceiling; a refused price changes nothing. An item is never deleted (tickets' fees name it): it is
made inactive, and no new charge can use it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import insert, or_, select, update

from servicekit.errors import Conflict, Invalid, Message
from servicekit.rows import get_row, write
from servicekit.unit_of_work import UnitOfWork
from tickets.catalogue.views import shown
from tickets.domain.catalogue import check_price
from tickets.tables import catalogue_items

_TAKEN = Message("this estate (or the operator) has an item of this code already",
                 "本小区（或运营方）已有该代码的服务项目")


def add_item(uow: UnitOfWork, data: Mapping[str, Any]) -> dict[str, Any]:
    """Add a service (or a bundle) to one estate's catalogue, or to the operator's for every estate."""
    with uow:
        check_price(data["kind"], data["price"], data["cost"], data.get("ceiling"))
        row = {"id": uuid.uuid4(), **data, "materials": _plain(data.get("materials", [])),
               "contents": _plain(data.get("contents", [])), "active": True, "version": 1}
        _check_contents(uow, row)
        c = catalogue_items.c
        if row["estate_id"] is None and uow.execute(select(c.id).where(c.estate_id.is_(None),
                                                                       c.code == row["code"])).first():
            raise Conflict(_TAKEN.en, _TAKEN.zh)  # NULLs never clash in a unique key
        write(uow, insert(catalogue_items).values(row), conflict=_TAKEN)
        uow.commit()
        return shown(row)


def change_item(uow: UnitOfWork, item_id: UUID, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Change an item's names, price, cost, ceiling or materials, or (de)activate it."""
    with uow:
        row = get_row(uow, catalogue_items, item_id, "catalogue item", what_zh="服务项目", lock=True)
        after = {**row, **changes}
        check_price(after["kind"], after["price"], after["cost"], after["ceiling"])
        values = {**changes, "version": row["version"] + 1}
        if "materials" in changes:
            values["materials"] = _plain(changes["materials"])
        uow.execute(update(catalogue_items).where(catalogue_items.c.id == item_id).values(values))
        uow.commit()
        return shown({**row, **values})


def _check_contents(uow: UnitOfWork, row: Mapping[str, Any]) -> None:
    """A bundle holds single services of its catalogue (its estate's or the operator's), each once."""
    codes = [content["code"] for content in row["contents"]]
    if not codes:
        return
    c = catalogue_items.c
    found = {r.code: r for r in uow.execute(select(c.code, c.contents).where(
        c.code.in_(codes), c.active.is_(True), or_(c.estate_id.is_(None), c.estate_id == row["estate_id"])))}
    errors = [f"{code}: no such single service in this catalogue" for code in codes
              if code not in found or found[code].contents]
    if len(set(codes)) != len(codes):
        errors.append("names an item twice")
    if errors:
        raise Invalid("a bundle holds single services of its catalogue", "服务套餐只能包含本目录中的单项服务",
                      errors={"contents": errors})


def _plain(entries: Any) -> list[dict[str, Any]]:
    """Materials or contents as JSON keeps them: quantities as exact strings."""
    return [{k: str(v) if not isinstance(v, str) else v for k, v in entry.items()} for entry in entries]
