"""The read side of an estate's service commitments: the targets its service levels set for the
cases an owner reports (by the policies' precedence, the built-in defaults where none is set), and
its active catalogue with prices (never the company's cost or margin), and where an owner may report
(the units they live in, with their estates' names)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from servicekit.auth import Principal
from servicekit.rows import get_row, now
from tickets.catalogue.views import item_list
from tickets.sla.policies import targets_for
from tickets.tables import buildings, estates, occupancies, units

# The cases an owner reports, in the order the page shows them: (kind, complaint class, priority).
PUBLISHED = (
    ("repair", None, "urgent"), ("repair", None, "high"), ("repair", None, "normal"),
    ("complaint", "emergency", "urgent"), ("complaint", "facilities", "normal"),
    ("complaint", "management", "normal"), ("inquiry", None, "normal"),
)
SHOWN_ITEM = ("code", "kind", "category", "name_zh", "name_en", "description", "unit", "price", "ceiling")


def commitments(session: Session, principal: Principal, estate_id: UUID) -> dict[str, Any]:
    """The estate's name, its service levels for the published cases, and its catalogue."""
    estate = get_row(session, estates, estate_id, "estate", what_zh="小区")
    levels = []
    for kind, klass, priority in PUBLISHED:
        targets = targets_for(session, {"estate_id": estate_id, "kind": kind, "complaint_class": klass,
                                        "priority": priority})
        levels.append({"kind": kind, "complaint_class": klass, "priority": priority,
                       **{f"{t}_minutes": m for t, m in targets.minutes.items()},
                       "business_hours": targets.business_hours})
    items = item_list(session, principal, {"estate_id": estate_id})
    return {"estate": {"id": estate["id"], "name": estate["name"]}, "service_levels": levels,
            "services": [{name: item[name] for name in SHOWN_ITEM} for item in items]}


def places(session: Session, person_id: UUID | None) -> list[dict[str, Any]]:
    """The units a person lives in (or owns) today, with their building's and estate's names."""
    today = now().date()
    statement = (select(units.c.id, units.c.number, units.c.estate_id, estates.c.name.label("estate_name"),
                        buildings.c.name.label("building_name"))
                 .join(occupancies, occupancies.c.unit_id == units.c.id)
                 .join(estates, estates.c.id == units.c.estate_id)
                 .outerjoin(buildings, buildings.c.id == units.c.building_id)
                 .where(occupancies.c.person_id == person_id,
                        or_(occupancies.c.moved_out_on.is_(None), occupancies.c.moved_out_on > today))
                 .distinct().order_by(estates.c.name, units.c.number))
    return [dict(row) for row in session.execute(statement).mappings()]
