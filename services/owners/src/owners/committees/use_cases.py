"""What callers can do with owners' committees (SRV-7): form an estate's committee, change it, seat its
members (owners of the estate) with a role and a term, end a term, and log the office's contacts and
meetings with it. The committee is the office's own record: no other service keeps it, so it records
no events."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select, update

from owners.committees.views import committee, member
from owners.domain import committees as rules
from owners.domain.errors import NO_SUCH_ESTATE, Invalid
from owners.tables import committee_contacts, committee_members, committees, occupancies, staff
from servicekit.errors import Message
from servicekit.rows import get_row, now, write
from servicekit.unit_of_work import UnitOfWork

_HAS_ONE = Message("the estate has an owners' committee already; change it instead", "本小区已有业委会，请修改现有记录")


def form_committee(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    """An estate's owners' committee, with its term."""
    rules.check_term(data["term_starts_on"], data.get("term_ends_on"), "term_ends_on")
    with uow:
        stamp = now()
        row = {"id": uuid.uuid4(), "term_ends_on": None, "note": "", **data, "created_at": stamp, "updated_at": stamp}
        write(uow, insert(committees).values(row), conflict=_HAS_ONE, missing=NO_SUCH_ESTATE)
        found = committee(uow, row["id"])
        uow.commit()
        return found


def change_committee(uow: UnitOfWork, committee_id: UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Rename the committee, or change its term or note."""
    with uow:
        current = get_row(uow, committees, committee_id, "owners' committee", what_zh="业委会", lock=True)
        merged = {**current, **changes}
        rules.check_term(merged["term_starts_on"], merged["term_ends_on"], "term_ends_on")
        if changes:
            uow.execute(update(committees).where(committees.c.id == committee_id).values(**changes, updated_at=now()))
        found = committee(uow, committee_id)
        uow.commit()
        return found


def seat_member(uow: UnitOfWork, committee_id: UUID, data: dict[str, Any]) -> dict[str, Any]:
    """Seat an owner of the estate on the committee with a role and a term; one chair at a time."""
    rules.check_term(data["starts_on"], data.get("ends_on"))
    with uow:
        board = get_row(uow, committees, committee_id, "owners' committee", what_zh="业委会", lock=True)
        owner = uow.execute(select(func.count()).select_from(occupancies).where(
            occupancies.c.person_id == data["person_id"], occupancies.c.estate_id == board["estate_id"],
            occupancies.c.role == "owner", occupancies.c.moved_out_on.is_(None))).scalar_one()
        rules.check_owner(owner > 0)
        m = committee_members.c
        seated = uow.execute(select(func.count()).where(
            m.committee_id == committee_id, m.person_id == data["person_id"], m.ends_on.is_(None))).scalar_one()
        if seated:
            raise Invalid("that owner is on the committee already", "该业主已是业委会成员",
                          errors={"person_id": ["is in office already"]})
        if data.get("ends_on") is None:
            chairs = uow.execute(select(func.count()).where(m.committee_id == committee_id, m.role == "chair",
                                                            m.ends_on.is_(None))).scalar_one()
            rules.check_one_chair(data["role"], chairs)
        stamp = now()
        row = {"id": uuid.uuid4(), "committee_id": committee_id, "estate_id": board["estate_id"], "ends_on": None,
               **data, "created_at": stamp, "updated_at": stamp}
        uow.execute(insert(committee_members).values(row))
        found = member(uow, row["id"])
        uow.commit()
        return found


def end_term(uow: UnitOfWork, member_id: UUID, ends_on: Any) -> dict[str, Any]:
    """A member's term ends (a resignation, the committee's re-election)."""
    with uow:
        current = get_row(uow, committee_members, member_id, "committee member", what_zh="业委会成员", lock=True)
        rules.check_term(current["starts_on"], ends_on)
        uow.execute(update(committee_members).where(committee_members.c.id == member_id)
                    .values(ends_on=ends_on, updated_at=now()))
        found = member(uow, member_id)
        uow.commit()
        return found


def log_contact(uow: UnitOfWork, committee_id: UUID, data: dict[str, Any], recorded_by: str) -> dict[str, Any]:
    """Log a contact or meeting of the management office with the committee: when, what, who took part."""
    with uow:
        board = get_row(uow, committees, committee_id, "owners' committee", what_zh="业委会")
        member_ids = sorted(set(data.get("member_ids") or ()), key=str)
        if member_ids:
            found = set(uow.execute(select(committee_members.c.id).where(
                committee_members.c.committee_id == committee_id, committee_members.c.id.in_(member_ids))).scalars())
            missing = sorted(str(i) for i in member_ids if i not in found)
            if missing:
                raise Invalid("no such member of this committee", "业委会中没有此成员",
                              errors={"member_ids": [f"not of this committee: {', '.join(missing)}"]})
        if data.get("staff_id") is not None:
            works = uow.execute(select(staff.c.id).where(staff.c.id == data["staff_id"],
                                                         staff.c.estate_id == board["estate_id"])).first()
            if works is None:
                raise Invalid("no such staff member of this estate", "本小区没有此员工",
                              errors={"staff_id": ["not staff of this estate"]})
        row = {"id": uuid.uuid4(), "committee_id": committee_id, "estate_id": board["estate_id"], "summary": "",
               "staff_id": None, **data, "member_ids": [str(i) for i in member_ids], "recorded_by": recorded_by,
               "recorded_at": now()}
        uow.execute(insert(committee_contacts).values(row))
        uow.commit()
        return row

