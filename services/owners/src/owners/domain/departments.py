"""Departments (部门, OWN-9): the parts of an estate's management office — customer service (客服),
engineering (工程), security (保安), cleaning (保洁), finance (财务) and others — each with a
supervisor (主管) and its members.

A department of no estate is the operator's **template**: it names a department every estate should
have (its code and name) and has no supervisor and no members; an estate's departments are made from
the templates (those it lacks, by code) and then staffed. Tickets routes work to a department's
members and reports a complaint that names a department to that department's supervisor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from owners.domain.errors import Conflict, Invalid

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
"""A department's code: what other services and the templates match it by (``engineering``)."""

SUGGESTED = {
    "customer_service": "客服部", "engineering": "工程部", "security": "保安部", "cleaning": "保洁部",
    "finance": "财务部",
}
"""The departments most management offices have (code -> Chinese name): the demo's templates."""


def check_template(estate_id: UUID | None, supervisor_id: UUID | None, member_ids: Iterable[UUID]) -> None:
    """A template (no estate) has no supervisor and no members: they belong to an estate's department."""
    if estate_id is None and (supervisor_id is not None or list(member_ids)):
        raise Invalid("a template (no estate) has no supervisor and no members; make the estate's department first",
                      "模板（不属于任何小区）没有主管和成员，请先为小区建立部门",
                      errors={"estate_id": ["is required for a supervisor or members"]})


def members_of(staff_ids: Iterable[UUID]) -> list[UUID]:
    """Members as stored and sent: each once, in a stable order (so equal sets compare equal)."""
    return sorted(set(staff_ids), key=str)


def check_staff(estate_id: UUID, wanted: Iterable[UUID], found: dict[UUID, dict[str, Any]], field: str) -> None:
    """Every member (or the supervisor) is an active member of staff who works for the estate: employed
    by it, or holding ground in it (``found``: staff id -> ``{"active", "works_here"}``)."""
    missing = [str(s) for s in wanted if s not in found or not found[s]["works_here"]]
    if missing:
        raise Invalid("no such staff member working for this estate", "本小区没有此员工",
                      errors={field: [f"not staff of this estate: {', '.join(missing)}"]})
    inactive = [str(s) for s in wanted if not found[s]["active"]]
    if inactive:
        raise Invalid("that staff member is not active", "该员工已停用",
                      errors={field: [f"not active: {', '.join(inactive)}"]})


def check_template_change(current: dict[str, Any], changes: dict[str, Any]) -> None:
    """A template takes no supervisor (see :func:`check_template`)."""
    if current["estate_id"] is None and changes.get("supervisor_id") is not None:
        check_template(None, changes["supervisor_id"], ())


def check_code(code: str) -> None:
    if not CODE.match(code):
        raise Invalid("a department code is lower-case letters, digits and _, 2 to 40 long",
                      "部门代码只能由小写字母、数字和下划线组成，长度 2–40", errors={"code": ["invalid"]})


def taken(code: str) -> Conflict:
    return Conflict(f"this estate (or the operator) has a department {code!r} already",
                    f"已存在代码为 {code} 的部门")
