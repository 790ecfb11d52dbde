"""The read side of invitations: whom a household's invitation goes to, a wave's invitations, and
those not answered yet (whom a reminder goes to)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import case, or_, select

from servicekit.paging import page_of
from surveys.tables import invitations, occupancies, people, units


def contacts(session, estate_id: UUID, unit_ids: list[UUID], on: date) -> dict[UUID, dict[str, Any]]:  # noqa: ANN001
    """Per unit, the person its invitation goes to: an owner-occupant before anyone else, the earliest
    moved in first; with their language and preferred channel (defaults where the copy has no person)."""
    owner_first = case((occupancies.c.role == "owner", 0), else_=1)
    statement = (select(occupancies.c.unit_id, occupancies.c.person_id, people.c.language, people.c.preferred_channel)
                 .outerjoin(people, people.c.id == occupancies.c.person_id)
                 .where(occupancies.c.estate_id == estate_id, occupancies.c.unit_id.in_(unit_ids),
                        or_(occupancies.c.moved_out_on.is_(None), occupancies.c.moved_out_on > on))
                 .order_by(occupancies.c.unit_id, owner_first, occupancies.c.moved_in_on, occupancies.c.person_id))
    chosen: dict[UUID, dict[str, Any]] = {}
    for row in session.execute(statement):
        chosen.setdefault(row.unit_id, {"id": row.person_id, "language": row.language or "zh-CN",
                                        "preferred_channel": row.preferred_channel or "sms"})
    return chosen


def person(session, person_id: UUID) -> dict[str, Any]:  # noqa: ANN001
    """A person as an invitation needs them (defaults when the copy does not have them yet)."""
    row = session.execute(select(people.c.language, people.c.preferred_channel).where(people.c.id == person_id)).first()
    return {"id": person_id, "language": row.language if row else "zh-CN",
            "preferred_channel": row.preferred_channel if row else "sms"}


def unanswered(session, wave_id: UUID) -> list[tuple[dict[str, Any], dict[str, Any]]]:  # noqa: ANN001
    """The invitations of a wave not answered yet, each with its person."""
    statement = (select(invitations, people.c.language, people.c.preferred_channel)
                 .outerjoin(people, people.c.id == invitations.c.person_id)
                 .where(invitations.c.wave_id == wave_id, invitations.c.state != "answered")
                 .order_by(invitations.c.id))
    found = []
    for row in session.execute(statement).mappings():
        invitation = {c.name: row[c.name] for c in invitations.columns}
        found.append((invitation, {"id": row["person_id"], "language": row["language"] or "zh-CN",
                                   "preferred_channel": row["preferred_channel"] or "sms"}))
    return found


def wave_invitations(session, wave_id: UUID, args: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """One page of a wave's invitations (of one state, if named), by unit: whom, state, reminders."""
    statement = (select(invitations.c.id, invitations.c.unit_id, units.c.number, invitations.c.person_id,
                        people.c.name.label("person_name"), invitations.c.state, invitations.c.sent_at,
                        invitations.c.reminders, invitations.c.answered_at, invitations.c.expires_at)
                 .outerjoin(units, units.c.id == invitations.c.unit_id)
                 .outerjoin(people, people.c.id == invitations.c.person_id)
                 .where(invitations.c.wave_id == wave_id).order_by(units.c.number, invitations.c.id))
    if args.get("state"):
        statement = statement.where(invitations.c.state == args["state"])
    return page_of(session, statement, args)
