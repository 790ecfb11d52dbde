"""Opening follow-up visits (回访): by a submitted answer that asks for one (a low score, a complaint in
a comment: surveys.domain.follow_ups), in the answer's transaction, or by staff flagging any answer;
recording the visit (what the owner said); setting the low-score thresholds of an estate or the
operator."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, insert, select, update

from servicekit.errors import Conflict, Invalid
from servicekit.rows import get_row
from servicekit.unit_of_work import UnitOfWork
from surveys import events
from surveys.domain import follow_ups as rules
from surveys.tables import answers, follow_up_thresholds, follow_ups, invitations, staff, territories, units

log = logging.getLogger(__name__)
SURVEYS = "surveys"


def thresholds_of(session: Any, estate_id: UUID) -> dict[tuple[str, str], int]:  # noqa: ANN401
    """The thresholds that apply in ``estate_id``, keyed (``estate`` | ``operator``, element)."""
    t = follow_up_thresholds.c
    rows = session.execute(select(t.estate_id, t.element, t.threshold)
                           .where((t.estate_id == estate_id) | t.estate_id.is_(None))).all()
    return {("operator" if row.estate_id is None else "estate", row.element): row.threshold for row in rows}


def _visitor(uow: UnitOfWork, estate_id: UUID, building_id: UUID | None) -> UUID | None:
    """The staff member of the estate a follow-up in ``building_id`` goes to (domain.follow_ups.visitor)."""
    t, s = territories.c, staff.c
    open_count = (select(func.count()).select_from(follow_ups)
                  .where(follow_ups.c.assignee_id == s.id, follow_ups.c.state == "open").scalar_subquery())
    rows = uow.execute(select(s.id, s.name, t.building_id, open_count.label("open"))
                       .join(territories, t.staff_id == s.id)
                       .where(s.estate_id == estate_id, s.active.is_(True), t.estate_id == estate_id,
                              t.released.is_(False))).mappings().all()
    chosen = rules.visitor(rows, building_id)
    return None if chosen is None else chosen["id"]


def open_follow_up(uow: UnitOfWork, answer: Mapping[str, Any], reasons: list[dict[str, Any]], opened_by: str,
                   at: datetime, person_id: UUID | None = None) -> dict[str, Any]:
    """A follow-up of ``answer`` for ``reasons``, assigned, with its event; in the caller's transaction."""
    assignee = _visitor(uow, answer["estate_id"], answer["building_id"])
    row = {"id": uuid.uuid4(), "estate_id": answer["estate_id"], "answer_id": answer["id"],
           "wave_id": answer["wave_id"], "ticket_id": answer["ticket_id"], "unit_id": answer["unit_id"],
           "building_id": answer["building_id"], "person_id": person_id, "reasons": reasons,
           "assignee_id": assignee, "state": "open", "owner_said": None, "visited_at": None, "visited_by": None,
           "opened_by": opened_by, "opened_at": at, "version": 1}
    uow.execute(insert(follow_ups).values(row))
    if assignee is None:
        log.warning("a follow-up visit is assigned to nobody: no active staff's territory covers its building "
                    "(metric surveys_follow_up_attention{kind=\"unassigned\"})",
                    extra={"follow_up_id": str(row["id"]), "estate_id": str(row["estate_id"]),
                           "building_id": str(row["building_id"])})
    number = None if row["unit_id"] is None else uow.execute(
        select(units.c.number).where(units.c.id == row["unit_id"])).scalar()
    uow.record(events.FOLLOW_UP_OPENED, row["id"], events.follow_up_payload(row, number))
    return row


def after_answer(uow: UnitOfWork, answer: Mapping[str, Any], questions: list[dict[str, Any]],
                 invitation: Mapping[str, Any] | None, at: datetime) -> dict[str, Any] | None:
    """Open a follow-up if the submitted ``answer`` asks for one (in the answer's transaction)."""
    reasons = rules.reasons(questions, answer["items"], thresholds_of(uow, answer["estate_id"]))
    if not reasons:
        return None
    return open_follow_up(uow, answer, reasons, SURVEYS, at, None if invitation is None else invitation["person_id"])


def flag(uow: UnitOfWork, flagged_by: str, at: datetime, *, answer_id: UUID, note: str) -> dict[str, Any]:
    """Staff open a follow-up of a submitted answer by hand (the staff flag); one per answer."""
    with uow:
        answer = get_row(uow, answers, answer_id, "answer", what_zh="答卷")
        if answer["state"] != "submitted":
            raise Conflict("the answer has not been submitted yet", "该答卷尚未提交")
        if uow.execute(select(follow_ups.c.id).where(follow_ups.c.answer_id == answer_id)).first() is not None:
            raise Conflict("the answer has a follow-up visit already", "该答卷已有回访")
        person_id = None if answer["invitation_id"] is None else uow.execute(
            select(invitations.c.person_id).where(invitations.c.id == answer["invitation_id"])).scalar()
        row = open_follow_up(uow, answer, [{"kind": "staff", "note": note}], flagged_by, at, person_id)
        uow.commit()
        return row


def record_visit(uow: UnitOfWork, follow_up_id: UUID, visited_by: str, at: datetime, *, owner_said: str,
                 version: int | None = None) -> dict[str, Any]:
    """Record the visit: what the owner said; once (a visited follow-up is a 409)."""
    with uow:
        row = get_row(uow, follow_ups, follow_up_id, "follow-up visit", what_zh="回访", lock=True)
        if row["state"] != "open":
            raise Conflict("the visit has been recorded already", "该回访已记录")
        if version is not None and version != row["version"]:
            raise Conflict("the follow-up changed since it was read", "该回访已被修改，请刷新后重试")
        row = {**row, "state": "visited", "owner_said": owner_said, "visited_at": at, "visited_by": visited_by,
               "version": row["version"] + 1}
        uow.execute(update(follow_ups).where(follow_ups.c.id == follow_up_id).values(
            state="visited", owner_said=owner_said, visited_at=at, visited_by=visited_by, version=row["version"]))
        uow.record(events.FOLLOW_UP_VISITED, row["id"], events.follow_up_payload(row, None))
        uow.commit()
        return row


def set_thresholds(uow: UnitOfWork, set_by: str, at: datetime, *, thresholds: dict[str, int],
                   estate_id: UUID | None = None) -> dict[str, Any]:
    """Replace the thresholds of ``estate_id`` (None: the operator's, for every estate)."""
    wrong = {element: ["a whole number from 0 to 5"] for element, value in thresholds.items()
             if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5}
    wrong.update({element: ["an element code of at most 40 characters, or *"] for element in thresholds
                  if not element or len(element) > 40})
    if wrong:
        raise Invalid("thresholds are scores from 0 (never) to 5", "阈值应为 0（从不）至 5 的整数",
                      errors={"thresholds": wrong})
    with uow:
        t = follow_up_thresholds.c
        scope = t.estate_id.is_(None) if estate_id is None else t.estate_id == estate_id
        uow.execute(delete(follow_up_thresholds).where(scope))
        if thresholds:
            uow.execute(insert(follow_up_thresholds), [
                {"id": uuid.uuid4(), "estate_id": estate_id, "element": element, "threshold": value,
                 "set_by": set_by, "set_at": at} for element, value in sorted(thresholds.items())])
        uow.commit()
    return {"estate_id": estate_id, "thresholds": thresholds}
