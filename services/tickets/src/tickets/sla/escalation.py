"""Escalation (事件的升级, TKT-5): who is told, or what is done, when a complaint comes in, a target
is near or missed, or a promised date slips.

**Triggers.** ``complaint`` (a complaint was opened: every complaint is reported to the supervisor
at once, 原则二 及时向上反映), ``major`` (a major complaint was opened: it goes straight to the
estate's first responsible person, 第一负责人), ``sla_warning``, ``sla_breach`` and
``promise_slipped`` (from the timer), and ``procedure`` (a person reported an explained ticket
upwards, 及时上报: the next level up is told).

**Which rules.** An estate's own ``escalation_rules`` rows if it has any; else the operator-wide
rows (estate null) if there are any; else :data:`DEFAULT_RULES`. A rule applies to its trigger and
to the deadline of its ``target`` (null: any deadline).

**The chain.** For ``complaint`` and ``major`` every applicable rule runs. For the timer's triggers
the chain moves up one level at a time: the rules of the lowest level above the ticket's current
``escalation_level`` run; at the top of the chain, the top level's rules run again (the top is
told again). The ticket's ``escalation_level`` becomes the level that ran (never lower), except for
``complaint``, which reports and does not escalate.

**Default rules** (an estate and the operator with none):

============== ===== ==========================
trigger        level action
============== ===== ==========================
complaint      1     notify_supervisor
major          3     notify_first_responsible
sla_warning    1     notify_assignee
sla_breach     2     notify_supervisor
sla_breach     3     notify_first_responsible
promise_slipped 2    notify_supervisor
promise_slipped 3    notify_first_responsible
procedure      2     notify_supervisor
procedure      3     notify_first_responsible
============== ===== ==========================

So a first breach goes to the supervisor, a second (say, the resolve target after the arrive
one) to the first responsible person.

**Actions.** ``notify_assignee`` (the assignee; the supervisors when nobody is assigned),
``notify_supervisor``, ``notify_first_responsible`` (the estate's active staff of that role, from
``tickets.dispatch.candidates.staff_with_role``), ``reassign`` (``choose_assignee`` there, excluding
the current assignee) and ``raise_priority`` (one step: low, normal, high, urgent). Each person told
is an ``escalations`` row and a TICKET_ESCALATED event naming them (staff id, name, role), which the
notify service turns into a message.

**A ticket's department** (OWN-9). Whom a rule tells as supervisor is the supervisor of the
ticket's department when it names one and that supervisor is active; else the estate's supervisors
(``fallback.vacant`` then starts with ``department_supervisor``), and on up the chain as below.
The event's ``staff`` then carries the ``department_id``.

**Nobody at a level.** An escalation never reaches nobody: when nobody holds the role a notifying
rule wants, it goes on up the chain (supervisor, estate manager, first responsible person) and past
its top to the operator's admins (:mod:`tickets.domain.chain`). The event's ``fallback`` and the
timeline step's ``details.fallback`` say so (the role wanted, the roles nobody held, the role
told); at the operator's admins the event has no staff (they are no estate's staff) and
``fallback.reached`` is ``operator_admins``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from tickets import events
from tickets.dispatch.candidates import choose_assignee, department_supervisor, staff_with_role
from tickets.domain import chain
from tickets.domain.classification import PRIORITIES
from tickets.events import ticket_payload
from tickets.tables import escalation_rules, escalations, staff, tickets
from tickets.tickets.timeline import Actor, add_step

TRIGGERS = ("complaint", "major", "sla_warning", "sla_breach", "promise_slipped", "procedure")
ACTIONS = ("notify_assignee", "notify_supervisor", "notify_first_responsible", "reassign", "raise_priority")
OPENING_TRIGGERS = frozenset({"complaint", "major"})
NOT_ESCALATING = frozenset({"complaint"})


@dataclass(frozen=True)
class Rule:
    trigger: str
    target: str | None
    level: int
    action: str


DEFAULT_RULES = (
    Rule("complaint", None, 1, "notify_supervisor"),
    Rule("major", None, 3, "notify_first_responsible"),
    Rule("sla_warning", None, 1, "notify_assignee"),
    Rule("sla_breach", None, 2, "notify_supervisor"),
    Rule("sla_breach", None, 3, "notify_first_responsible"),
    Rule("promise_slipped", None, 2, "notify_supervisor"),
    Rule("promise_slipped", None, 3, "notify_first_responsible"),
    Rule("procedure", None, 2, "notify_supervisor"),
    Rule("procedure", None, 3, "notify_first_responsible"),
)


def rules_of(conn: Any, estate_id: Any) -> list[Rule]:
    """The rules in force for an estate: its own, else the operator's, else the defaults."""
    r = escalation_rules.c
    rows = conn.execute(select(r.estate_id, r.trigger, r.target, r.level, r.action)
                        .where((r.estate_id == estate_id) | r.estate_id.is_(None))).all()
    own = [row for row in rows if row.estate_id is not None]
    chosen = own or [row for row in rows if row.estate_id is None]
    if not chosen:
        return list(DEFAULT_RULES)
    return [Rule(row.trigger, row.target, row.level, row.action) for row in chosen]


