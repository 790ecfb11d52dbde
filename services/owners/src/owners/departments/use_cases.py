"""What callers can do with departments (OWN-9): the operator's templates, an estate's departments made
from them or one by one, a supervisor each, and the staff who belong to each.

Every change of an estate's department (its name, supervisor, members, or closing it) is its next
version and one ``owners.department.updated.v1`` with its whole state, so tickets' copy routes the
next ticket by it. Templates record no event: no other service keeps them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, or_, select, update

from owners import events
from owners.departments.views import department
from owners.domain import departments as rules
from owners.domain.errors import NO_SUCH_ESTATE
from owners.tables import department_members, departments, staff, territories
from owners.versions import save_version
from servicekit.errors import Message
from servicekit.rows import get_row, now, write
from servicekit.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

_TAKEN = Message("this estate has a department of that code already", "本小区已有此代码的部门")


def add_department(uow: UnitOfWork, estate_id: UUID | None, code: str, name: str,
                   supervisor_id: UUID | None = None, member_ids: Iterable[UUID] = ()) -> dict[str, Any]:
    """An estate's department (or, without an estate, the operator's template) with its supervisor and members."""
    members = rules.members_of(member_ids)
    rules.check_code(code)
    rules.check_template(estate_id, supervisor_id, members)
    with uow:
        if estate_id is not None:
            _check_staff(uow, estate_id, supervisor_id, members)
        row = _insert(uow, estate_id, code, name, supervisor_id)
        _write_members(uow, row, members)
        if estate_id is not None:
            uow.record(events.DEPARTMENT_ADDED, row["id"], events.department_payload(row, members))
        found = department(uow, row["id"])
        uow.commit()
    _warn_if_vacant(row)
    return found


def add_from_templates(uow: UnitOfWork, estate_id: UUID) -> list[dict[str, Any]]:
    """The estate's departments for every operator template whose code it lacks (none made twice)."""
    with uow:
        have = set(uow.execute(select(departments.c.code).where(departments.c.estate_id == estate_id)).scalars())
        templates = uow.execute(select(departments).where(departments.c.estate_id.is_(None),
                                                          departments.c.active.is_(True))
                                .order_by(departments.c.code)).mappings().all()
        made = []
        for template in templates:
            if template["code"] in have:
                continue
            row = _insert(uow, estate_id, template["code"], template["name"], None)
            uow.record(events.DEPARTMENT_ADDED, row["id"], events.department_payload(row, []))
            made.append({**row, "member_ids": [], "supervisor_name": None})
        uow.commit()
    for row in made:
        _warn_if_vacant(row)
    return made


def update_department(uow: UnitOfWork, department_id: UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Rename a department, give it a supervisor (or leave the post vacant: null), or close it."""
    with uow:
        current = get_row(uow, departments, department_id, "department", what_zh="部门", lock=True)
        changes = {k: v for k, v in changes.items() if current.get(k) != v}
        rules.check_template_change(current, changes)
        members = _members(uow, department_id)
        if not changes:
            return department(uow, department_id)
        if changes.get("supervisor_id") is not None:
            _check_staff(uow, current["estate_id"], changes["supervisor_id"], ())
        saved = _save(uow, current, changes, members)
        found = department(uow, department_id)
        uow.commit()
    _warn_if_vacant(saved)
    return found


def set_members(uow: UnitOfWork, department_id: UUID, staff_ids: Iterable[UUID]) -> dict[str, Any]:
    """Replace a department's members; a member may belong to other departments as well."""
    members = rules.members_of(staff_ids)
    with uow:
        current = get_row(uow, departments, department_id, "department", what_zh="部门", lock=True)
        rules.check_template(current["estate_id"], None, members)
        if members == _members(uow, department_id):
            return department(uow, department_id)
        _check_staff(uow, current["estate_id"], None, members)
        uow.execute(delete(department_members).where(department_members.c.department_id == department_id))
        _write_members(uow, current, members)
        _save(uow, current, {}, members)
        found = department(uow, department_id)
        uow.commit()
        return found


def _warn_if_vacant(row: dict[str, Any]) -> None:
    """A configuration warning (also owners_configuration_warnings, owners.departments.metrics): an open
    department of an estate with nobody in the supervisor's post."""
    if row["estate_id"] is not None and row["active"] and row["supervisor_id"] is None:
        log.warning("department without a supervisor: its complaints go to the estate's supervisor",
                    extra={"estate_id": str(row["estate_id"]), "department_id": str(row["id"]), "code": row["code"]})


def _insert(uow: UnitOfWork, estate_id: UUID | None, code: str, name: str, supervisor_id: UUID | None
            ) -> dict[str, Any]:
    if estate_id is None:  # NULLs never clash in a unique key: the operator's codes are checked here
        same = select(departments.c.id).where(departments.c.estate_id.is_(None), departments.c.code == code)
        if uow.execute(same).first() is not None:
            raise rules.taken(code)
    stamp = now()
    row = {"id": uuid.uuid4(), "estate_id": estate_id, "code": code, "name": name, "supervisor_id": supervisor_id,
           "active": True, "version": 1, "created_at": stamp, "updated_at": stamp}
    write(uow, insert(departments).values(row), conflict=_TAKEN, missing=NO_SUCH_ESTATE)
    return row


def _write_members(uow: UnitOfWork, row: dict[str, Any], members: list[UUID]) -> None:
    if members:
        uow.execute(insert(department_members), [
            {"department_id": row["id"], "staff_id": s, "estate_id": row["estate_id"]} for s in members])


def _save(uow: UnitOfWork, current: dict[str, Any], changes: dict[str, Any], members: list[UUID]) -> dict[str, Any]:
    if current["estate_id"] is not None:
        return save_version(uow, departments, current, changes, event=events.DEPARTMENT_UPDATED,
                            payload=lambda row: events.department_payload(row, members))
    row = {**current, **changes, "updated_at": now(), "version": current["version"] + 1}
    uow.execute(update(departments).where(departments.c.id == current["id"]).values(
        **changes, updated_at=row["updated_at"], version=row["version"]))
    return row


def _members(uow: UnitOfWork, department_id: UUID) -> list[UUID]:
    found = uow.execute(select(department_members.c.staff_id)
                        .where(department_members.c.department_id == department_id)).scalars()
    return rules.members_of(found)


def _check_staff(uow: UnitOfWork, estate_id: UUID, supervisor_id: UUID | None, members: list[UUID]) -> None:
    """The supervisor and every member work for the estate (employed by it, or holding ground in it)."""
    wanted = [*members, *([supervisor_id] if supervisor_id is not None else [])]
    if not wanted:
        return
    ground = select(territories.c.staff_id).where(territories.c.estate_id == estate_id)
    found = {r.id: {"active": r.active, "works_here": True} for r in uow.execute(
        select(staff.c.id, staff.c.active).where(
            staff.c.id.in_(wanted), or_(staff.c.estate_id == estate_id, staff.c.id.in_(ground))))}
    rules.check_staff(estate_id, members, found, "member_ids")
    if supervisor_id is not None:
        rules.check_staff(estate_id, [supervisor_id], found, "supervisor_id")
