"""The SLA clocks of a ticket, kept in step with its life (TKT-4, TKT-5).

The lifecycle use cases call :func:`on_ticket_changed` in their transaction, after the ticket row
is updated. What each action does to the ticket's ``deadlines`` rows:

* ``opened``: one running deadline per target the policy sets (acknowledge, arrive, resolve; see
  :mod:`tickets.sla.policies`), ``due_at`` that many business seconds on, ``warn_at`` at
  ``warn_percent`` of them; and the opening escalations: every complaint reported to the
  supervisor, a major one to the first responsible person (:mod:`tickets.sla.escalation`).
* ``acknowledged`` / ``arrived`` / ``resolved``: that target met (``met_at``; state ``met``, or
  ``missed`` when it was breached or is late). A resolution also meets the promise and the
  acknowledgement still open, and drops the arrival target still open (solved without a visit).
* ``paused`` (waiting on the owner): running deadlines not yet breached become ``paused`` with the
  business seconds they had left; ``resumed``: running again from those seconds, with a new
  ``due_at`` and, if not warned yet, a new ``warn_at``. A promise is a date: it never pauses.
* ``explained``: a ``promise`` deadline due at the promised date (24x7; a new date replaces it).
* ``reopened``: a new resolve deadline (a new row: its warnings and breach are its own).
* ``archived`` / ``merged`` / ``cancelled``: every deadline still running or paused is dropped.

Other actions change no clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from servicekit.ids import new_uuid
from tickets.sla.calendar import BusinessCalendar, add_business_time, business_seconds_between
from tickets.sla.escalation import escalate
from tickets.sla.policies import TARGETS, Targets, clock_for, targets_and_clock, targets_for
from tickets.tables import deadlines
from tickets.tickets.timeline import Actor

# Who took the steps on_ticket_changed writes itself (the opening escalations).
SLA = Actor("sla", "system")
OPEN_STATES = ("running", "paused")
CLOSING = frozenset({"archived", "merged", "cancelled"})
MEETS = {"acknowledged": ("acknowledge",), "arrived": ("arrive",),
         "resolved": ("resolve", "promise", "acknowledge")}


def _add(start: datetime, seconds: float, calendar: BusinessCalendar | None) -> datetime:
    try:
        return add_business_time(start, seconds, calendar)
    except ValueError:  # a calendar closed for years (every day a holiday): run on the clock instead
        return add_business_time(start, seconds, None)


def _timing(start: datetime, seconds: int, warn_percent: int,
            calendar: BusinessCalendar | None) -> tuple[datetime, datetime]:
    return _add(start, seconds, calendar), _add(start, seconds * warn_percent / 100, calendar)


def _new_deadline(ticket: Mapping[str, Any], target: str, at: datetime, seconds: int,
                  targets: Targets, calendar: BusinessCalendar | None) -> dict[str, Any]:
    """The row of a new running deadline (inserted by the caller, all of a change's in one statement)."""
    due, warn = _timing(at, seconds, targets.warn_percent, calendar)
    return {"id": new_uuid(), "ticket_id": ticket["id"], "estate_id": ticket["estate_id"], "target": target,
            "state": "running", "started_at": at, "due_at": due, "warn_at": warn,
            "business_hours": calendar is not None}


def _insert_deadlines(uow: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        uow.execute(insert(deadlines), rows)  # bound parameters: one cached statement, one round trip


def _open_rows(uow: Any, ticket_id: Any, targets: tuple[str, ...] | None = None) -> list[Mapping[str, Any]]:
    statement = select(deadlines).where(deadlines.c.ticket_id == ticket_id, deadlines.c.state.in_(OPEN_STATES))
    if targets is not None:
        statement = statement.where(deadlines.c.target.in_(targets))
    return list(uow.execute(statement).mappings().all())


def _meet(uow: Any, row: Mapping[str, Any], at: datetime) -> None:
    late = row["breached_at"] is not None or (row["state"] == "running" and row["due_at"] is not None
                                               and at > row["due_at"])
    _set(uow, row, state="missed" if late else "met", met_at=at)


def _drop(uow: Any, rows: list[Mapping[str, Any]]) -> None:
    if rows:
        uow.execute(update(deadlines).where(deadlines.c.id.in_([r["id"] for r in rows])).values(state="dropped"))


def _opened(uow: Any, ticket: Mapping[str, Any], at: datetime) -> Mapping[str, Any]:
    """The new ticket's deadlines are queued (``insert_later``): quick entry writes them with the
    ticket, its first step and its outbox row in one round trip."""
    targets, calendar = targets_and_clock(uow, ticket)
    uow.insert_later(deadlines, [_new_deadline(ticket, target, at, seconds, targets, calendar)
                                 for target in TARGETS if (seconds := targets.seconds(target)) is not None])
    if ticket["kind"] == "complaint":
        ticket = escalate(uow, ticket, "complaint", at, SLA, reason="every complaint is reported to the supervisor")
    if ticket["major"]:
        ticket = escalate(uow, ticket, "major", at, SLA,
                          reason="a major complaint goes to the first responsible person")
    return ticket


def _paused(uow: Any, ticket: Mapping[str, Any], at: datetime) -> None:
    """Running deadlines not yet breached stop, keeping the business seconds they had left."""
    rows = [r for r in _open_rows(uow, ticket["id"]) if r["state"] == "running" and r["target"] != "promise"
            and r["breached_at"] is None]
    for row, clock, _targets in _with_clocks(uow, ticket, rows):
        left = business_seconds_between(at, row["due_at"], clock)
        _set(uow, row, state="paused", remaining_seconds=round(left))


def _resumed(uow: Any, ticket: Mapping[str, Any], at: datetime) -> None:
    """Paused deadlines run again from the seconds they kept; one not warned yet gets a new warning."""
    rows = [r for r in _open_rows(uow, ticket["id"]) if r["state"] == "paused"]
    for row, clock, targets in _with_clocks(uow, ticket, rows):
        left = row["remaining_seconds"] or 0
        values: dict[str, Any] = {"state": "running", "remaining_seconds": None, "due_at": _add(at, left, clock)}
        if row["warned_at"] is None:
            # Warn when warn_percent of the whole target has gone by: that many seconds before due.
            whole = targets.seconds(row["target"]) or left
            before_due = whole * (100 - targets.warn_percent) / 100
            values["warn_at"] = _add(at, max(0.0, left - before_due), clock)
        _set(uow, row, **values)


def _with_clocks(uow: Any, ticket: Mapping[str, Any], rows: list[Mapping[str, Any]]
                 ) -> Iterator[tuple[Mapping[str, Any], BusinessCalendar | None, Targets]]:
    """Each row with the clock it runs on (the estate's calendar, or None: 24x7) and the ticket's
    targets; the policy and calendar are read once, and only when there are rows."""
    if not rows:
        return
    targets = targets_for(uow, ticket)
    calendar = clock_for(uow, ticket, targets) if any(r["business_hours"] for r in rows) else None
    for row in rows:
        yield row, calendar if row["business_hours"] else None, targets


def _set(uow: Any, row: Mapping[str, Any], **values: Any) -> None:
    uow.execute(update(deadlines).where(deadlines.c.id == row["id"]).values(**values))


def _explained(uow: Any, ticket: Mapping[str, Any], at: datetime) -> None:
    promised = ticket["promised_by"]
    if promised is None:
        return
    uow.execute(delete(deadlines).where(deadlines.c.ticket_id == ticket["id"], deadlines.c.target == "promise"))
    uow.execute(insert(deadlines).values(
        id=new_uuid(), ticket_id=ticket["id"], estate_id=ticket["estate_id"], target="promise",
        state="running", started_at=at, due_at=promised, warn_at=None, business_hours=False,
    ))


def _reopened(uow: Any, ticket: Mapping[str, Any], at: datetime) -> None:
    targets = targets_for(uow, ticket)
    seconds = targets.seconds("resolve")
    uow.execute(delete(deadlines).where(deadlines.c.ticket_id == ticket["id"], deadlines.c.target == "resolve"))
    if seconds is not None:
        _insert_deadlines(uow, [_new_deadline(ticket, "resolve", at, seconds, targets,
                                              clock_for(uow, ticket, targets))])


def on_ticket_changed(uow: Any, ticket: Mapping[str, Any], action: str, at: datetime) -> Mapping[str, Any]:
    """Start, meet, pause, resume or drop ``ticket``'s deadlines after ``action`` (in its transaction),
    and run the escalations the action calls for: at opening (every complaint to the supervisor, a
    major one to the first responsible person) and when a person reports the ticket upwards after an
    explanation (trigger ``procedure``: the next level up is told). Returns the ticket as it is
    afterwards (an escalation may raise its level, priority or assignee, and its version)."""
    if action == "opened":
        return _opened(uow, ticket, at)
    if action == "escalated":
        return escalate(uow, ticket, "procedure", at, SLA, reason="reported upwards after an explanation")
    if action in MEETS:
        for row in _open_rows(uow, ticket["id"], MEETS[action]):
            _meet(uow, row, at)
        if action == "resolved":
            _drop(uow, _open_rows(uow, ticket["id"], ("arrive",)))
    elif action == "paused":
        _paused(uow, ticket, at)
    elif action == "resumed":
        _resumed(uow, ticket, at)
    elif action == "explained":
        _explained(uow, ticket, at)
    elif action == "reopened":
        _reopened(uow, ticket, at)
    elif action in CLOSING:
        _drop(uow, _open_rows(uow, ticket["id"]))
    return ticket
