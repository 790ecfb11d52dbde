"""An audience counted, not resolved: what creating a notice needs to estimate it (NTF-3) without
reading 100,000 households into the request. The audience is resolved once, when the notice starts
(:mod:`notify.notices.starting`).

A register audience (the estate, buildings, units, owners) is counted in SQL, the households
grouped by everything an estimate depends on: opted out or not, which contact points they have,
their language, and the length of their name and unit label in characters and in bytes (bytes as
well as characters: an ASCII-only name may make a GSM-7 SMS where a Chinese one makes a UCS-2 one).
Each group comes with one representative (its values of that shape) and its count, so a template's
SMS is measured once per group: the parts and the cost are those of resolving every household, but
for names of one length differing in their GSM-7 extension characters (``^{}[]~|€``), which count
twice. A list audience is in the request already: it is resolved, each entry a group of one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Integer, and_, case, false, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from notify.audiences.companies import company_recipients
from notify.audiences.reach import channels_for
from notify.audiences.resolve import (
    NO_CONTACT,
    OPTED_OUT,
    check_named,
    current_households,
    estate_name,
    mark,
    resolve,
)
from notify.domain.purposes import OPTIONAL
from notify.tables import opt_outs
from servicekit.rows import Executes

Group = tuple[dict[str, Any], int]  # a representative recipient (as resolve makes them) and how many are like it


def counted(session: Executes, estate_id: UUID, audience: Mapping[str, Any], *, purpose: str,
            channels: Iterable[str], today: date) -> list[Group]:
    """The audience as groups of recipients alike for an estimate (see the module's docstring)."""
    channels = tuple(channels)
    if "list" in audience:
        return [(recipient, 1) for recipient in resolve(session, estate_id, audience, purpose=purpose,
                                                        channels=channels, today=today)]
    name = estate_name(session, estate_id)
    check_named(session, estate_id, audience)
    # One person with two roles in one unit is one household. (An anti-join on the occupancies is
    # quicker once PostgreSQL has statistics of them, but ran for minutes on a freshly filled table.)
    h = current_households(estate_id, audience, today).distinct().subquery("households")
    opted: ColumnElement[Any] = false()
    if purpose in OPTIONAL:
        opted = h.c.person_id.in_(select(opt_outs.c.person_id).where(opt_outs.c.estate_id == estate_id,
                                                                    opt_outs.c.purpose == purpose))
    shape = [case((opted, 1), else_=0), _present(h.c.mobile), _present(h.c.email), h.c.language]
    for column in (h.c.name, h.c.building_name, h.c.number):
        shape += [func.length(column), octets(column)]
    statement = (select(*shape, func.min(h.c.name), func.min(h.c.building_name), func.min(h.c.number), func.count())
                 .group_by(*shape))
    groups = []
    for row in session.execute(statement):
        is_opted, has_mobile, has_email, language = row[0], row[1], row[2], row[3]
        person_name, building, number, count = row[-4], row[-3], row[-2], row[-1]
        unit_label = f"{building} {number}" if building and number is not None else number
        recipient = {"person_id": UUID(int=1), "unit_id": UUID(int=1), "name": person_name, "unit_label": unit_label,
                     "language": language, "mobile": "1" if has_mobile else None, "email": "@" if has_email else None,
                     "variables": {"name": person_name, "unit": unit_label or "", "estate": name}}
        recipient["excluded"] = (OPTED_OUT if is_opted else None if channels_for(recipient, channels)
                                 else NO_CONTACT)
        groups.append((recipient, int(count)))
    # The companies' contacts (few): resolved as resolve() takes them, each a group of one.
    found = company_recipients(session, estate_id, audience, purpose=purpose, channels=channels, today=today)
    mark(session, estate_id, found, estate=name, purpose=purpose, channels=channels)
    return groups + [(recipient, 1) for recipient in found]


class octets(FunctionElement[int]):  # noqa: N801  (an SQL function, named as one)
    """The length of a text in bytes (UTF-8): PostgreSQL's octet_length, SQLite's length of a BLOB."""

    type = Integer()
    inherit_cache = True


@compiles(octets)
def _octets(element: octets, compiler: Any, **kw: Any) -> str:
    return f"octet_length({compiler.process(element.clauses, **kw)})"


@compiles(octets, "sqlite")
def _octets_sqlite(element: octets, compiler: Any, **kw: Any) -> str:
    return f"length(CAST({compiler.process(element.clauses, **kw)} AS BLOB))"


def _present(column: ColumnElement[Any]) -> ColumnElement[int]:
    return case((and_(column.is_not(None), column != ""), 1), else_=0)