def select_rules(rules: Iterable[Rule], trigger: str, target: str | None, current_level: int) -> list[Rule]:
    """The rules that run now (see the module's docstring: every one, or the next level up)."""
    applicable = [r for r in rules if r.trigger == trigger and (r.target is None or r.target == target)]
    if not applicable or trigger in OPENING_TRIGGERS:
        return sorted(applicable, key=lambda r: (r.level, r.action))
    above = [r.level for r in applicable if r.level > current_level]
    level = min(above) if above else max(r.level for r in applicable)
    return sorted((r for r in applicable if r.level == level), key=lambda r: r.action)


def _person(row: Mapping[str, Any] | None, role: str | None = None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"staff_id": str(row["id"]), "name": row["name"], "role": role or row["role"]}


def _staff_row(conn: Any, staff_id: Any) -> Mapping[str, Any] | None:
    if staff_id is None:
        return None
    return conn.execute(select(staff).where(staff.c.id == staff_id)).mappings().first()


WANTED = {"notify_assignee": chain.ASSIGNEE, "notify_supervisor": "supervisor",
          "notify_first_responsible": "first_responsible"}
"""The role each notifying action wants to tell."""


def _people_to_tell(uow: Any, ticket: Mapping[str, Any], action: str
                    ) -> tuple[list[dict[str, Any] | None], dict[str, Any] | None]:
    """Whom ``action`` tells, and how it went up the chain (None: the role it wanted was told)."""
    return people_to_tell(uow, ticket["estate_id"], _staff_row(uow, ticket["assignee_id"]), WANTED[action], ticket)


def people_to_tell(conn: Any, estate_id: Any, assignee: Mapping[str, Any] | None, wanted: str,
                   ticket: Mapping[str, Any] | None = None
                   ) -> tuple[list[dict[str, Any] | None], dict[str, Any] | None]:
    """Whom to tell in an estate when ``wanted`` (the assignee, or a role of the chain) is to be
    told: the ``assignee`` row itself if there is one, else up the chain — first the supervisor of
    the ``ticket``'s department when it names one; and how it went up (None: the one wanted was
    told). Past the top of the chain, ``[None]``: the operator's admins."""
    vacant: list[str] = []
    if wanted == chain.ASSIGNEE:
        if assignee is not None:
            return [_person(assignee, chain.ASSIGNEE)], None
        vacant.append(chain.ASSIGNEE)
    department = None if ticket is None else ticket.get("department_id")
    for role in chain.roles_to_try(wanted, department=department is not None):
        if role == chain.DEPARTMENT_SUPERVISOR:
            head = department_supervisor(conn, ticket)
            if head is not None:
                told = {**_person(head, "supervisor"), "department_id": str(department)}
                return [told], chain.fallback(wanted, vacant, role)
            vacant.append(role)
            continue
        people = staff_with_role(conn, estate_id, role)
        if people:
            return [_person(row, role) for row in people], chain.fallback(wanted, vacant, role)
        vacant.append(role)
    return [None], chain.fallback(wanted, vacant, chain.OPERATOR_ADMINS)


