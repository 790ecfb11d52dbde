"""The read side of a complaint's outcome: the outcome (or its defaults before one is recorded),
and whether the press is involved (who may reply to the owner)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.errors import NotFound
from tickets.domain.outcomes import default_subtype
from tickets.reports.labels import LABELS
from tickets.tables import complaint_outcomes, departments, tickets

NOT_A_COMPLAINT = ("the ticket is not a complaint: it has no outcome", "此工单不是投诉，没有投诉结果")


def outcome(session: Session, ticket_id: UUID) -> dict[str, Any]:
    """The complaint's outcome; NotFound for a ticket that is not a complaint."""
    ticket = session.execute(select(tickets.c.kind, tickets.c.complaint_class, tickets.c.quality_aspect)
                             .where(tickets.c.id == ticket_id)).first()
    if ticket is None or ticket.kind != "complaint":
        raise NotFound(*NOT_A_COMPLAINT)
    row = session.execute(select(complaint_outcomes).where(complaint_outcomes.c.ticket_id == ticket_id)
                          ).mappings().first()
    return shown(session, ticket_id, ticket.complaint_class, ticket.quality_aspect, row)


def department_name(conn: Any, department_id: UUID | None) -> str | None:
    """The name of a department in the copy of owners' departments (None: none named)."""
    if department_id is None:
        return None
    return conn.execute(select(departments.c.name).where(departments.c.id == department_id)).scalar()


def shown(conn: Any, ticket_id: UUID, complaint_class: str, quality_aspect: str | None,
          row: Mapping[str, Any] | None) -> dict[str, Any]:
    """The outcome as answered: the row with the names of its codes, or the defaults of none."""
    found = dict(row) if row is not None else {
        "ticket_id": ticket_id, "estate_id": None, "subtype": default_subtype(complaint_class, quality_aspect),
        "root_cause": None, "root_cause_note": "", "responsible_department_id": None,
        "responsible_department": None, "commitment": "",
        "justified": None, "review_note": "", "reviewed_by": None, "reviewed_at": None, "media_involved": False,
        "legal_referral": False, "updated_by": None, "updated_at": None, "version": 0}
    return {**found, "recorded": row is not None, "complaint_class": complaint_class,
            "responsible_department_name": department_name(conn, found["responsible_department_id"])
            or found["responsible_department"],
            "subtype_name": _names(LABELS["subtype"], found["subtype"]),
            "root_cause_name": _names(LABELS["root_cause"], found["root_cause"])}


def _names(names: Mapping[str, tuple[str, str]], code: str | None) -> dict[str, str] | None:
    if code is None or code not in names:
        return None
    zh, en = names[code]
    return {"zh-CN": zh, "en": en}


def media_involved(session: Session, ticket_id: UUID) -> bool:
    """Whether the press is involved in the complaint (then only managers reply to the owner)."""
    return bool(session.execute(select(complaint_outcomes.c.media_involved)
                                .where(complaint_outcomes.c.ticket_id == ticket_id)).scalar())
