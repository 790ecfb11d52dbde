"""The read side of answers: what a person has answered, for the desk and the owner's whole picture."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from surveys.tables import answers, invitations


def persons_answers(session: Session, principal: Principal, person_id: UUID, args: dict[str, Any]) -> dict[str, Any]:
    """The answers a person submitted through their invitations (a wave's, or the question after a
    ticket), latest first, with their scores; an answer entered for nobody in particular is not theirs."""
    statement = (select(answers, invitations.c.purpose)
                 .join(invitations, invitations.c.id == answers.c.invitation_id)
                 .where(invitations.c.person_id == person_id, answers.c.state == "submitted")
                 .order_by(answers.c.submitted_at.desc(), answers.c.id))
    return page_of(session, scoped(statement, answers.c.estate_id, principal), args)
