"""The read side of procedures: the templates in force, the applications, one application with
each step's who and when."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped, scoped_with_operator
from servicekit.errors import NotFound
from servicekit.rows import now
from tickets.domain.procedures import BUILT_IN
from tickets.tables import application_steps, applications, procedure_templates

MAX_LISTED = 500


def template_in_force(conn: Any, estate_id: UUID, code: str) -> dict[str, Any]:
    """The template of ``code`` an estate uses: its own, else the operator's, else the built-in one."""
    t = procedure_templates.c
    rows = conn.execute(select(procedure_templates).where(
        t.code == code, t.active.is_(True), or_(t.estate_id == estate_id, t.estate_id.is_(None)))
        .order_by(t.estate_id.is_(None))).mappings().all()
    if rows:
        return {**rows[0], "built_in": False}
    if code in BUILT_IN:
        return BUILT_IN[code]
    raise NotFound("no such procedure in this estate", "本小区没有此程序")


def template_list(session: Session, principal: Principal, args: dict[str, Any]) -> list[dict[str, Any]]:
    """The built-in templates, the operator's and the caller's estates' own (each code once with estate_id)."""
    t = procedure_templates.c
    statement = scoped_with_operator(select(procedure_templates), t.estate_id, principal, args.get("estate_id"))
    rows = [{**r, "built_in": False} for r in session.execute(statement.order_by(t.code, t.estate_id)).mappings()]
    if args.get("estate_id") is not None:
        rows = [template_in_force(session, args["estate_id"], code)
                for code in sorted({r["code"] for r in rows if r["active"]} | set(BUILT_IN))]
        return rows
    return [*BUILT_IN.values(), *rows]


def application(conn: Any, application_id: UUID, at: datetime | None = None) -> dict[str, Any]:
    """One application and its steps (``conn``: a session or unit of work)."""
    row = conn.execute(select(applications).where(applications.c.id == application_id)).mappings().first()
    if row is None:
        raise NotFound("no such application", "没有此申请")
    steps = conn.execute(select(application_steps).where(application_steps.c.application_id == application_id)
                         .order_by(application_steps.c.position)).mappings().all()
    at = at or now()
    return {**row, "steps": [_shown(step, at) for step in steps]}


def _shown(step: Mapping[str, Any], at: datetime) -> dict[str, Any]:
    return {**step, "overdue": step["state"] == "open" and step["due_at"] is not None and step["due_at"] < at}


def application_list(session: Session, principal: Principal, args: dict[str, Any]) -> list[dict[str, Any]]:
    a = applications.c
    statement = select(applications)
    for name in ("estate_id", "procedure", "state"):
        if args.get(name) is not None:
            statement = statement.where(a[name] == args[name])
    statement = scoped(statement, a.estate_id, principal).order_by(a.created_at.desc(), a.id).limit(MAX_LISTED)
    return [{**r, "steps": []} for r in session.execute(statement).mappings()]


def step_role(session: Session, application_id: UUID) -> str | None:
    """The role that decides the step open now (None when none is open)."""
    return session.execute(select(application_steps.c.approver_role).where(
        application_steps.c.application_id == application_id, application_steps.c.state == "open")).scalar()


def applied_by(session: Session, application_id: UUID, subject: str) -> bool:
    """Whether the person a token names (an owner's ``sub``) made this application."""
    try:
        person = UUID(subject)
    except ValueError:
        return False
    return session.execute(select(applications.c.id).where(applications.c.id == application_id,
                                                           applications.c.person_id == person)).first() is not None
