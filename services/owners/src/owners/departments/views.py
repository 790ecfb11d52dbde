"""The read side of departments: one department with its members, and the departments of the caller's
estates with the operator's templates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from owners.domain.departments import members_of
from owners.tables import department_members, departments, staff
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row


def department(session: Session, department_id: UUID) -> dict[str, Any]:
    """One department with its members (the caller's scope is checked before)."""
    row = get_row(session, departments, department_id, "department", what_zh="部门")
    return _with_members(session, [row])[0]


def department_page(session: Session, principal: Principal, args: Mapping[str, Any]) -> dict[str, Any]:
    """The caller's estates' departments and the operator's templates (``templates``: only those, or
    none), by estate then code; by estate, code, or a member of staff (the departments they belong to)."""
    d = departments.c
    own = scoped(select(d.id), d.estate_id, principal)
    statement = select(departments).where(or_(d.estate_id.is_(None), d.id.in_(own)))
    if "templates" in args:
        statement = statement.where(d.estate_id.is_(None) if args["templates"] else d.estate_id.is_not(None))
    if "estate_id" in args:
        statement = statement.where(d.estate_id == args["estate_id"])
    if "code" in args:
        statement = statement.where(d.code == args["code"])
    if "staff_id" in args:
        statement = statement.where(or_(d.supervisor_id == args["staff_id"], d.id.in_(
            select(department_members.c.department_id).where(department_members.c.staff_id == args["staff_id"]))))
    page = page_of(session, statement.order_by(d.estate_id.is_not(None), d.estate_id, d.code, d.id), dict(args))
    return {**page, "items": _with_members(session, page["items"])}


def _with_members(session: Session, rows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    ids = [r["id"] for r in rows]
    found: dict[UUID, list[UUID]] = {}
    names: dict[UUID, str] = {}
    if ids:
        for department_id, staff_id in session.execute(select(department_members.c.department_id,
                                                              department_members.c.staff_id)
                                                       .where(department_members.c.department_id.in_(ids))):
            found.setdefault(department_id, []).append(staff_id)
        supervisors = [r["supervisor_id"] for r in rows if r["supervisor_id"] is not None]
        if supervisors:
            names = dict(session.execute(select(staff.c.id, staff.c.name).where(staff.c.id.in_(supervisors))).all())
    return [{**r, "member_ids": members_of(found.get(r["id"], ())), "supervisor_name": names.get(r["supervisor_id"])}
            for r in rows]
