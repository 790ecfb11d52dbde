"""Owners' forums (业户座谈会): a forum invites ``invite`` occupied households of the estate chosen in
turn — those never invited to a forum first, then those invited longest ago, ties by unit id so the
choice is stable — and records who attended; each suggestion raised is a rectification action
(surveys.actions.use_cases.open_suggestion). Each household invited is an event
(``surveys.forum.invited.v1``, to its owner-occupant first) that notify turns into an SMS, e-mail or
in-app message by its built-in rule; opt-outs of survey messages hold there."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select, update

from servicekit.errors import Invalid
from servicekit.rows import get_row
from servicekit.unit_of_work import UnitOfWork
from surveys import events
from surveys.households.views import occupied_households
from surveys.invitations.views import contacts
from surveys.tables import estates, forum_invitees, forums


def in_turn(households: list[UUID], last_invited: dict[UUID, date], count: int) -> list[UUID]:
    """``count`` of ``households``: never invited first, then invited longest ago; ties by id."""
    never = date.min
    return sorted(households, key=lambda unit: (last_invited.get(unit, never), str(unit)))[:count]


def hold(uow: UnitOfWork, created_by: str, at: datetime, *, estate_id: UUID, title: str, held_on: date,
         invite: int, place: str | None = None) -> dict[str, Any]:
    """A forum of the estate with its invited households chosen in turn."""
    with uow:
        if uow.execute(select(estates.c.id).where(estates.c.id == estate_id)).first() is None:
            raise Invalid("no such estate", "没有此小区", errors={"estate_id": ["no such estate"]})
        units = [h.unit_id for h in occupied_households(uow, estate_id, held_on)]
        if not units:
            raise Invalid("the estate has no occupied household to invite", "该小区没有可邀请的入住住户",
                          errors={"estate_id": ["no occupied household"]})
        last = dict(uow.execute(select(forum_invitees.c.unit_id, func.max(forum_invitees.c.held_on))
                                .where(forum_invitees.c.estate_id == estate_id)
                                .group_by(forum_invitees.c.unit_id)).all())
        chosen = in_turn(units, last, invite)
        row = {"id": uuid.uuid4(), "estate_id": estate_id, "title": title, "held_on": held_on, "place": place,
               "created_by": created_by, "created_at": at}
        uow.execute(insert(forums).values(row))
        uow.execute(insert(forum_invitees), [{"forum_id": row["id"], "unit_id": unit, "estate_id": estate_id,
                                              "held_on": held_on, "attended": False} for unit in chosen])
        for unit_id, person in contacts(uow, estate_id, chosen, held_on).items():
            uow.record(events.FORUM_INVITED, row["id"], events.forum_invited_payload(row, unit_id, person))
        uow.commit()
        return row


def attended(uow: UnitOfWork, forum_id: UUID, *, unit_ids: list[UUID]) -> dict[str, Any]:
    """Record who came: each an invited household (else a 422 naming the others, nothing stored)."""
    with uow:
        get_row(uow, forums, forum_id, "forum", what_zh="座谈会", lock=True)
        invited = set(uow.execute(select(forum_invitees.c.unit_id).where(forum_invitees.c.forum_id == forum_id))
                      .scalars())
        strangers = [str(u) for u in unit_ids if u not in invited]
        if strangers:
            raise Invalid("only invited households attend a forum", "只有受邀住户可登记出席",
                          errors={"unit_ids": strangers})
        uow.execute(update(forum_invitees).where(forum_invitees.c.forum_id == forum_id,
                                                 forum_invitees.c.unit_id.in_(unit_ids)).values(attended=True))
        uow.commit()
        return {"forum_id": forum_id, "attended": len(set(unit_ids))}
