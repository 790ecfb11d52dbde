"""Recording what a complaint came to (TKT-14), and a manager's review of whether it was justified.

Each use case locks the ticket, so an outcome and the ticket's steps never interleave; writes the
outcome (``version`` 1 when first recorded, + 1 with every change), a timeline step and the event
carrying the whole outcome, in one transaction. The first time the media are said to be involved,
the complaint goes to the first responsible person through the escalation rules of a major
complaint (:func:`tickets.sla.escalation.escalate`, trigger ``major``), so the estate's own rules
decide who that is, and nobody-at-that-level goes on up the chain as for any escalation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from servicekit.errors import Conflict, Invalid
from servicekit.rows import get_row, now
from servicekit.unit_of_work import UnitOfWork
from tickets import events
from tickets.domain.outcomes import check_changes, default_subtype, newly_in_the_press
from tickets.outcomes.views import NOT_A_COMPLAINT, shown
from tickets.sla.escalation import escalate
from tickets.tables import complaint_outcomes, departments
from tickets.tables import tickets as ticket_table
from tickets.tickets.timeline import Actor, add_step

MEDIA_REASON = "the media are involved (媒体介入): the first responsible person answers"


def record(uow: UnitOfWork, ticket_id: UUID, actor: Actor, changes: Mapping[str, Any], *,
           at: datetime | None = None) -> dict[str, Any]:
    """Record (part of) a complaint's outcome: only the fields in ``changes`` change."""
    at = at or now()
    with uow:
        ticket, before = _complaint(uow, ticket_id)
        checked = check_changes(ticket["complaint_class"], ticket["quality_aspect"], changes)
        checked = _department(uow, ticket, checked)
        row = _write(uow, ticket, before, checked, actor, at)
        add_step(uow, ticket, "outcome_recorded", actor, at, details={k: _plain(v) for k, v in checked.items()})
        uow.record(events.COMPLAINT_OUTCOME_RECORDED, ticket["id"], {
            "outcome": events.outcome_payload(row), "changed": sorted(checked)})
        if newly_in_the_press(before, row):
            escalate(uow, ticket, "major", at, actor, reason=MEDIA_REASON)
        uow.commit()
        return shown(uow, ticket["id"], ticket["complaint_class"], ticket["quality_aspect"], row)


def review(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, justified: bool, note: str = "",
           at: datetime | None = None) -> dict[str, Any]:
    """A manager's judgement, once the complaint is resolved, of whether it proved justified."""
    at = at or now()
    with uow:
        ticket, before = _complaint(uow, ticket_id)
        if ticket["resolved_at"] is None:
            raise Conflict("a complaint is reviewed once it is resolved", "投诉处理完毕后才能评定是否有效",
                           errors={"stage": ticket["stage"]})
        row = _write(uow, ticket, before, {"justified": justified, "review_note": note, "reviewed_by": actor.subject,
                                           "reviewed_at": at}, actor, at)
        add_step(uow, ticket, "reviewed", actor, at, note=note, details={"justified": justified})
        uow.record(events.COMPLAINT_REVIEWED, ticket["id"], {"outcome": events.outcome_payload(row)})
        uow.commit()
        return shown(uow, ticket["id"], ticket["complaint_class"], ticket["quality_aspect"], row)


def _department(uow: UnitOfWork, ticket: Mapping[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` with the responsible department checked: a department of the complaint's estate
    in the copy of owners' departments (open), or free text for one the register does not have;
    naming one clears the other."""
    named, text = changes.get("responsible_department_id"), changes.get("responsible_department")
    if named is not None and text is not None:
        raise Invalid("name the responsible department either from the register or as text, not both",
                      "责任部门请选择登记的部门或填写文字，二者择一",
                      errors={"responsible_department": ["give responsible_department_id or this, not both"]})
    if named is not None:
        d = departments.c
        if uow.execute(select(d.id).where(d.id == named, d.estate_id == ticket["estate_id"],
                                          d.active.is_(True))).first() is None:
            raise Invalid("the responsible department is not an open department of this estate",
                          "责任部门不是本小区登记的部门",
                          errors={"responsible_department_id": ["no such open department in this estate"]})
        return {**changes, "responsible_department": None}
    if text is not None:
        return {**changes, "responsible_department_id": None}
    return changes


def _complaint(uow: UnitOfWork, ticket_id: UUID) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The ticket, locked until commit, if a complaint; and its outcome so far (None: none recorded)."""
    ticket = get_row(uow, ticket_table, ticket_id, "ticket", what_zh="工单", lock=True)
    if ticket["kind"] != "complaint":
        raise Conflict(*NOT_A_COMPLAINT)
    found = uow.execute(select(complaint_outcomes).where(complaint_outcomes.c.ticket_id == ticket_id)
                        ).mappings().first()
    return ticket, None if found is None else dict(found)


def _write(uow: UnitOfWork, ticket: Mapping[str, Any], before: dict[str, Any] | None, changes: Mapping[str, Any],
           actor: Actor, at: datetime) -> dict[str, Any]:
    """The outcome after ``changes``: inserted the first time, else updated with its version + 1."""
    stamp = {"updated_by": actor.subject, "updated_at": at}
    if before is None:
        row = {"ticket_id": ticket["id"], "estate_id": ticket["estate_id"],
               "subtype": default_subtype(ticket["complaint_class"], ticket["quality_aspect"]), "root_cause": None,
               "root_cause_note": "", "responsible_department_id": None, "responsible_department": None,
               "commitment": "", "justified": None,
               "review_note": "", "reviewed_by": None, "reviewed_at": None, "media_involved": False,
               "legal_referral": False, **changes, **stamp, "version": 1}
        uow.execute(insert(complaint_outcomes).values(row))
        return row
    values = {**changes, **stamp, "version": before["version"] + 1}
    uow.execute(update(complaint_outcomes).where(complaint_outcomes.c.ticket_id == ticket["id"]).values(values))
    return {**before, **values}


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | str) else str(value)
