"""Running standard procedures (TKT-15): templates written for the operator or an estate, and
applications (a renovation approval, say) run step by step.

An application is opened with every step of the template in force (copied, so a later change of
the template does not change a running case), the first one open with its due time. A decision
locks the application: the step open now is approved (the next one opens; after the last, the
application is completed) or refused with a reason (the application ends). Each decision is a row
of who and when, and a ``tickets.application.decided.v1`` event, which notify turns into a
message to the applicant (its built-in rule ``application_decided_to_applicant``). The documents
and deposit a step collects are recorded on it by its approval; a withdrawal ends the application
(``tickets.application.withdrawn.v1``); overdue steps are the timer's (tickets.procedures.timer).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update

from servicekit.errors import Conflict, Invalid, Message
from servicekit.rows import get_row, now, write
from servicekit.unit_of_work import UnitOfWork
from tickets import events
from tickets.domain.procedures import check_collected, check_steps
from tickets.procedures.views import application, template_in_force
from tickets.tables import application_steps, applications, people, procedure_templates, units
from tickets.tickets.timeline import Actor

_TAKEN = Message("this estate (or the operator) has a procedure of this code already",
                 "本小区（或运营方）已有该代码的程序")
LOCAL_TIME = ZoneInfo("Asia/Shanghai")


def add_template(uow: UnitOfWork, data: Mapping[str, Any]) -> dict[str, Any]:
    """A procedure for one estate, or the operator's; of a built-in code, it replaces the built-in one."""
    with uow:
        check_steps(data["steps"])
        row = {"id": uuid.uuid4(), **data, "steps": [dict(s) for s in data["steps"]], "active": True, "version": 1}
        t = procedure_templates.c
        if row["estate_id"] is None and uow.execute(select(t.id).where(t.estate_id.is_(None),
                                                                       t.code == row["code"])).first():
            raise Conflict(_TAKEN.en, _TAKEN.zh)
        write(uow, insert(procedure_templates).values(row), conflict=_TAKEN)
        uow.commit()
        return {**row, "built_in": False}


def open_application(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any], *,
                     at: datetime | None = None) -> dict[str, Any]:
    """Open an application through the estate's procedure; its first step is open at once."""
    at = at or now()
    with uow:
        template = template_in_force(uow, data["estate_id"], data["procedure"])
        _check_applicant(uow, data)
        row = {"id": uuid.uuid4(), "number": f"P{at.astimezone(LOCAL_TIME):%y%m%d}{secrets.randbelow(10**6):06d}",
               "estate_id": data["estate_id"], "procedure": template["code"], "name_zh": template["name_zh"],
               "name_en": template["name_en"], "unit_id": data.get("unit_id"), "person_id": data.get("person_id"),
               "title": data["title"], "note": data.get("note") or "", "state": "in_progress", "current_step": 1,
               "created_by": actor.subject, "created_at": at, "updated_at": at, "closed_at": None, "version": 1}
        uow.execute(insert(applications).values(row))
        uow.execute(insert(application_steps), [{
            "application_id": row["id"], "position": index, "estate_id": row["estate_id"], "key": step["key"],
            "name_zh": step["name_zh"], "name_en": step["name_en"], "approver_role": step["approver_role"],
            "due_hours": step["due_hours"], "collects": list(step.get("collects") or ()),
            "state": "open" if index == 1 else "waiting",
            "opened_at": at if index == 1 else None,
            "due_at": at + timedelta(hours=step["due_hours"]) if index == 1 else None, "note": ""}
            for index, step in enumerate(template["steps"], start=1)])
        uow.record(events.APPLICATION_OPENED, row["id"], {"application": events.application_payload(row)})
        answer = application(uow, row["id"], at)
        uow.commit()
        return answer


