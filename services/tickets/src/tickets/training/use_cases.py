"""Making a closed complaint into a training case (编成案例，列入岗位培训教材, TKT-10).

The case tells what happened (the complaint's description), what was done (the notes of its
timeline), why (its root cause) and what was promised, with the lesson a manager draws, all of it
anonymised (tickets.domain.anonymise): the names of the complainant, the unit's occupants and the
estate's staff, the contact and their phone numbers, the unit's number and the building's name
are taken out, and so is anything that looks like a phone, an ID number or a unit. One case per
complaint; the complaint must be resolved.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select

from servicekit.errors import Conflict, Message
from servicekit.rows import get_row, now, write
from servicekit.unit_of_work import UnitOfWork
from tickets.domain.anonymise import anonymise
from tickets.reports.labels import label
from tickets.tables import (
    buildings,
    complaint_outcomes,
    occupancies,
    people,
    staff,
    ticket_steps,
    tickets,
    training_cases,
    units,
)
from tickets.tickets.timeline import Actor

_TAKEN = ("this complaint is a training case already", "此投诉已编为培训案例")


def make_case(uow: UnitOfWork, actor: Actor, *, ticket_id: UUID, lesson: str, title: str | None = None,
              at: datetime | None = None) -> dict[str, Any]:
    """A training case of a resolved complaint, anonymised."""
    at = at or now()
    with uow:
        ticket = get_row(uow, tickets, ticket_id, "ticket", what_zh="工单")
        if ticket["kind"] != "complaint" or ticket["resolved_at"] is None:
            raise Conflict("a training case is made of a resolved complaint", "只有处理完毕的投诉才能编为培训案例")
        outcome = uow.execute(select(complaint_outcomes).where(complaint_outcomes.c.ticket_id == ticket_id)
                              ).mappings().first() or {}
        hidden = _identities(uow, ticket)
        row = {"id": uuid.uuid4(), "estate_id": ticket["estate_id"], "ticket_id": ticket_id,
               "complaint_class": ticket["complaint_class"], "quality_aspect": ticket["quality_aspect"],
               "subtype": outcome.get("subtype"), "root_cause": outcome.get("root_cause"),
               "title": anonymise(title or ticket["title"], **hidden),
               "story": anonymise(_story(uow, ticket, outcome), **hidden), "lesson": anonymise(lesson, **hidden),
               "created_by": actor.subject, "created_at": at}
        if uow.execute(select(training_cases.c.id).where(training_cases.c.ticket_id == ticket_id)).first():
            raise Conflict(*_TAKEN)
        write(uow, insert(training_cases).values(row), conflict=Message(*_TAKEN))
        uow.commit()
        return row


def _identities(uow: UnitOfWork, ticket: dict[str, Any]) -> dict[str, list[str]]:
    """Who and where the complaint names: to be taken out of every text of the case."""
    names = [ticket["contact_name"] or ""]
    phones = [ticket["contact_phone"] or ""]
    person_ids = [ticket["person_id"]] if ticket["person_id"] else []
    if ticket["unit_id"] is not None:
        person_ids += list(uow.execute(select(occupancies.c.person_id).where(
            occupancies.c.unit_id == ticket["unit_id"])).scalars())
    for name, mobile in uow.execute(select(people.c.name, people.c.mobile).where(people.c.id.in_(person_ids))):
        names.append(name)
        phones.append(mobile or "")
    names += list(uow.execute(select(staff.c.name).where(staff.c.estate_id == ticket["estate_id"])).scalars())
    places: list[str] = []
    if ticket["unit_id"] is not None:
        places += list(uow.execute(select(units.c.number).where(units.c.id == ticket["unit_id"])).scalars())
    if ticket["building_id"] is not None:
        places += list(uow.execute(select(buildings.c.name, buildings.c.code).where(
            buildings.c.id == ticket["building_id"])).one())
    return {"people": names, "phones": phones, "units": [p for p in places if p and len(p) > 1]}


def _story(uow: UnitOfWork, ticket: dict[str, Any], outcome: Any) -> str:
    notes = [note for note in uow.execute(select(ticket_steps.c.note).where(
        ticket_steps.c.ticket_id == ticket["id"], ticket_steps.c.note != "").order_by(ticket_steps.c.at)).scalars()]
    parts = [f"经过 What happened: {ticket['title']}。{ticket['description']}"]
    if notes:
        parts.append("处理 What was done: " + "；".join(notes))
    if outcome.get("root_cause"):
        cause = label("root_cause", outcome["root_cause"])
        parts.append(f"原因 Root cause: {cause} {outcome.get('root_cause_note') or ''}")
    if outcome.get("commitment"):
        parts.append(f"承诺 Commitment: {outcome['commitment']}")
    return "\n".join(parts)
