"""The complaint procedure (TKT-3) and dispatch (TKT-6): every step a caller takes on a ticket.

Each use case locks the ticket, asks the stage machine (:mod:`tickets.domain.stages`) whether the
step is allowed (a :class:`~servicekit.errors.Conflict` naming the stage and the allowed actions if
not), then, in one transaction: updates the ticket (its stage, the milestone first reached,
``version`` + 1 if the version is still the one it read, ``updated_at``), writes the timeline step,
records the event (``data.ticket`` the ticket after the change, beside what happened) and lets the
SLA clocks follow (:func:`tickets.sla.clocks.on_ticket_changed`). ``at`` is when it happened (now
unless given).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, update

from servicekit.errors import Conflict, Invalid
from servicekit.rows import get_row, now
from servicekit.unit_of_work import UnitOfWork
from tickets import events
from tickets.dispatch import candidates
from tickets.domain.dispatch import BY_HAND
from tickets.domain.stages import CLOSED, Action, Move, Stage, move
from tickets.sla import clocks
from tickets.tables import staff, tickets
from tickets.tickets.timeline import Actor, add_step

log = logging.getLogger(__name__)

EVENTS = {
    Action.ACKNOWLEDGE: events.TICKET_ACKNOWLEDGED, Action.DISPATCH: events.TICKET_DISPATCHED,
    Action.REASSIGN: events.TICKET_REASSIGNED, Action.ARRIVE: events.TICKET_ARRIVED,
    Action.EXPLAIN: events.TICKET_EXPLAINED,
    Action.RESOLVE: events.TICKET_RESOLVED, Action.INFORM_OWNER: events.TICKET_OWNER_INFORMED,
    Action.EVALUATE: events.TICKET_EVALUATED, Action.ARCHIVE: events.TICKET_ARCHIVED,
    Action.REOPEN: events.TICKET_REOPENED, Action.MERGE: events.TICKET_MERGED,
    Action.CANCEL: events.TICKET_CANCELLED, Action.PAUSE: events.TICKET_PAUSED, Action.RESUME: events.TICKET_RESUMED,
}
# The milestone a stage sets when a ticket first reaches it.
MILESTONES = {Stage.ACKNOWLEDGED: "acknowledged_at", Stage.DISPATCHED: "dispatched_at", Stage.ON_SITE: "arrived_at",
              Stage.RESOLVED: "resolved_at"}


def acknowledge(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, note: str = "",
                at: datetime | None = None) -> dict[str, Any]:
    """Someone at the desk takes the ticket on (受理)."""
    with uow:
        return _done(uow, *_begin(uow, ticket_id, Action.ACKNOWLEDGE), actor, at, note=note)


def dispatch(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, staff_id: UUID | None = None,
             department_id: UUID | None = None, choose_member: bool = False, note: str = "",
             at: datetime | None = None) -> dict[str, Any]:
    """Give the ticket to a handler (派工): ``staff_id``, or whoever dispatch finds (territory, skill, load)
    among the members of its department. ``department_id`` alone routes it to that department's
    queue (OWN-9): nobody is assigned, a member takes it later (:func:`take`); with ``choose_member``
    dispatch assigns that department's best member at once. The answer's ``dispatch`` and the
    timeline step say whom (or which queue) and why."""
    with uow:
        ticket, step = _begin(uow, ticket_id, Action.DISPATCH)
        changes: dict[str, Any] = {}
        department = head = None
        if department_id is not None:
            department = candidates.check_department(uow, ticket["estate_id"], department_id)
            head = candidates.department_supervisor(uow, {**ticket, "department_id": department_id})
            if head is None:
                log.warning("routed to a department without a supervisor: its complaints go to the estate's",
                            extra={"ticket_id": str(ticket_id), "department_id": str(department_id)})
            if department_id != ticket["department_id"]:
                ticket = {**ticket, "department_id": department_id}
                changes["department_id"] = department_id
        if department is not None and staff_id is None and not choose_member:
            queue = {"assignee_id": None, "automatic": False, "reason": queued_reason(department)}
            return {**_done(uow, ticket, step, actor, at, note=note, changes={**changes, "assignee_id": None},
                            details=queue, data={"assignee_id": None, "automatic": False, "queued": True,
                                                 **queued_data(department, head)}),
                    "dispatch": queue}
        assignee, automatic, why = _assignee(uow, ticket, staff_id)
        chosen = {"assignee_id": str(assignee), "automatic": automatic, "reason": why}
        return {**_done(uow, ticket, step, actor, at, note=note, changes={**changes, "assignee_id": assignee},
                        details=chosen, data={"assignee_id": str(assignee), "automatic": automatic}),
                "dispatch": chosen}


def queued_reason(department: Mapping[str, Any]) -> dict[str, Any]:
    """Why nobody has the ticket yet: it waits in its department's queue."""
    return {"department": department["name"], "queued": True, "coverage": "department",
            "text_en": f"In the queue of {department['name']}: a member takes it",
            "text_zh": f"已派至{department['name']}队列，待部门成员领取"}


