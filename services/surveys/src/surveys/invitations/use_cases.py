"""Inviting people to answer: one invitation per person asked, with a personal link whose token
surveys keeps only as a hash; each invitation and each reminder is an event notify turns into an
SMS, e-mail or in-app message by its built-in survey rules (opt-outs of survey messages hold there).

These steps run inside the caller's unit of work (opening a wave invites its sample; a resolved
ticket invites its reporter), except :func:`remind`, a use case of its own."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, update

from servicekit.errors import Conflict
from servicekit.rows import get_row, now
from servicekit.unit_of_work import UnitOfWork
from surveys import events
from surveys.invitations.tokens import hash_of, new_token
from surveys.invitations.views import contacts, unanswered
from surveys.tables import invitation_tokens, invitations, waves


def invite(uow: UnitOfWork, *, estate_id: UUID, purpose: str, person: dict[str, Any], unit_id: UUID | None,
           version_id: UUID, expires_at: datetime, answer_url: str, wave_id: UUID | None = None,
           ticket_id: UUID | None = None, period: str | None = None) -> dict[str, Any]:
    """One invitation and its event, in the caller's transaction."""
    row = {"id": uuid.uuid4(), "estate_id": estate_id, "purpose": purpose, "wave_id": wave_id, "ticket_id": ticket_id,
           "unit_id": unit_id, "person_id": person["id"], "questionnaire_version_id": version_id,
           "expires_at": expires_at, "state": "sent", "sent_at": now(), "reminders": 0, "version": 1}
    uow.execute(insert(invitations).values(row))
    _send(uow, events.INVITATION_SENT, row, person, answer_url, period)
    return row


def invite_households(uow: UnitOfWork, wave: dict[str, Any], unit_ids: Iterable[UUID], *, expires_at: datetime,
                      answer_url: str) -> int:
    """Invite each household of a wave's sample: its owner-occupant first (else its first occupant)."""
    invited = 0
    for unit_id, person in contacts(uow, wave["estate_id"], list(unit_ids), wave["opens_on"]).items():
        invite(uow, estate_id=wave["estate_id"], purpose="wave", person=person, unit_id=unit_id,
               version_id=wave["questionnaire_version_id"], expires_at=expires_at, answer_url=answer_url,
               wave_id=wave["id"], period=wave["period"])
        invited += 1
    return invited


def remind(uow: UnitOfWork, wave_id: UUID, answer_url: str) -> dict[str, Any]:
    """Remind everyone of an open wave who has not answered yet: a new link each (the first stays good)."""
    with uow:
        wave = get_row(uow, waves, wave_id, "wave", what_zh="调查", lock=True)
        if wave["state"] != "open":
            raise Conflict("the wave is not open", "本次调查未在进行中")
        reminded = remind_unanswered(uow, wave, answer_url)
        uow.commit()
        return {"wave_id": wave_id, "reminded": reminded}


def remind_unanswered(uow: UnitOfWork, wave: dict[str, Any], answer_url: str) -> int:
    """Remind those of ``wave`` not answered yet, in the caller's transaction; how many."""
    reminded = 0
    for invitation, person in unanswered(uow, wave["id"]):
        invitation = {**invitation, "reminders": invitation["reminders"] + 1, "version": invitation["version"] + 1}
        uow.execute(update(invitations).where(invitations.c.id == invitation["id"])
                    .values(reminders=invitation["reminders"], version=invitation["version"]))
        _send(uow, events.INVITATION_REMINDED, invitation, person, answer_url, wave["period"])
        reminded += 1
    return reminded


def _send(uow: UnitOfWork, type_: str, invitation: dict[str, Any], person: dict[str, Any], answer_url: str,
          period: str | None) -> None:
    token = new_token()
    uow.execute(insert(invitation_tokens).values(token_hash=hash_of(token), invitation_id=invitation["id"]))
    uow.record(type_, invitation["id"], events.invitation_payload(invitation, person, answer_url + token, period))
