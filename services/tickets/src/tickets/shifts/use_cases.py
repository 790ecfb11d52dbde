"""What the front desk does at a change of shift (TKT-13): the outgoing staff member writes the
handover (交接班记录) with the open items, the incoming one signs it and then owns them; and anyone
on duty writes what was abnormal in the duty logbook (岗位记事本).

**The open items** are read when the handover is written: the outgoing staff member's tickets that
are not closed, their open callbacks, the visitors still in the estate (``visitors``: who, the unit
visited, since when, their entry in owners' visitor register) and what else they add (a lift out
of order: ``notes``).

**Signing** is the incoming staff member's alone. In one transaction the handover is signed and
the outgoing member's callbacks of the list still open become the incoming one's; then each ticket
of the list still theirs is reassigned (a step of its own, on its timeline, "shift handover"). A
ticket whose stage allows no reassignment, or that someone else took meanwhile, stays, and the
handover's ``moved`` says which and why. A handover not signed within
``TICKETS_HANDOVER_SIGN_MINUTES`` is escalated once by the timer (:mod:`tickets.shifts.timer`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from servicekit.errors import Conflict, DomainError, Invalid
from servicekit.rows import get_row, now
from servicekit.unit_of_work import UnitOfWork
from tickets import events
from tickets.callbacks.use_cases import hand_over
from tickets.calls.links import check_links
from tickets.shifts.views import handover
from tickets.tables import callbacks, handovers, logbook_entries, tickets
from tickets.tickets.timeline import Actor
from tickets.tickets.use_cases import procedure

MAX_ITEMS = 200


def open_items(conn: Any, estate_id: UUID, staff_id: UUID) -> list[dict[str, Any]]:
    """The staff member's open tickets and callbacks, oldest first."""
    t, c = tickets.c, callbacks.c
    found = [{"kind": "ticket", "id": str(row.id), "number": row.number, "title": row.title, "stage": row.stage}
             for row in conn.execute(select(t.id, t.number, t.title, t.stage).where(
                 t.estate_id == estate_id, t.assignee_id == staff_id, t.closed_at.is_(None))
                 .order_by(t.created_at, t.id).limit(MAX_ITEMS))]
    found += [{"kind": "callback", "id": str(row.id), "due_at": row.due_at.isoformat(), "reason": row.reason}
              for row in conn.execute(select(c.id, c.due_at, c.reason).where(
                  c.estate_id == estate_id, c.assignee_id == staff_id, c.state == "open")
                  .order_by(c.due_at, c.id).limit(MAX_ITEMS))]
    return found


def write(uow: UnitOfWork, data: Mapping[str, Any], *, sign_minutes: int, at: datetime | None = None
          ) -> dict[str, Any]:
    """Write a handover from the outgoing to the incoming staff member, with the open items."""
    if data["outgoing_staff_id"] == data["incoming_staff_id"]:
        raise Invalid("a handover is to someone else", "交接班须交给另一名员工",
                      errors={"incoming_staff_id": ["is the outgoing staff member"]})
    at = at or now()
    with uow:
        check_links(uow, data["estate_id"], data)
        items = open_items(uow, data["estate_id"], data["outgoing_staff_id"])
        items += [_visitor(uow, data["estate_id"], visitor) for visitor in data.get("visitors") or ()]
        items += [{"kind": "note", "text": text} for text in data.get("notes") or ()]
        row = {"id": uuid.uuid4(), "estate_id": data["estate_id"], "desk": data.get("desk") or "",
               "outgoing_staff_id": data["outgoing_staff_id"], "incoming_staff_id": data["incoming_staff_id"],
               "note": data.get("note") or "", "items": items, "state": "written", "written_at": at,
               "sign_by": at + timedelta(minutes=sign_minutes), "version": 1}
        uow.execute(insert(handovers).values(row))
        made = handover(uow, row["id"])
        uow.record(events.HANDOVER_WRITTEN, made["id"], {"handover": events.handover_payload(made)})
        uow.commit()
        return made


