"""What callers can do with the phone (电话服务, TKT-9): give an estate its desk lines, log a call
(entered at the desk, or pushed by the call-centre system), add the agent's notes and the recording
to it, and ask the call-centre system to dial a person.

**Once per call.** The call-centre system pushes each call with an ``Idempotency-Key``: a retry
with the same key and body answers the call logged the first time and records nothing
(:mod:`servicekit.idempotency`). Its own reference of the call (``call_centre_ref``) is unique in
an estate as well: the same call pushed again under another key is refused (409), never counted twice.
Two pushes of one call with one key at once: the second's insert waits for the first's and breaks
the reference's unique constraint; it is tried again and then answers the first's call (200), as
a retry would, rather than a 409.

**Who called.** A call that names no person is linked to the estate's one person whose mobile is
the caller's number, when there is exactly one; and then to that person's one current unit, when
there is exactly one. The desk finds candidates by the last four digits with
:func:`tickets.calls.views.callers`.

**A missed call becomes a callback.** An inbound call that was missed, abandoned or went to
voicemail schedules a callback (:mod:`tickets.callbacks.use_cases`), due ``callback_due_minutes``
after the call ended (or rang), assigned to whoever answers the line it came in on, else to the
staff member named on the call; nobody named, the timer's reminder goes to the supervisors.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import insert, or_, select, update

from servicekit.errors import Conflict, Invalid, Message
from servicekit.idempotency import KeyedRequest, once
from servicekit.rows import get_row, now, write
from servicekit.unit_of_work import UnitOfWork
from tickets import events
from tickets.callbacks.use_cases import add_callback, assignee_of_line
from tickets.calls.links import check_links
from tickets.calls.views import call, line
from tickets.domain.calls import CALL_BACK_OUTCOMES, answer_ms, check_call, digits
from tickets.tables import calls, desk_lines, idempotency_keys, occupancies, people
from tickets.tickets.timeline import Actor

_LINE_TAKEN = Message("this estate has this number and extension already", "该小区已有此号码和分机")
_CALL_TAKEN = Message("the call-centre system logged this call already (call_centre_ref)",
                      "呼叫中心已登记过此通话（call_centre_ref 重复）")


def add_line(uow: UnitOfWork, data: Mapping[str, Any]) -> dict[str, Any]:
    """Give an estate a desk line (or an extension of one), answered by a staff member of the estate."""
    row = {"id": uuid.uuid4(), "estate_id": data["estate_id"], "number": _whole_number(data["number"], "number"),
           "extension": data.get("extension") or "", "label": data.get("label") or "",
           "staff_id": data.get("staff_id"), "active": True, "version": 1}
    with uow:
        check_links(uow, row["estate_id"], row)
        write(uow, insert(desk_lines).values(row), conflict=_LINE_TAKEN)
        found = line(uow, row["id"])
        uow.commit()
        return found


def change_line(uow: UnitOfWork, line_id: UUID, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Hand a line to another staff member (or to nobody), relabel it, or take it out of use."""
    with uow:
        found = line(uow, line_id, lock=True)
        check_links(uow, found["estate_id"], changes)
        if changes:
            uow.execute(update(desk_lines).where(desk_lines.c.id == line_id)
                        .values(**changes, version=desk_lines.c.version + 1))
        found = line(uow, line_id)
        uow.commit()
        return found


def _whole_number(number: str, field: str) -> str:
    found = digits(number)
    if not 5 <= len(found) <= 20:
        raise Invalid("a whole telephone number, 5 to 20 digits", "请填写完整电话号码（5 至 20 位数字）",
                      errors={field: ["5 to 20 digits"]})
    return found