def escalate(uow: Any, ticket: Mapping[str, Any], trigger: str, at: datetime, actor: Actor, *,
             target: str | None = None, deadline_id: Any = None, trigger_at: datetime | None = None,
             reason: str = "") -> Mapping[str, Any]:
    """Run the rules of ``trigger`` on ``ticket`` in the caller's transaction; returns the ticket row
    as it is afterwards (its level, priority or assignee may have changed). ``trigger_at`` is when
    what the timer fired for was due (a timer catching up runs at ``at`` long after it): the event
    carries it, so that whoever turns it into a message knows how old the news is."""
    chosen = select_rules(rules_of(uow, ticket["estate_id"]), trigger, target, ticket["escalation_level"])
    if not chosen:
        return ticket
    changes: dict[str, Any] = {}
    level = chosen[0].level
    if trigger not in NOT_ESCALATING and level > ticket["escalation_level"]:
        changes["escalation_level"] = level
    told: list[tuple[Rule, dict[str, Any] | None, dict[str, Any]]] = []
    for rule in chosen:
        extra: dict[str, Any] = {}
        went_up = None
        if rule.action == "reassign":
            current = ticket["assignee_id"]
            chosen_id = choose_assignee(uow, ticket, exclude={current} if current else set())
            if chosen_id is not None and chosen_id != current:
                changes["assignee_id"] = chosen_id
                extra["assignee_id_from"] = None if current is None else str(current)
            people = [_person(_staff_row(uow, chosen_id), "assignee")] if chosen_id else [None]
        elif rule.action == "raise_priority":
            position = PRIORITIES.index(ticket["priority"]) if ticket["priority"] in PRIORITIES else 1
            raised = PRIORITIES[min(position + 1, len(PRIORITIES) - 1)]
            if raised != ticket["priority"]:
                changes["priority"] = raised
                extra["priority_from"] = ticket["priority"]
            people = [None]
        else:
            people, went_up = _people_to_tell(uow, ticket, rule.action)
        told.extend((rule, person, {**extra, "fallback": went_up}) for person in people)
    if changes:
        uow.execute(update(tickets).where(tickets.c.id == ticket["id"])
                    .values(**changes, version=tickets.c.version + 1, updated_at=at))
        ticket = uow.execute(select(tickets).where(tickets.c.id == ticket["id"])).mappings().one()
    payload = ticket_payload(ticket)
    for rule, person, extra in told:
        uow.execute(escalations.insert().values(
            id=uuid.uuid4(), ticket_id=ticket["id"], estate_id=ticket["estate_id"], level=rule.level,
            trigger=trigger, action=rule.action, staff_id=None if person is None else uuid.UUID(person["staff_id"]),
            at=at, reason=reason[:500],
        ))
        uow.record(events.TICKET_ESCALATED, ticket["id"], {
            "ticket": payload, "trigger": trigger, "level": rule.level, "action": rule.action,
            "target": target, "deadline_id": None if deadline_id is None else str(deadline_id),
            "staff": person, "at": at.isoformat(), "trigger_at": trigger_at and trigger_at.isoformat(),
            "reason": reason, **extra,
        })
        add_step(uow, ticket, "escalation", actor, at, note=reason[:2000], details={
            "trigger": trigger, "level": rule.level, "action": rule.action, "target": target,
            "staff_id": None if person is None else person["staff_id"],
            **({"fallback": extra["fallback"]} if extra.get("fallback") else {}),
        })
    return ticket
