"""What the monthly complaint analysis learns from the complaints' outcomes (TKT-14).

- ``outcomes``: of the month's counted complaints, how many have an outcome recorded, how many a
  manager reviewed, how many proved justified and the **justified share** (justified / reviewed,
  None when none was reviewed: unreviewed complaints are neither), how many involved the media or
  went to law; the complaints by sub-type, the **top root causes** and the responsible departments.
- ``repeat_failures``: where the same thing failed again. A failure is a repair or a facilities
  complaint at a registered item of equipment or common area (the ticket's ``equipment_id``, in
  tickets' copy of owners' register: counted per item, whatever the desk typed) or at a common
  area typed as text (``common_area``, with its building) when the ticket names no item; a place
  with at least two in the 90 days ending with the month, at least one of them in the month, is
  listed. ``repeat_failures_by_department``: the month's failures at those places by the
  department the ticket went to.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import and_, false, func, or_, select

from tickets.reports.labels import NONE, label
from tickets.reports.sql import count_where
from tickets.tables import buildings, complaint_outcomes, departments, equipment, tickets

TOP_ROOT_CAUSES = 10
REPEAT_WINDOW = timedelta(days=90)
MAX_REPEATS = 50
NOT_COUNTED = ("merged", "cancelled")


def outcome_analysis(conn: Any, month: Any) -> dict[str, Any]:
    """The outcome figures of ``month`` (the counted complaints of the month, a statement)."""
    o = complaint_outcomes.c
    with_outcome = month.join(complaint_outcomes, o.ticket_id == tickets.c.id)
    recorded, reviewed, justified, media, legal = conn.execute(with_outcome.add_columns(
        func.count(), count_where(o.justified.is_not(None)), count_where(o.justified.is_(True)),
        count_where(o.media_involved.is_(True)), count_where(o.legal_referral.is_(True)))).one()
    return {
        "recorded": recorded, "reviewed": reviewed, "justified": justified,
        "not_justified": reviewed - justified,
        "justified_share": round(justified / reviewed, 4) if reviewed else None,
        "media_involved": media, "legal_referral": legal,
        "by_subtype": _by(conn, with_outcome, o.subtype, "subtype"),
        "top_root_causes": _by(conn, with_outcome.where(o.root_cause.is_not(None)), o.root_cause, "root_cause",
                               limit=TOP_ROOT_CAUSES),
        "by_department": _by_department(conn, with_outcome),
    }


def _by_department(conn: Any, statement: Any) -> list[dict[str, Any]]:
    """The complaints by responsible department: a registered one by its id and name (the copy of
    owners' departments), one the register lacks by the desk's text, none under "none"."""
    o, d = complaint_outcomes.c, departments.c
    grouped = (statement.outerjoin(departments, d.id == o.responsible_department_id)
               .add_columns(o.responsible_department_id, d.name, o.responsible_department, func.count(),
                            count_where(o.justified.is_(True)))
               .group_by(o.responsible_department_id, d.name, o.responsible_department))
    rows = [{"responsible_department_id": None if department is None else str(department),
             "responsible_department": text, "name": name or text or NONE, "complaints": n, "justified": justified}
            for department, name, text, n, justified in conn.execute(grouped).all()]
    return sorted(rows, key=lambda row: (-row["complaints"], row["name"] == NONE, row["name"]))


def _by(conn: Any, statement: Any, column: Any, key: str, limit: int | None = None) -> list[dict[str, Any]]:
    grouped = (statement.add_columns(column, func.count(), count_where(complaint_outcomes.c.justified.is_(True)))
               .group_by(column).order_by(func.count().desc(), column.is_(None), column))
    if limit is not None:
        grouped = grouped.limit(limit)
    return [{key: value, "name": label(key, value), "complaints": n, "justified": justified}
            for value, n, justified in conn.execute(grouped).all()]


def repeat_failures(conn: Any, estate_id: UUID, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The places that failed at least twice in the 90 days ending with the month, once in it: each
    registered item (``equipment_id``, counted by the item whatever the desk typed), and each common
    area typed as text on tickets naming no item (by building and text); most in the month first."""
    t = tickets.c
    in_month = count_where(t.created_at >= start)
    repeated = and_(in_month >= 1, func.count() >= 2)
    figures = (in_month, func.count(), count_where(t.kind == "complaint"))
    items = conn.execute(
        select(t.equipment_id, *figures).where(_failures(estate_id, end), t.equipment_id.is_not(None))
        .group_by(t.equipment_id).having(repeated)).all()
    areas = conn.execute(
        select(t.building_id, t.common_area, *figures)
        .where(_failures(estate_id, end), t.equipment_id.is_(None), t.common_area.is_not(None))
        .group_by(t.building_id, t.common_area).having(repeated)).all()
    registered = {row.id: row for row in conn.execute(
        select(equipment.c.id, equipment.c.identifier, equipment.c.name, equipment.c.kind, equipment.c.building_id)
        .where(equipment.c.id.in_([row[0] for row in items])))} if items else {}
    ids = {row[0] for row in areas if row[0] is not None} | {i.building_id for i in registered.values()
                                                             if i.building_id is not None}
    names = dict(conn.execute(select(buildings.c.id, buildings.c.name).where(buildings.c.id.in_(ids))).all()
                 ) if ids else {}
    found = [_place(names, None, None, registered.get(item), item, m, n, c) for item, m, n, c in items]
    found += [_place(names, b, area, None, None, m, n, c) for b, area, m, n, c in areas]
    found.sort(key=lambda row: (-row["in_month"], -row["in_90_days"], row["place"]))
    return found[:MAX_REPEATS]


def repeat_failures_by_department(conn: Any, estate_id: UUID, start: datetime, end: datetime,
                                  places: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The month's failures at the places failing again (``places``, :func:`repeat_failures`), by the
    department the ticket went to (the copy of owners' departments; none under "none"): how many,
    and at how many of those places."""
    if not places:
        return []
    t = tickets.c
    items = {p["equipment_id"] for p in places if p["equipment_id"] is not None}
    areas = {(p["building_id"], p["common_area"]) for p in places if p["equipment_id"] is None}
    rows = conn.execute(select(t.department_id, t.equipment_id, t.building_id, t.common_area).where(
        _failures(estate_id, end), t.created_at >= start,
        or_(t.equipment_id.in_([UUID(i) for i in items]) if items else false(),
            and_(t.equipment_id.is_(None), t.common_area.in_({a for _, a in areas}))))).all()
    counted: dict[Any, list[Any]] = {}
    for department, item, building, area in rows:
        place = str(item) if item is not None else (None if building is None else str(building), area)
        if item is not None or place in areas:
            counted.setdefault(department, []).append(place)
    named = dict(conn.execute(select(departments.c.id, departments.c.name).where(
        departments.c.id.in_([d for d in counted if d is not None]))).all()) if counted else {}
    found = [{"department_id": None if d is None else str(d), "name": named.get(d, NONE if d is None else str(d)),
              "failures": len(seen), "places": len(set(seen))} for d, seen in counted.items()]
    return sorted(found, key=lambda row: (-row["failures"], row["department_id"] is None, row["name"]))


def _failures(estate_id: UUID, end: datetime) -> Any:
    """The estate's failures (a repair, or a facilities complaint) opened in the 90 days ending at ``end``."""
    t = tickets.c
    return and_(t.estate_id == estate_id, t.created_at >= end - REPEAT_WINDOW, t.created_at < end,
                t.stage.not_in(NOT_COUNTED),
                or_(t.kind == "repair", and_(t.kind == "complaint", t.complaint_class == "facilities")))


def _place(names: dict[Any, str], building: Any, area: str | None, item: Any, item_id: Any, in_month: int,
           in_90_days: int, complaints: int) -> dict[str, Any]:
    if item_id is not None:
        building = item.building_id if item is not None else None
        area = f"{item.identifier} {item.name}" if item is not None else str(item_id)
    return {"equipment_id": None if item_id is None else str(item_id),
            "identifier": None if item is None else item.identifier, "kind": None if item is None else item.kind,
            "building_id": None if building is None else str(building), "common_area": area,
            "place": f"{names[building]} {area}" if building in names else area,
            "in_month": in_month, "in_90_days": in_90_days, "complaints": complaints}
