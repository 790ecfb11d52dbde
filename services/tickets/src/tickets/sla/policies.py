"""Which service-level targets a ticket has, and which business calendar its clocks run on (TKT-4).

**Precedence.** ``sla_policies`` rows match a ticket when each of their ``estate_id``, ``kind``,
``complaint_class`` and ``priority`` is null (a wildcard) or equal to the ticket's. Among the
matching rows the most specific wins, compared column by column in that order: a row of the
ticket's estate beats every operator-wide row (estate null); then one naming the kind beats one
that does not; then the class; then the priority. (That is, rows rank by the weights estate 8,
kind 4, class 2, priority 1; the unique key makes the ranking total.) Each target is taken from the
most specific matching row that sets it (a row whose ``resolve_minutes`` is null inherits the
resolve target of the next row down, and at the end of the built-in defaults), while
``warn_percent`` and ``business_hours`` come from the most specific row.

**Built-in defaults**, when no row sets a target (:data:`DEFAULTS`, minutes; rows for a kind, and
for complaints a class, and then a priority override them in the same order as above):

============================ =========== ====== ======= ===============
ticket                       acknowledge arrive resolve business hours
============================ =========== ====== ======= ===============
complaint                    1           3      1440    no (24x7)
complaint, emergency         1           3      240     no (24x7)
repair, urgent               5           30     240     no (24x7)
repair, high                 15          60     480     yes
repair, normal / low         30          240    2880    yes
inquiry                      30          --     1440    yes
suggestion                   1440        --     10080   yes
praise                       1440        --     --      yes
============================ =========== ====== ======= ===============

The complaint figures are the textbook's: the complaint acknowledged at once (one minute), a
handler on site within three minutes (三分钟内到达现场), every hour of the day; the hotline answered
within three rings is counted from the call log (:mod:`tickets.calls.statistics`, each estate's
ring length: :mod:`tickets.calls.ring_length`);
an emergency is treated as urgent (resolved within four hours). Warnings come at 80 % of a target.

A clock runs on the estate's business calendar when the policy says ``business_hours`` and the
estate has a calendar; otherwise on the clock (24x7).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Uuid, and_, bindparam, func, literal_column, or_, select

from servicekit.unit_of_work import UnitOfWork
from tickets.sla.calendar import BusinessCalendar
from tickets.tables import calendar_days, calendars, sla_policies

TARGETS = ("acknowledge", "arrive", "resolve")
DEFAULT_WARN_PERCENT = 80


@dataclass(frozen=True)
class Targets:
    """A ticket's targets in minutes (None: no such target), when to warn, and which clock."""

    minutes: Mapping[str, int | None]
    warn_percent: int = DEFAULT_WARN_PERCENT
    business_hours: bool = True
    policy_id: UUID | None = None  # the most specific matching row, None for the defaults

    def seconds(self, target: str) -> int | None:
        value = self.minutes.get(target)
        return None if value is None else value * 60


# (kind, complaint_class, priority) -> (acknowledge, arrive, resolve, business_hours); None: any.
DEFAULTS: dict[tuple[str | None, str | None, str | None], tuple[int | None, int | None, int | None, bool]] = {
    (None, None, None): (60, None, 2880, True),
    ("complaint", None, None): (1, 3, 1440, False),
    ("complaint", "emergency", None): (1, 3, 240, False),
    ("repair", None, None): (30, 240, 2880, True),
    ("repair", None, "high"): (15, 60, 480, True),
    ("repair", None, "urgent"): (5, 30, 240, False),
    ("inquiry", None, None): (30, None, 1440, True),
    ("suggestion", None, None): (1440, None, 10080, True),
    ("praise", None, None): (1440, None, None, True),
}


def _matches(key: tuple[str | None, ...], values: tuple[str | None, ...]) -> bool:
    return all(k is None or k == v for k, v in zip(key, values, strict=True))


def _rank(key: tuple[Any, ...]) -> int:
    return sum(weight for weight, value in zip((8, 4, 2, 1), key, strict=True) if value is not None)


def default_targets(kind: str, complaint_class: str | None, priority: str) -> Targets:
    """The built-in targets of the module's table: the most specific matching default wins."""
    values = (kind, complaint_class, priority)
    best = max((key for key in DEFAULTS if _matches(key, values)), key=lambda k: _rank((None, *k)))
    ack, arrive, resolve, business = DEFAULTS[best]
    return Targets({"acknowledge": ack, "arrive": arrive, "resolve": resolve}, business_hours=business)


