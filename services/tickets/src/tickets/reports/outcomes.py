"""What the monthly complaint analysis learns from the complaints' outcomes (TKT-14).

- ``outcomes``: of the month's counted complaints, how many have an outcome recorded, how many a
  manager reviewed, how many proved justified and the **justified share** (justified / reviewed,
  None when none was reviewed: unreviewed complaints are neither), how many involved the media or
  went to law; the complaints by sub-type, the **top root causes** and the responsible departments.
- ``repeat_failures``: where the same thing failed again. A failure is a repair or a facilities
  complaint at a common area (a lift, a gate, a pump room: the ticket's ``common_area``, with its
  building); a place with at least two in the 90 days ending with the month, at least one of them
  in the month, is listed. Tickets keep no copy of owners' equipment yet (issue 19 adds
  equipment to owners); once they do, failures are counted per piece of equipment as well, by
  its id instead of the text the desk typed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, or_, select

from tickets.reports.labels import NONE, label
from tickets.reports.sql import count_where
from tickets.tables import buildings, complaint_outcomes, tickets

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
        "by_department": [{**row, "name": row["responsible_department"] or NONE} for row in
                          _by(conn, with_outcome, o.responsible_department, "responsible_department")],
    }


def _by(conn: Any, statement: Any, column: Any, key: str, limit: int | None = None) -> list[dict[str, Any]]:
    grouped = (statement.add_columns(column, func.count(), count_where(complaint_outcomes.c.justified.is_(True)))
               .group_by(column).order_by(func.count().desc(), column.is_(None), column))
    if limit is not None:
        grouped = grouped.limit(limit)
    return [{key: value, "name": label(key, value), "complaints": n, "justified": justified}
            for value, n, justified in conn.execute(grouped).all()]


def repeat_failures(conn: Any, estate_id: UUID, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Common areas that failed at least twice in the 90 days ending with the month, once in it."""
    t = tickets.c
    failure = or_(t.kind == "repair", and_(t.kind == "complaint", t.complaint_class == "facilities"))
    in_month = count_where(t.created_at >= start)
    rows = conn.execute(
        select(t.building_id, t.common_area, in_month, func.count(), count_where(t.kind == "complaint"))
        .where(t.estate_id == estate_id, t.created_at >= end - REPEAT_WINDOW, t.created_at < end,
               t.stage.not_in(NOT_COUNTED), t.common_area.is_not(None), failure)
        .group_by(t.building_id, t.common_area).having(and_(in_month >= 1, func.count() >= 2))
        .order_by(in_month.desc(), func.count().desc(), t.common_area).limit(MAX_REPEATS)).all()
    ids = {row[0] for row in rows if row[0] is not None}
    names = dict(conn.execute(select(buildings.c.id, buildings.c.name).where(buildings.c.id.in_(ids))).all()
                 ) if ids else {}
    return [{"building_id": None if b is None else str(b), "common_area": area,
             "place": f"{names[b]} {area}" if b in names else area,
             "in_month": m, "in_90_days": n, "complaints": complaints}
            for b, area, m, n, complaints in rows]
