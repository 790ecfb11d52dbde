"""The textbook's complaint procedure (投诉事件常规处理程序, TKT-3) as an explicit state machine.

The stages every ticket moves through, and the action that moves it::

    received --acknowledge--> acknowledged --dispatch--> dispatched --arrive--> on_site
      --resolve--> resolved --inform_owner--> owner_informed --evaluate--> evaluated --archive--> archived

Step one of the textbook: record the details, the complainant's unit, name and contact
(``received``, then ``acknowledged`` once someone at the desk has taken it on); visit the site if
needed (``dispatched`` to a handler, ``on_site`` when they arrive). Step two, *solvable now*: fix it
(``resolved``), tell the owner the result (``owner_informed``), ask their opinion (``evaluated``),
file it (``archived``). Step three, *hard to solve now*: explain and give the owner an estimated
time (``explained``, which needs a promised date, 承诺时间), report it upwards (``escalated``); from
``escalated`` the work goes on at ``dispatched``, ``on_site`` or straight to ``resolved``. An
explanation may be given as soon as the ticket is acknowledged, or once dispatched or on site.

Besides the main path:

* **reopen** a ticket that is resolved, owner_informed, evaluated or archived: back to
  ``acknowledged`` (the default) or to ``dispatched`` (to the same handler); the use case counts it.
* **merge** a duplicate into another open ticket, and **cancel** with a reason: both terminal,
  allowed from any stage before ``resolved`` (after that a ticket is archived, not cancelled).
* **reassign** a dispatched, on-site, explained or escalated ticket to someone else; one on site
  goes back to ``dispatched`` (the new handler must arrive in turn), the others keep their stage.
* **pause** and **resume**: waiting on the owner is a flag, not a stage (SLA clocks stop while it
  is set). Only an open ticket pauses; a paused ticket accepts only ``resume``, ``merge`` and
  ``cancel`` until resumed, so no step of the procedure is taken while the owner is awaited.

Closed stages: ``archived``, ``merged`` and ``cancelled``. A merged or cancelled ticket accepts
nothing; an archived one accepts only ``reopen``.

What the kinds may skip:

* **complaint** and **repair** follow the whole procedure: every path to ``archived`` passes
  received, acknowledged, then on_site or escalated, resolved, owner_informed and evaluated, in
  that order (a repair's return visit, 回访, is the owner's evaluation).
* **inquiry**, **suggestion** and **praise** need no handler on site and no evaluation: they may
  be resolved from ``received`` (an inquiry answered at the desk goes received → resolved),
  ``acknowledged`` or ``dispatched``, and archived from ``resolved``, ``owner_informed`` or
  ``evaluated``. They may still take the whole path.

The domain imports nothing but the standard library and servicekit's error kinds; an illegal move
raises :class:`~servicekit.errors.Conflict` (a 409 problem answer) naming the stage and the actions
it allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from servicekit.errors import Conflict, Invalid


class Stage(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    DISPATCHED = "dispatched"
    ON_SITE = "on_site"
    EXPLAINED = "explained"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    OWNER_INFORMED = "owner_informed"
    EVALUATED = "evaluated"
    ARCHIVED = "archived"
    MERGED = "merged"
    CANCELLED = "cancelled"


class Action(StrEnum):
    """What a caller does to a ticket; :attr:`done` is the word the timeline, events and SLA clocks use."""

    ACKNOWLEDGE = "acknowledge"
    DISPATCH = "dispatch"
    REASSIGN = "reassign"
    ARRIVE = "arrive"
    EXPLAIN = "explain"
    ESCALATE = "escalate"
    RESOLVE = "resolve"
    INFORM_OWNER = "inform_owner"
    EVALUATE = "evaluate"
    ARCHIVE = "archive"
    REOPEN = "reopen"
    MERGE = "merge"
    CANCEL = "cancel"
    PAUSE = "pause"
    RESUME = "resume"

    @property
    def done(self) -> str:
        return _DONE[self]


_DONE = {
    Action.ACKNOWLEDGE: "acknowledged", Action.DISPATCH: "dispatched", Action.REASSIGN: "reassigned",
    Action.ARRIVE: "arrived", Action.EXPLAIN: "explained", Action.ESCALATE: "escalated",
    Action.RESOLVE: "resolved", Action.INFORM_OWNER: "owner_informed", Action.EVALUATE: "evaluated",
    Action.ARCHIVE: "archived", Action.REOPEN: "reopened", Action.MERGE: "merged", Action.CANCEL: "cancelled",
    Action.PAUSE: "paused", Action.RESUME: "resumed",
}

KINDS = ("inquiry", "repair", "complaint", "suggestion", "praise")
# Kinds that need no handler on site and no evaluation (see the module's docstring).
LIGHT_KINDS = frozenset({"inquiry", "suggestion", "praise"})

CLOSED = frozenset({Stage.ARCHIVED, Stage.MERGED, Stage.CANCELLED})
OPEN = frozenset(Stage) - CLOSED
# The procedure's main path, in order (TKT-3).
MAIN_PATH = (Stage.RECEIVED, Stage.ACKNOWLEDGED, Stage.DISPATCHED, Stage.ON_SITE, Stage.RESOLVED,
             Stage.OWNER_INFORMED, Stage.EVALUATED, Stage.ARCHIVED)
BEFORE_RESOLVED = frozenset({Stage.RECEIVED, Stage.ACKNOWLEDGED, Stage.DISPATCHED, Stage.ON_SITE,
                             Stage.EXPLAINED, Stage.ESCALATED})
REOPENABLE = frozenset({Stage.RESOLVED, Stage.OWNER_INFORMED, Stage.EVALUATED, Stage.ARCHIVED})
REOPEN_TO = (Stage.ACKNOWLEDGED, Stage.DISPATCHED)

# The whole procedure, for every kind: (stage, action) -> where it goes (the first is the default).
_PROCEDURE: dict[tuple[Stage, Action], tuple[Stage, ...]] = {
    (Stage.RECEIVED, Action.ACKNOWLEDGE): (Stage.ACKNOWLEDGED,),
    (Stage.ACKNOWLEDGED, Action.DISPATCH): (Stage.DISPATCHED,),
    (Stage.ACKNOWLEDGED, Action.EXPLAIN): (Stage.EXPLAINED,),
    (Stage.DISPATCHED, Action.ARRIVE): (Stage.ON_SITE,),
    (Stage.DISPATCHED, Action.REASSIGN): (Stage.DISPATCHED,),
    (Stage.DISPATCHED, Action.EXPLAIN): (Stage.EXPLAINED,),
    (Stage.ON_SITE, Action.RESOLVE): (Stage.RESOLVED,),
    (Stage.ON_SITE, Action.REASSIGN): (Stage.DISPATCHED,),
    (Stage.ON_SITE, Action.EXPLAIN): (Stage.EXPLAINED,),
    (Stage.EXPLAINED, Action.ESCALATE): (Stage.ESCALATED,),
    (Stage.EXPLAINED, Action.REASSIGN): (Stage.EXPLAINED,),
    (Stage.ESCALATED, Action.DISPATCH): (Stage.DISPATCHED,),
    (Stage.ESCALATED, Action.ARRIVE): (Stage.ON_SITE,),
    (Stage.ESCALATED, Action.RESOLVE): (Stage.RESOLVED,),
    (Stage.ESCALATED, Action.REASSIGN): (Stage.ESCALATED,),
    (Stage.RESOLVED, Action.INFORM_OWNER): (Stage.OWNER_INFORMED,),
    (Stage.OWNER_INFORMED, Action.EVALUATE): (Stage.EVALUATED,),
    (Stage.EVALUATED, Action.ARCHIVE): (Stage.ARCHIVED,),
    **{(stage, Action.REOPEN): REOPEN_TO for stage in REOPENABLE},
    **{(stage, Action.MERGE): (Stage.MERGED,) for stage in BEFORE_RESOLVED},
    **{(stage, Action.CANCEL): (Stage.CANCELLED,) for stage in BEFORE_RESOLVED},
}

# What inquiries, suggestions and praise may do besides.
_LIGHT: dict[tuple[Stage, Action], tuple[Stage, ...]] = {
    **{(stage, Action.RESOLVE): (Stage.RESOLVED,)
       for stage in (Stage.RECEIVED, Stage.ACKNOWLEDGED, Stage.DISPATCHED)},
    **{(stage, Action.ARCHIVE): (Stage.ARCHIVED,)
       for stage in (Stage.RESOLVED, Stage.OWNER_INFORMED, Stage.EVALUATED)},
}

# Actions a paused ticket (waiting on the owner) accepts.
_WHILE_PAUSED = frozenset({Action.RESUME, Action.MERGE, Action.CANCEL})

STAGE_NAMES = {  # (zh-CN, en), for people
    Stage.RECEIVED: ("已登记", "received"), Stage.ACKNOWLEDGED: ("已受理", "acknowledged"),
    Stage.DISPATCHED: ("已派工", "dispatched"), Stage.ON_SITE: ("已到场", "handler on site"),
    Stage.EXPLAINED: ("已解释并承诺时间", "explained, date promised"), Stage.ESCALATED: ("已上报", "escalated"),
    Stage.RESOLVED: ("已处理", "resolved"), Stage.OWNER_INFORMED: ("已回复业主", "owner told the result"),
    Stage.EVALUATED: ("已回访评价", "owner's opinion recorded"), Stage.ARCHIVED: ("已归档", "archived"),
    Stage.MERGED: ("已合并", "merged into another ticket"), Stage.CANCELLED: ("已取消", "cancelled"),
}

# A ticket dispatched to its department's queue (OWN-9) is ``dispatched`` with nobody assigned until a
# member takes it; this is its stage's name for people then.
QUEUED_NAME = ("已派至部门，待领取", "in the department's queue")


@dataclass(frozen=True)
class Move:
    """A legal move: the ticket goes from ``stage_from`` to ``stage_to`` and its pause flag becomes ``paused``."""

    action: Action
    stage_from: Stage
    stage_to: Stage
    paused: bool


def _table(kind: str) -> dict[tuple[Stage, Action], tuple[Stage, ...]]:
    if kind not in KINDS:
        raise Invalid(f"unknown kind {kind!r}", f"未知的工单类型 {kind!r}",
                      errors={"kind": [f"must be one of {', '.join(KINDS)}"]})
    return {**_PROCEDURE, **_LIGHT} if kind in LIGHT_KINDS else _PROCEDURE


def allowed_actions(kind: str, stage: str, paused: bool = False) -> list[str]:
    """The actions a ticket of ``kind`` in ``stage`` accepts now, in the order of :class:`Action`."""
    stage = Stage(stage)
    table = _table(kind)
    allowed = []
    for action in Action:
        if action is Action.PAUSE:
            ok = stage in OPEN and not paused
        elif action is Action.RESUME:
            ok = stage in OPEN and paused
        else:
            ok = (stage, action) in table and (not paused or action in _WHILE_PAUSED)
        if ok:
            allowed.append(action.value)
    return allowed


def targets(kind: str, stage: str, action: str) -> tuple[Stage, ...]:
    """Where ``action`` may take a ticket of ``kind`` in ``stage`` (empty when it is not allowed)."""
    stage, action = Stage(stage), Action(action)
    if action in (Action.PAUSE, Action.RESUME):
        return (stage,) if stage in OPEN else ()
    return _table(kind).get((stage, action), ())


def move(kind: str, stage: str, paused: bool, action: str, to: str | None = None) -> Move:
    """The move ``action`` makes, or :class:`Conflict` naming the stage and what it allows.

    ``to`` chooses among several targets (only ``reopen`` has two: acknowledged or dispatched).
    """
    stage, action = Stage(stage), Action(action)
    allowed = allowed_actions(kind, stage, paused)
    if action.value not in allowed:
        raise refused(kind, stage, paused, action, allowed)
    options = targets(kind, stage, action)
    target = options[0] if to is None else Stage(to)
    if target not in options:
        raise Invalid(f"{action.value} goes to {' or '.join(options)}, not {to}",
                      f"此操作只能转到{'或'.join(STAGE_NAMES[o][0] for o in options)}",
                      errors={"to": [f"must be one of {', '.join(options)}"]})
    paused_after = {Action.PAUSE: True, Action.RESUME: False}.get(action, paused and target in OPEN)
    return Move(action, stage, target, paused_after)


def refused(kind: str, stage: Stage, paused: bool, action: Action, allowed: list[str]) -> Conflict:
    zh, en = STAGE_NAMES[stage]
    waiting = " while waiting on the owner" if paused else ""
    return Conflict(
        f"a {kind} ticket in stage {stage.value} ({en}){waiting} cannot {action.value}; "
        f"allowed: {', '.join(allowed) or 'nothing'}",
        f"工单处于“{zh}”阶段{'（等待业主中）' if paused else ''}，不能执行此操作",
        errors={"stage": stage.value, "waiting_on_owner": paused, "action": action.value,
                "allowed_actions": allowed},
    )


def is_closed(stage: str) -> bool:
    return Stage(stage) in CLOSED
