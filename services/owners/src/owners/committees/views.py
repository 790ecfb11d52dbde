"""The read side of owners' committees: a committee with its members in office, the members (past ones
too), and the log of contacts and meetings, latest first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from owners.tables import committee_contacts, committee_members, committees, people
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row


def committee(session: Session, committee_id: UUID) -> dict[str, Any]:
    """One committee with its members in office (the caller's scope is checked before)."""
    row = get_row(session, committees, committee_id, "owners' committee", what_zh="业委会")
    in_office = [m for m in members(session, committee_id) if m["ends_on"] is None]
    return {**row, "members": in_office}


def committee_page(session: Session, principal: Principal, args: Mapping[str, Any]) -> dict[str, Any]:
    """The committees of the caller's estates."""
    statement = select(committees).order_by(committees.c.name, committees.c.id)
    if "estate_id" in args:
        statement = statement.where(committees.c.estate_id == args["estate_id"])
    page = page_of(session, scoped(statement, committees.c.estate_id, principal), dict(args))
    return {**page, "items": [committee(session, c["id"]) for c in page["items"]]}


def members(session: Session, committee_id: UUID) -> list[dict[str, Any]]:
    """Every member, past ones too: in office first (by role), then by the end of their term."""
    m = committee_members.c
    rows = session.execute(select(committee_members, people.c.name).join(people, people.c.id == m.person_id)
                           .where(m.committee_id == committee_id)
                           .order_by(m.ends_on.is_not(None), m.ends_on.desc(), m.role, people.c.name, m.id)).mappings()
    return [dict(r) for r in rows]


def member(session: Session, member_id: UUID) -> dict[str, Any]:
    row = get_row(session, committee_members, member_id, "committee member", what_zh="业委会成员")
    name = session.execute(select(people.c.name).where(people.c.id == row["person_id"])).scalar_one()
    return {**row, "name": name}


def contact_log(session: Session, committee_id: UUID, args: Mapping[str, Any]) -> dict[str, Any]:
    """The contacts and meetings with a committee, latest first."""
    c = committee_contacts.c
    statement = select(committee_contacts).where(c.committee_id == committee_id).order_by(c.at.desc(), c.id)
    if "kind" in args:
        statement = statement.where(c.kind == args["kind"])
    return page_of(session, statement, dict(args))
