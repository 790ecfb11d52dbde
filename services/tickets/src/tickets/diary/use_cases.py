"""What callers can do with the diary (时间管理, TKT-8): book an entry in a person's or a team's
diary, with a warning (or, as configured, a refusal) when it double-books someone or falls off
shift (their duty roster, :mod:`tickets.shifts.roster`, else the estate's business calendar;
the clash's ``by`` says which); book a ticket's repair visit in the same step as its dispatch;
mark an entry done or cancel it.

Every booking and cancellation is an event (DIARY_BOOKED, DIARY_CANCELLED) that names the staff
member (``assignee_id``) and, for an appointment with an owner, the owner (``person_id``) with the
window: notify's built-in rules tell the technician of the booking and the owner of the visit window.

Two bookings of one person at once cannot both miss each other: a booking locks the staff
member's row of the copy (PostgreSQL) before it looks for clashes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from servicekit.errors import Conflict
from servicekit.rows import get_row, now
from servicekit.unit_of_work import UnitOfWork
from tickets import events
from tickets.calls.links import check_links
from tickets.diary.views import entry
from tickets.domain.diary import TIMED, check_entry, off_shift, overlaps
from tickets.shifts.roster import working_spans
from tickets.sla.policies import calendar_for
from tickets.tables import diary_entries, staff, tickets
from tickets.tickets.timeline import Actor
from tickets.tickets.use_cases import procedure

d = diary_entries.c


def clashes(uow: Any, values: Mapping[str, Any], *, ignore: UUID | None = None) -> list[dict[str, Any]]:
    """What a timed entry of a staff member clashes with: their other planned entries in its window
    (``double_booked``), and the estate's working hours (``off_shift``)."""
    if values["kind"] not in TIMED or values.get("staff_id") is None:
        return []
    starts, ends = values["starts_at"], values["ends_at"]
    uow.execute(select(staff.c.id).where(staff.c.id == values["staff_id"]).with_for_update())
    found = uow.execute(select(d.id, d.title, d.starts_at, d.ends_at).where(
        d.staff_id == values["staff_id"], d.state == "planned", d.starts_at < ends, d.ends_at > starts,
        *(() if ignore is None else (d.id != ignore,)))).mappings().all()
    clashing = [{"reason": "double_booked", "entry_id": str(row["id"]), "title": row["title"],
                 "starts_at": row["starts_at"].isoformat(), "ends_at": row["ends_at"].isoformat()}
                for row in found if overlaps(starts, ends, row["starts_at"], row["ends_at"])]
    spans, by = working_spans(uow, values["estate_id"], values["staff_id"], starts, ends), "roster"
    if spans is None:
        spans, by = _calendar_spans(uow, values["estate_id"], starts, ends), "calendar"
    if spans is not None and off_shift(starts, ends, spans):
        clashing.append({"reason": "off_shift", "by": by, "entry_id": None, "title": "",
                         "starts_at": starts.isoformat(), "ends_at": ends.isoformat()})
    return clashing


def _calendar_spans(uow: Any, estate_id: UUID, starts: datetime, ends: datetime
                    ) -> list[tuple[datetime, datetime]] | None:
    """The estate's open spans of the days ``[starts, ends]`` touch; None: no calendar, open 24x7."""
    calendar = calendar_for(uow, estate_id)
    if calendar is None:
        return None
    first, last = calendar.local_day(starts) - timedelta(days=1), calendar.local_day(ends)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [span for day in days for span in calendar.open_spans(day)]


def _refuse(clashing: list[dict[str, Any]]) -> None:
    reasons = sorted({c["reason"] for c in clashing})
    raise Conflict("the booking clashes: " + " and ".join(r.replace("_", " ") for r in reasons),
                   "日程冲突：" + "、".join({"double_booked": "此人该时段已有安排", "off_shift": "不在工作时间内"}[r]
                                      for r in reasons), errors={"conflicts": clashing})