def decide(uow: UnitOfWork, application_id: UUID, position: int, actor: Actor, *, decision: str, note: str = "",
           reason: str | None = None, documents: list[Mapping[str, Any]] | None = None,
           deposit: Decimal | None = None, at: datetime | None = None) -> dict[str, Any]:
    """Approve the step open now (with the documents or deposit it collects), or refuse it with a
    reason; the applicant is told either way."""
    at = at or now()
    if decision == "refuse" and not reason:
        raise Invalid("a refusal gives its reason", "驳回须说明理由", errors={"reason": ["required to refuse"]})
    with uow:
        row = get_row(uow, applications, application_id, "application", what_zh="申请", lock=True)
        if row["state"] != "in_progress" or row["current_step"] != position:
            raise Conflict(f"step {position} is not the one open now", f"第 {position} 步不是当前待办步骤",
                           errors={"state": row["state"], "current_step": row["current_step"]})
        s = application_steps.c
        step = uow.execute(select(application_steps).where(s.application_id == application_id, s.position == position)
                           ).mappings().one()
        check_collected(step["collects"] or (), decision, documents, deposit)
        approved = decision == "approve"
        uow.execute(update(application_steps).where(s.application_id == application_id, s.position == position).values(
            state="approved" if approved else "refused", decided_by=actor.subject, decided_role=actor.role,
            decided_at=at, note=note, reason=None if approved else reason,
            documents=[dict(d) for d in documents] if documents else None, deposit=deposit))
        following = uow.execute(select(application_steps).where(s.application_id == application_id,
                                                                s.position == position + 1)).mappings().first()
        changes = _next(uow, row, following, at) if approved else {"state": "refused", "current_step": None,
                                                                   "closed_at": at}
        values = {**changes, "updated_at": at, "version": row["version"] + 1}
        uow.execute(update(applications).where(applications.c.id == application_id).values(values))
        after = {**row, **values}
        uow.record(events.APPLICATION_DECIDED, application_id, {
            "application": events.application_payload(after),
            "step": {"position": position, "key": step["key"], "name_zh": step["name_zh"], "name_en": step["name_en"]},
            "decision": "approved" if approved else "refused", "reason": reason, "note": note,
            "decided_role": actor.role, "decided_at": at.isoformat(),
            "deposit": None if deposit is None else f"{deposit:.2f}", "documents": len(documents or ())})
        answer = application(uow, application_id, at)
        uow.commit()
        return answer


def withdraw(uow: UnitOfWork, application_id: UUID, actor: Actor, *, reason: str,
             at: datetime | None = None) -> dict[str, Any]:
    """Withdraw a running application (the applicant or the desk), saying why: the step open now
    is skipped, none after it opens, no reminder fires."""
    at = at or now()
    with uow:
        row = get_row(uow, applications, application_id, "application", what_zh="申请", lock=True)
        if row["state"] != "in_progress":
            raise Conflict("only a running application can be withdrawn", "只能撤回进行中的申请",
                           errors={"state": row["state"]})
        s = application_steps.c
        uow.execute(update(application_steps).where(s.application_id == application_id, s.state == "open")
                    .values(state="skipped"))
        values = {"state": "withdrawn", "current_step": None, "closed_at": at, "withdrawn_by": actor.subject,
                  "withdrawn_reason": reason, "updated_at": at, "version": row["version"] + 1}
        uow.execute(update(applications).where(applications.c.id == application_id).values(values))
        uow.record(events.APPLICATION_WITHDRAWN, application_id, {
            "application": events.application_payload({**row, **values}), "reason": reason,
            "withdrawn_by": actor.subject, "withdrawn_role": actor.role, "withdrawn_at": at.isoformat()})
        answer = application(uow, application_id, at)
        uow.commit()
        return answer


def _next(uow: UnitOfWork, row: Mapping[str, Any], following: Mapping[str, Any] | None,
          at: datetime) -> dict[str, Any]:
    """Open the step after an approval; without one, the application is completed."""
    if following is None:
        return {"state": "completed", "current_step": None, "closed_at": at}
    s = application_steps.c
    uow.execute(update(application_steps).where(s.application_id == row["id"], s.position == following["position"])
                .values(state="open", opened_at=at, due_at=at + timedelta(hours=following["due_hours"])))
    return {"current_step": following["position"]}


def _check_applicant(uow: UnitOfWork, data: Mapping[str, Any]) -> None:
    errors = {}
    if data.get("unit_id") is not None and uow.execute(select(units.c.id).where(
            units.c.id == data["unit_id"], units.c.estate_id == data["estate_id"])).first() is None:
        errors["unit_id"] = ["no such unit in this estate"]
    if data.get("person_id") is not None and uow.execute(select(people.c.id).where(
            people.c.id == data["person_id"], people.c.estate_id == data["estate_id"])).first() is None:
        errors["person_id"] = ["no such person in this estate"]
    if errors:
        raise Invalid("the application names what the estate does not have", "申请引用的信息在本小区不存在",
                      errors=errors)