def _visitor(uow: UnitOfWork, estate_id: UUID, visitor: Mapping[str, Any]) -> dict[str, Any]:
    """A visitor still in, as the handover lists them (the unit they visit must be of the estate)."""
    check_links(uow, estate_id, {"unit_id": visitor.get("unit_id")})
    return {"kind": "visitor", "name": visitor["name"], "note": visitor.get("note") or "",
            **{key: None if visitor.get(key) is None else str(visitor[key]) if key != "since"
               else visitor[key].isoformat() for key in ("unit_id", "visitor_id", "since")}}


def sign(uow_factory: Callable[[], UnitOfWork], actor: Actor, handover_id: UUID, staff_id: UUID, *,
         at: datetime | None = None) -> dict[str, Any]:
    """The incoming staff member signs: the handover's open items become theirs."""
    with uow_factory() as uow:
        found = get_row(uow, handovers, handover_id, "handover", what_zh="交接班记录", lock=True)
        if found["state"] != "written":
            raise Conflict("the handover is signed already", "该交接班记录已签收", errors={"state": [found["state"]]})
        if staff_id != found["incoming_staff_id"]:
            raise Invalid("only the incoming staff member signs the handover", "交接班记录须由接班人签收",
                          errors={"staff_id": ["is not the incoming staff member"]})
        uow.execute(update(handovers).where(handovers.c.id == handover_id)
                    .values(state="signed", signed_at=at or now(), version=handovers.c.version + 1))
        moved: list[dict[str, Any]] = []
        for item in (i for i in found["items"] if i["kind"] == "callback"):
            row = uow.execute(select(callbacks).where(callbacks.c.id == UUID(item["id"])).with_for_update()
                              ).mappings().first()
            if row is not None and row["state"] == "open" and row["assignee_id"] == found["outgoing_staff_id"]:
                hand_over(uow, row, staff_id)
                moved.append({"kind": "callback", "id": item["id"], "moved": True})
            else:
                moved.append({"kind": "callback", "id": item["id"], "moved": False, "why": "closed or taken"})
        uow.commit()
    for item in (i for i in found["items"] if i["kind"] == "ticket"):
        moved.append(_move_ticket(uow_factory, actor, UUID(item["id"]), found["outgoing_staff_id"], staff_id, at))
    with uow_factory() as uow:
        uow.execute(update(handovers).where(handovers.c.id == handover_id).values(moved=moved))
        signed = handover(uow, handover_id)
        uow.record(events.HANDOVER_SIGNED, signed["id"], {"handover": events.handover_payload(signed),
                                                           "moved": moved})
        uow.commit()
        return signed


def _move_ticket(uow_factory: Callable[[], UnitOfWork], actor: Actor, ticket_id: UUID, outgoing: UUID,
                 incoming: UUID, at: datetime | None) -> dict[str, Any]:
    with uow_factory() as uow:
        current = uow.execute(select(tickets.c.assignee_id, tickets.c.closed_at)
                              .where(tickets.c.id == ticket_id)).first()
    if current is None or current.assignee_id != outgoing or current.closed_at is not None:
        return {"kind": "ticket", "id": str(ticket_id), "moved": False, "why": "closed or taken"}
    try:
        procedure.reassign(uow_factory(), ticket_id, actor, reason="shift handover 交接班", staff_id=incoming, at=at)
    except DomainError as refused:
        return {"kind": "ticket", "id": str(ticket_id), "moved": False, "why": refused.message.en}
    return {"kind": "ticket", "id": str(ticket_id), "moved": True}


def log(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]) -> dict[str, Any]:
    """Write a line in the duty logbook."""
    row = {"id": uuid.uuid4(), "estate_id": data["estate_id"], "staff_id": data["staff_id"],
           "at": data.get("at") or now(), "category": data["category"], "text": data["text"],
           "created_by": actor.subject}
    with uow:
        check_links(uow, data["estate_id"], row)
        uow.execute(insert(logbook_entries).values(row))
        uow.commit()
        return row