# Built once, bound per call: every ticket opened asks them. The estate as a one-row table, its
# calendar (if any) and every policy that matches, in one round trip.
_p = sla_policies.c
_estate = select(bindparam("estate_id", type_=Uuid).label("estate_id")).subquery("estate")
_MATCHING = (
    select(sla_policies, calendars.c.id.label("calendar_row"), calendars.c.week.label("calendar_week"),
           calendars.c.timezone.label("calendar_timezone"))
    .select_from(_estate.outerjoin(calendars, calendars.c.estate_id == _estate.c.estate_id).outerjoin(
        sla_policies, and_(
            or_(_p.estate_id.is_(None), _p.estate_id == _estate.c.estate_id),
            or_(_p.kind.is_(None), _p.kind == bindparam("kind")),
            or_(_p.complaint_class.is_(None), _p.complaint_class == bindparam("complaint_class")),
            or_(_p.priority.is_(None), _p.priority == bindparam("priority")))))
)
_DAYS = select(calendar_days.c.day, calendar_days.c.kind).where(calendar_days.c.calendar_id == bindparam("calendar"))
# The same rows as one JSON array, for a statement that reads them ahead with its own (quick entry's
# look-up: one round trip fewer for every ticket opened); bound by the same names.
MATCHING_AS_JSON = select(func.json_agg(literal_column("matching"))).select_from(
    _MATCHING.subquery("matching")).scalar_subquery()
_UUIDS = ("id", "estate_id", "calendar_row")


def read_ahead(uow: Any, key: tuple[UUID, str, str | None, str], found: list[dict[str, Any]]) -> None:
    """Keep ``found`` (:data:`MATCHING_AS_JSON`'s value, read with the parameters ``key`` = estate,
    kind, class, priority) for the next :func:`targets_and_clock` of that key in ``uow``'s
    transaction, which then reads nothing."""
    _read_ahead(uow)[key] = [{k: UUID(v) if k in _UUIDS and v is not None else v for k, v in row.items()}
                             for row in found]


def _read_ahead(conn: Any) -> dict[Any, Any]:
    """Rows read ahead in this transaction (the unit of work's ``info``: gone when it ends)."""
    return conn.info.setdefault("sla_policies_read_ahead", {}) if isinstance(conn, UnitOfWork) else {}


def _matching(conn: Any, estate_id: UUID, kind: str, complaint_class: str | None,
              priority: str) -> tuple[list[Mapping[str, Any]], Mapping[str, Any]]:
    """The matching policies, most specific first, and the estate's calendar columns (null: none)."""
    read_ahead = _read_ahead(conn).pop((estate_id, kind, complaint_class, priority), None)
    rows = read_ahead if read_ahead is not None else conn.execute(_MATCHING, {
        "estate_id": estate_id, "kind": kind, "complaint_class": complaint_class, "priority": priority,
    }).mappings().all()
    policies = [r for r in rows if r["id"] is not None]
    policies.sort(key=lambda r: -_rank((r["estate_id"], r["kind"], r["complaint_class"], r["priority"])))
    return policies, rows[0]


def _targets(rows: list[Mapping[str, Any]], ticket: Mapping[str, Any]) -> Targets:
    fallback = default_targets(ticket["kind"], ticket["complaint_class"], ticket["priority"])
    if not rows:
        return fallback
    minutes = {}
    for target in TARGETS:
        column = f"{target}_minutes"
        minutes[target] = next((r[column] for r in rows if r[column] is not None), fallback.minutes[target])
    top = rows[0]
    return Targets(minutes, warn_percent=top["warn_percent"], business_hours=bool(top["business_hours"]),
                   policy_id=top["id"])


def targets_for(conn: Any, ticket: Mapping[str, Any]) -> Targets:
    """The targets of ``ticket`` (a ``tickets`` row) by the precedence of the module's docstring."""
    return targets_and_clock(conn, ticket)[0]


def targets_and_clock(conn: Any, ticket: Mapping[str, Any]) -> tuple[Targets, BusinessCalendar | None]:
    """The ticket's targets and the calendar its clocks run on (None: 24x7, unless the policy keeps
    business hours and the estate has a calendar), in one round trip (a second one for its holidays
    only where it is needed)."""
    rows, estate = _matching(conn, ticket["estate_id"], ticket["kind"], ticket["complaint_class"],
                             ticket["priority"])
    targets = _targets(rows, ticket)
    if not targets.business_hours or estate["calendar_row"] is None:
        return targets, None
    return targets, _calendar(conn, estate["calendar_row"], estate["calendar_week"], estate["calendar_timezone"])


def _calendar(conn: Any, calendar_id: UUID, week: Any, timezone: str) -> BusinessCalendar:
    days = conn.execute(_DAYS, {"calendar": calendar_id}).all()
    return BusinessCalendar.from_rows(week, timezone, [(d, k) for d, k in days])


def calendar_for(conn: Any, estate_id: UUID) -> BusinessCalendar | None:
    """The estate's business calendar with its holidays and make-up days, or None (24x7)."""
    row = conn.execute(select(calendars).where(calendars.c.estate_id == estate_id)).mappings().first()
    return None if row is None else _calendar(conn, row["id"], row["week"], row["timezone"])


def clock_for(conn: Any, ticket: Mapping[str, Any], targets: Targets) -> BusinessCalendar | None:
    """The calendar the ticket's clocks run on: None (24x7) unless the policy keeps business hours."""
    return calendar_for(conn, ticket["estate_id"]) if targets.business_hours else None