def queued_data(department: Mapping[str, Any], head: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the event of a ticket put in a department's queue says besides ``queued``: the department
    (the reporter is told its name) and its supervisor, told that a ticket landed in its queue
    (``staff``; null while the post is vacant, which routing warned of)."""
    supervisor = None if head is None else {"staff_id": str(head["id"]), "name": head["name"], "role": "supervisor",
                                            "department_id": str(department["id"])}
    return {"department": {"department_id": str(department["id"]), "name": department["name"]},
            "staff": supervisor}


def take(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, staff_id: UUID, note: str = "",
         at: datetime | None = None) -> dict[str, Any]:
    """A member of the ticket's department takes it from the department's queue (领取): the ticket is
    theirs from now on, as if reassigned to them from nobody (the timeline and the event say so)."""
    with uow:
        ticket, step = _begin(uow, ticket_id, Action.REASSIGN)
        department = candidates.department_of(uow, ticket)
        if ticket["assignee_id"] is not None or department is None:
            raise Conflict("the ticket is in no department's queue; reassign it instead",
                           "该工单不在部门队列中，请改用重新分配")
        _assignee(uow, ticket, staff_id)  # an active member of staff of the estate
        if str(staff_id) not in {str(m) for m in department["members"]}:
            raise Invalid("only a member of the ticket's department takes it from its queue",
                          "只有该部门的成员可以领取此工单", errors={"staff_id": ["not a member of the department"]})
        name = department["name"]
        taken = {"assignee_id": str(staff_id), "automatic": False, "reason": {
            "department": name, "queued": False, "coverage": "department",
            "text_en": f"Taken from the queue of {name}", "text_zh": f"从{name}队列领取"}}
        return {**_done(uow, ticket, step, actor, at, note=note, changes={"assignee_id": staff_id}, details=taken,
                        data={"from_assignee_id": None, "to_assignee_id": str(staff_id),
                              "reason": note or "taken from the department's queue", "automatic": False}),
                "dispatch": taken}


def reassign(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, reason: str, staff_id: UUID | None = None,
             at: datetime | None = None) -> dict[str, Any]:
    """Give the ticket to someone else (重新分配), with a reason; a handler on site makes way for the new one."""
    with uow:
        ticket, step = _begin(uow, ticket_id, Action.REASSIGN)
        previous = ticket["assignee_id"]
        assignee, automatic, why = _assignee(uow, ticket, staff_id, exclude=() if previous is None else (previous,))
        if assignee == previous:
            raise Invalid("the ticket is theirs already", "该工单已由此员工处理",
                          errors={"staff_id": ["is the current assignee"]})
        chosen = {"assignee_id": str(assignee), "automatic": automatic, "reason": why}
        return {**_done(uow, ticket, step, actor, at, note=reason, changes={"assignee_id": assignee}, details=chosen,
                        data={"from_assignee_id": None if previous is None else str(previous),
                              "to_assignee_id": str(assignee), "reason": reason, "automatic": automatic}),
                "dispatch": chosen}


def arrive(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, note: str = "",
           at: datetime | None = None) -> dict[str, Any]:
    """The handler is on site (到达现场; the textbook's three minutes for complaints)."""
    with uow:
        ticket, step = _begin(uow, ticket_id, Action.ARRIVE)
        assignee = ticket["assignee_id"]
        if assignee is None and ticket["department_id"] is not None and ticket["stage"] == Stage.DISPATCHED:
            raise Conflict("the ticket waits in its department's queue: a member takes it first",
                           "该工单在部门队列中待领取，请先由部门成员领取")
        return _done(uow, ticket, step, actor, at, note=note,
                     data={"assignee_id": None if assignee is None else str(assignee)})


def explain(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, explanation: str, promised_by: datetime,
            at: datetime | None = None) -> dict[str, Any]:
    """It cannot be solved now: the owner was given an explanation and a promised date (承诺时间)."""
    at = at or now()
    if promised_by <= at:
        raise Invalid("a promised date lies ahead", "承诺时间须晚于现在",
                      errors={"promised_by": ["must be in the future"]})
    with uow:
        ticket, step = _begin(uow, ticket_id, Action.EXPLAIN)
        return _done(uow, ticket, step, actor, at, note=explanation, changes={"promised_by": promised_by},
                     data={"promised_by": promised_by.isoformat(), "explanation": explanation})


def escalate(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, reason: str,
             at: datetime | None = None) -> dict[str, Any]:
    """Report an explained ticket upwards (及时上报): one escalation level more."""
    with uow:
        # The escalation rules (trigger procedure) raise the level and record one TICKET_ESCALATED
        # per person told (tickets.sla.escalation), so this step records no event of its own.
        return _done(uow, *_begin(uow, ticket_id, Action.ESCALATE), actor, at, note=reason)


def resolve(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, resolution: str = "",
            at: datetime | None = None) -> dict[str, Any]:
    """The problem is solved (or the inquiry answered); a promise made is kept if it is in time."""
    at = at or now()
    with uow:
        ticket, step = _begin(uow, ticket_id, Action.RESOLVE)
        kept = None if ticket["promised_by"] is None else at <= ticket["promised_by"]
        return _done(uow, ticket, step, actor, at, note=resolution, changes={"promise_kept": kept},
                     data={"resolution": resolution, "promise_kept": kept})


def inform_owner(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, how: str, note: str = "",
                 at: datetime | None = None) -> dict[str, Any]:
    """The owner was told the result (回复业主), by phone, message, visit, app or in person."""
    with uow:
        return _done(uow, *_begin(uow, ticket_id, Action.INFORM_OWNER), actor, at, note=note,
                     details={"how": how}, data={"how": how})


def evaluate(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, score: int, comment: str = "",
             at: datetime | None = None, channel: str = "desk") -> dict[str, Any]:
    """The owner's opinion (征求意见): a score of 1 to 5 and what they said; ``channel`` how it came
    (``desk``, or ``survey``: the owner answered surveys' question after the ticket, SRV-5)."""
    if not 1 <= score <= 5:
        raise Invalid("a score is 1 to 5", "评分为1至5分", errors={"score": ["must be 1 to 5"]})
    with uow:
        ticket, step = _begin(uow, ticket_id, Action.EVALUATE)
        return _done(uow, ticket, step, actor, at, note=comment, details={"score": score, "channel": channel},
                     changes={"evaluation_score": score, "evaluation_comment": comment, "evaluation_channel": channel},
                     data={"score": score, "comment": comment, "channel": channel})


def archive(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, note: str = "",
            at: datetime | None = None) -> dict[str, Any]:
    """File the ticket (存档)."""
    with uow:
        return _done(uow, *_begin(uow, ticket_id, Action.ARCHIVE), actor, at, note=note)


def reopen(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, reason: str, to: str | None = None,
           at: datetime | None = None) -> dict[str, Any]:
    """Open a resolved, informed, evaluated or archived ticket again: to acknowledged, or to its handler."""
    with uow:
        ticket, step = _begin(uow, ticket_id, Action.REOPEN, to)
        if step.stage_to is Stage.DISPATCHED and ticket["assignee_id"] is None:
            raise Invalid("the ticket has no handler to go back to", "工单从未派工，没有可退回的处理人",
                          errors={"to": ["the ticket was never dispatched: reopen to acknowledged"]})
        count = ticket["reopen_count"] + 1
        return _done(uow, ticket, step, actor, at, note=reason, changes={"reopen_count": count, "closed_at": None},
                     data={"reason": reason, "reopen_count": count})


def merge(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, into_ticket_id: UUID,
          at: datetime | None = None) -> dict[str, Any]:
    """A duplicate: close it into another open ticket of the same estate."""
    at = at or now()
    with uow:
        ticket, step = _begin(uow, ticket_id, Action.MERGE)
        into = uow.execute(select(tickets).where(tickets.c.id == into_ticket_id)).mappings().first()
        if into is None or into["estate_id"] != ticket["estate_id"] or into["id"] == ticket["id"] \
                or Stage(into["stage"]) in CLOSED:
            raise Invalid("a duplicate merges into another open ticket of its estate",
                          "重复工单只能合并到同一小区的另一张未关闭工单",
                          errors={"into_ticket_id": ["no other open ticket of this estate"]})
        add_step(uow, into, "duplicate_merged", actor, at, note=ticket["number"],
                 details={"ticket_id": str(ticket["id"]), "number": ticket["number"]})
        return _done(uow, ticket, step, actor, at, note=into["number"], changes={"merged_into_id": into["id"]},
                     data={"into_ticket_id": str(into["id"]), "into_number": into["number"]})


def cancel(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, reason: str,
           at: datetime | None = None) -> dict[str, Any]:
    """Withdraw the ticket, with a reason (the owner withdrew it, it was entered by mistake...)."""
    with uow:
        ticket, step = _begin(uow, ticket_id, Action.CANCEL)
        return _done(uow, ticket, step, actor, at, note=reason, changes={"cancel_reason": reason},
                     data={"reason": reason})


def pause(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, reason: str,
          at: datetime | None = None) -> dict[str, Any]:
    """Waiting on the owner (not home, to confirm a visit...): the SLA clocks stop."""
    with uow:
        return _done(uow, *_begin(uow, ticket_id, Action.PAUSE), actor, at, note=reason, data={"reason": reason})


def resume(uow: UnitOfWork, ticket_id: UUID, actor: Actor, *, note: str = "",
           at: datetime | None = None) -> dict[str, Any]:
    """No longer waiting on the owner: the SLA clocks run again."""
    with uow:
        return _done(uow, *_begin(uow, ticket_id, Action.RESUME), actor, at, note=note)


# --- the steps every use case above shares ------------------------------------------------------

def _begin(uow: UnitOfWork, ticket_id: UUID, action: Action, to: str | None = None) -> tuple[dict[str, Any], Move]:
    """The ticket, locked until commit, and the move ``action`` makes (or the stage machine's refusal)."""
    ticket = get_row(uow, tickets, ticket_id, "ticket", what_zh="工单", lock=True)
    return ticket, move(ticket["kind"], ticket["stage"], ticket["waiting_on_owner"], action, to)


def _done(uow: UnitOfWork, ticket: Mapping[str, Any], step: Move, actor: Actor, at: datetime | None, *,
          note: str = "", changes: Mapping[str, Any] | None = None, data: Mapping[str, Any] | None = None,
          details: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Write the move: the ticket, its timeline step, its event, its clocks; then commit."""
    at = at or now()
    values = {"stage": step.stage_to.value, "waiting_on_owner": step.paused, "updated_at": at,
              "version": ticket["version"] + 1, **(changes or {})}
    milestone = MILESTONES.get(step.stage_to)
    if milestone and ticket[milestone] is None:
        values[milestone] = at
    if step.stage_to in CLOSED:
        values["closed_at"] = at
    # The version guards the move where the row lock cannot (SQLite): a step taken meanwhile wins.
    moved = uow.execute(update(tickets).where(tickets.c.id == ticket["id"], tickets.c.version == ticket["version"])
                        .values(values))
    if moved.rowcount != 1:
        raise Conflict("the ticket changed meanwhile; look at it again", "工单已被他人更新，请刷新后重试")
    row = {**ticket, **values}
    add_step(uow, row, step.action.done, actor, at, stage_from=step.stage_from.value, stage_to=step.stage_to.value,
             note=note, details=details)
    if step.action in EVENTS:
        uow.record(EVENTS[step.action], row["id"], {"ticket": events.ticket_payload(row), **(data or {})})
    row = dict(clocks.on_ticket_changed(uow, row, step.action.done, at))
    uow.commit()
    return row


def _assignee(uow: UnitOfWork, ticket: Mapping[str, Any], staff_id: UUID | None,
              exclude: tuple[UUID, ...] = ()) -> tuple[UUID, bool, dict[str, Any]]:
    """``staff_id`` if an active member of the ticket's estate, else whoever dispatch chooses; whether
    dispatch chose, and why (:func:`tickets.dispatch.candidates.why`)."""
    if staff_id is not None:
        member = uow.execute(select(staff.c.estate_id, staff.c.active).where(staff.c.id == staff_id)).first()
        if member is None or member.estate_id != ticket["estate_id"] or not member.active:
            raise Invalid("no such member of staff on duty in this estate", "本小区没有此在职员工",
                          errors={"staff_id": ["no active member of staff of this estate"]})
        return staff_id, False, dict(BY_HAND)
    chosen = candidates.choose_assignee(uow, ticket, exclude=exclude)
    if chosen is None and ticket.get("department_id") is not None:
        raise Conflict("nobody of the ticket's department can take it; name a member of staff",
                       "该工单所属部门中没有可以处理的员工，请指定处理人",
                       errors={"staff_id": ["nobody of the department covers this ticket: give one"]})
    if chosen is None:
        raise Conflict("nobody covers this ticket's building and skill; name a member of staff",
                       "没有负责该楼栋且具备相应技能的员工，请指定处理人",
                       errors={"staff_id": ["nobody covers this ticket: give one"]})
    return chosen, True, candidates.why(uow, ticket, chosen)
