"""Commission rules (服务佣金, TKT-11): for a catalogue item, a category, or every item; for the
operator (every estate) or one estate; a percentage of the line's amount, a sum per unit, or both.
A rule is never deleted (commissions name it): it is made inactive. The commissions themselves
are earned when a fee is paid in full (:mod:`tickets.commissions.earning`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from servicekit.errors import Conflict, Invalid, Message
from servicekit.rows import get_row, write
from servicekit.unit_of_work import UnitOfWork
from tickets.tables import commission_rules

_TAKEN = Message("there is a rule for this item or category here already", "此处已有该项目或类别的佣金规则")


def add_rule(uow: UnitOfWork, data: Mapping[str, Any]) -> dict[str, Any]:
    """Add a commission rule for one estate, or (``estate_id`` None) for every estate."""
    with uow:
        r = commission_rules.c
        row = {"id": uuid.uuid4(), **data, "active": True, "version": 1}
        same = select(r.id).where(*(r[name].is_(None) if row[name] is None else r[name] == row[name]
                                    for name in ("estate_id", "item_code", "category")))
        if uow.execute(same).first():  # NULLs never clash in a unique key
            raise Conflict(_TAKEN.en, _TAKEN.zh)
        write(uow, insert(commission_rules).values(row), conflict=_TAKEN)
        uow.commit()
        return row


def change_rule(uow: UnitOfWork, rule_id: UUID, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Change what a rule pays from now on, or (de)activate it; what was earned stays as it was."""
    with uow:
        row = get_row(uow, commission_rules, rule_id, "commission rule", what_zh="佣金规则", lock=True)
        after = {**row, **changes}
        if after["percent"] is None and after["per_unit"] is None:
            raise Invalid("a rule pays a percent, a sum per unit, or both", "佣金规则须有提成比例或单位金额",
                          errors={"percent": ["give a percent or a sum per unit"]})
        values = {**changes, "version": row["version"] + 1}
        uow.execute(update(commission_rules).where(commission_rules.c.id == rule_id).values(values))
        uow.commit()
        return {**row, **values}