def _write(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any], on_conflict: str,
           at: datetime | None = None) -> dict[str, Any]:
    check_entry(data)
    check_links(uow, data["estate_id"], data)
    clashing = clashes(uow, data)
    if clashing and on_conflict == "refuse":
        _refuse(clashing)
    at = at or now()
    row = {"id": uuid.uuid4(), "estate_id": data["estate_id"], "kind": data["kind"], "title": data["title"],
           "notes": data.get("notes") or "", "location": data.get("location") or "", "staff_id": data.get("staff_id"),
           "team": data.get("team"), "starts_at": data.get("starts_at"), "ends_at": data.get("ends_at"),
           "unit_id": data.get("unit_id"), "person_id": data.get("person_id"), "ticket_id": data.get("ticket_id"),
           "state": "planned", "conflicts": clashing, "created_by": actor.subject, "created_at": at,
           "updated_at": at, "version": 1}
    uow.execute(insert(diary_entries).values(row))
    made = entry(uow, row["id"])
    _announce(uow, events.DIARY_BOOKED, made)
    return made


def _announce(uow: UnitOfWork, event_type: str, row: Mapping[str, Any]) -> None:
    payload = events.entry_payload(row)
    uow.record(event_type, row["id"], {
        "entry": payload, "assignee_id": payload["staff_id"],
        # The owner is told of an appointment's window (a visit to their unit), nobody of a meeting.
        "person_id": payload["person_id"] if row["kind"] == "appointment" else None,
        "starts_at": payload["starts_at"], "ends_at": payload["ends_at"], "conflicts": row["conflicts"]})


def book(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any], *, on_conflict: str,
         at: datetime | None = None) -> dict[str, Any]:
    """Book an entry; with ``on_conflict`` "refuse" a clash is a 409, else the entry says what it clashes with."""
    with uow:
        made = _write(uow, actor, data, on_conflict, at)
        uow.commit()
        return made


def set_state(uow: UnitOfWork, entry_id: UUID, state: str) -> dict[str, Any]:
    """Mark a planned entry done, or cancel it (the people concerned are told of a cancellation)."""
    with uow:
        found = get_row(uow, diary_entries, entry_id, "diary entry", what_zh="日程", lock=True)
        if found["state"] != "planned":
            raise Conflict(f"the entry is {found['state']} already", "该日程已结束", errors={"state": [found["state"]]})
        uow.execute(update(diary_entries).where(d.id == entry_id)
                    .values(state=state, updated_at=now(), version=d.version + 1))
        changed = entry(uow, entry_id)
        if state == "cancelled":
            _announce(uow, events.DIARY_CANCELLED, changed)
        uow.commit()
        return changed


def book_visit(uow_factory: Callable[[], UnitOfWork], actor: Actor, data: Mapping[str, Any], *,
               on_conflict: str) -> dict[str, Any]:
    """Dispatch a ticket to a staff member and book their visit to its unit in one step: the
    appointment carries the ticket's unit and owner, who is told the window. A clash is checked
    before the dispatch, so a refused booking dispatches nothing."""
    with uow_factory() as uow:
        ticket = get_row(uow, tickets, data["ticket_id"], "ticket", what_zh="工单")
        visit = {"estate_id": ticket["estate_id"], "kind": "appointment", "staff_id": data["staff_id"],
                 "starts_at": data["starts_at"], "ends_at": data["ends_at"], "ticket_id": ticket["id"],
                 "unit_id": ticket["unit_id"], "person_id": ticket["person_id"],
                 "title": f"{ticket['number']} {ticket['title']}"[:200], "notes": data.get("notes") or "",
                 "location": ticket["common_area"] or ""}
        check_entry(visit)
        check_links(uow, ticket["estate_id"], visit)
        if clashes(uow, visit) and on_conflict == "refuse":
            _refuse(clashes(uow, visit))
    if ticket["stage"] != "dispatched" or ticket["assignee_id"] != data["staff_id"]:
        procedure.dispatch(uow_factory(), ticket["id"], actor, staff_id=data["staff_id"],
                           note=f"visit {data['starts_at'].isoformat()} - {data['ends_at'].isoformat()}")
    with uow_factory() as uow:
        made = _write(uow, actor, visit, on_conflict)
        uow.commit()
        return made