def log_call(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any], *, key: KeyedRequest | None,
             due_minutes: int, warn_minutes: int, at: datetime | None = None) -> tuple[dict[str, Any], bool]:
    """Log a call, once per idempotency ``key`` (``at``: when it is logged, now unless a demo's
    history says otherwise); answers ``(call, created)``."""
    logged_at = at
    check_call(data)
    number = _whole_number(data["number"], "number")
    source = "call_centre" if actor.role == "integration_client" else data.get("source") or "desk"

    def make() -> dict[str, Any]:
        at = logged_at or now()
        check_links(uow, data["estate_id"], data)
        person_id, unit_id = data.get("person_id"), data.get("unit_id")
        if person_id is None:
            person_id = _only(uow, select(people.c.id).where(people.c.estate_id == data["estate_id"],
                                                             people.c.mobile == number))
        if person_id is not None and unit_id is None:
            unit_id = _current_unit(uow, person_id, at)
        staff_id = data.get("staff_id") or assignee_of_line(uow, data.get("desk_line_id"))
        row = {"id": uuid.uuid4(), "estate_id": data["estate_id"], "direction": data["direction"], "number": number,
               "desk_line_id": data.get("desk_line_id"), "staff_id": staff_id, "person_id": person_id,
               "unit_id": unit_id, "ticket_id": data.get("ticket_id"), "source": source,
               "call_centre_ref": data.get("call_centre_ref"), "ring_started_at": data["ring_started_at"],
               "answered_at": data.get("answered_at"), "ended_at": data.get("ended_at"), "outcome": data["outcome"],
               "answer_ms": answer_ms(data["ring_started_at"], data.get("answered_at")),
               "notes": data.get("notes") or "", "recording_url": data.get("recording_url"),
               "created_by": actor.subject, "created_at": at, "updated_at": at, "version": 1}
        ref = data.get("call_centre_ref")
        if ref is not None and uow.execute(select(calls.c.id).where(
                calls.c.estate_id == data["estate_id"], calls.c.call_centre_ref == ref)).first() is not None:
            raise Conflict(_CALL_TAKEN.en, _CALL_TAKEN.zh, errors={"call_centre_ref": ["logged already"]})
        uow.execute(insert(calls).values(row))  # a push of the same call meanwhile: once() tries again
        made = call(uow, row["id"])
        uow.record(events.CALL_LOGGED, made["id"], {"call": events.call_payload(made)})
        if made["direction"] == "inbound" and made["outcome"] in CALL_BACK_OUTCOMES:
            after = made["ended_at"] or made["ring_started_at"]
            add_callback(uow, actor, {
                "estate_id": made["estate_id"], "call_id": made["id"], "number": number, "person_id": person_id,
                "unit_id": unit_id, "ticket_id": made["ticket_id"],
                "assignee_id": assignee_of_line(uow, made["desk_line_id"]) or made["staff_id"],
                "reason": f"{made['outcome']} call", "due_at": max(after, at) + timedelta(minutes=due_minutes),
            }, warn_minutes=warn_minutes, at=at)
        return made

    return once(uow, idempotency_keys, key, make=make, answer_of=lambda made: str(made["id"]),
                earlier=lambda call_id: call(uow, UUID(call_id)))


def _only(conn: Any, statement: Any) -> Any:
    """The one id ``statement`` finds, or None when it finds none or several."""
    found = conn.execute(statement.limit(2)).scalars().all()
    return found[0] if len(found) == 1 else None


def _current_unit(conn: Any, person_id: UUID, at: datetime) -> UUID | None:
    o = occupancies.c
    today = at.date()
    return _only(conn, select(o.unit_id).where(o.person_id == person_id,
                                               or_(o.moved_in_on.is_(None), o.moved_in_on <= today),
                                               or_(o.moved_out_on.is_(None), o.moved_out_on > today)).distinct())


def change_call(uow: UnitOfWork, call_id: UUID, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Add the agent's notes or the recording to a call, link it to a person, unit or ticket, or end it."""
    with uow:
        found = call(uow, call_id, lock=True)
        check_links(uow, found["estate_id"], changes)
        if changes:
            check_call({**found, **changes})
            uow.execute(update(calls).where(calls.c.id == call_id)
                        .values(**changes, updated_at=now(), version=calls.c.version + 1))
            found = call(uow, call_id)
            uow.record(events.CALL_UPDATED, found["id"], {"call": events.call_payload(found),
                                                           "changed": sorted(changes)})
        uow.commit()
        return found


def request_dial(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]) -> dict[str, Any]:
    """Ask the call-centre system to dial a person from their record (自动拨号): DIAL_REQUESTED, which
    the call-centre client acts on (it logs the call it makes, like any other)."""
    with uow:
        check_links(uow, data["estate_id"], data)
        person = get_row(uow, people, data["person_id"], "person", what_zh="人员")
        if not person["mobile"]:
            raise Invalid("this person has no mobile to dial", "此人没有可拨打的手机号",
                          errors={"person_id": ["has no mobile"]})
        desk_line = None if data.get("desk_line_id") is None else line(uow, data["desk_line_id"])
        dial = {"dial_id": uuid.uuid4(), "estate_id": data["estate_id"], "person_id": person["id"],
                "desk_line_id": data.get("desk_line_id"), "staff_id": data.get("staff_id"),
                "ticket_id": data.get("ticket_id"), "requested_by": actor.subject, "requested_at": now(),
                "number": person["mobile"]}
        uow.record(events.DIAL_REQUESTED, dial["dial_id"], {
            **{k: v if v is None or isinstance(v, str) else str(v) for k, v in dial.items() if k != "requested_at"},
            "requested_at": dial["requested_at"].isoformat(),
            "line_number": None if desk_line is None else desk_line["number"],
            "extension": None if desk_line is None else desk_line["extension"]})
        uow.commit()
        return dial
