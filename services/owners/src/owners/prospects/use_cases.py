"""What callers can do with prospects (OWN-7): record a lead, assign it and set its follow-up, log
activities, move it along the pipeline (each move an activity too), and convert it into an owner or
occupant of a unit: the person is registered (with the lead's mobile and e-mail) and moves in, in one
transaction; the prospect, won, keeps its whole history and names the person.

Prospects are the office's own sales record: no other service keeps them, so they record no events
(the conversion records the person's and the move-in's, as a registration does)."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from owners.companies.use_cases import extend_company, record_company
from owners.domain import prospects as rules
from owners.domain.contacts import normalize_mobile
from owners.domain.errors import NO_SUCH_ESTATE, Invalid
from owners.people.use_cases import register_in
from owners.prospects.views import prospect
from owners.tables import companies, prospect_activities, prospects, staff, units
from servicekit.rows import get_row, now, write
from servicekit.unit_of_work import UnitOfWork


def add_prospect(uow: UnitOfWork, data: dict[str, Any], recorded_by: str) -> dict[str, Any]:
    """A new lead of an estate (stage new), perhaps assigned already."""
    with uow:
        _check_refs(uow, data["estate_id"], data.get("staff_id"), data.get("unit_id"))
        stamp = now()
        row = {"id": uuid.uuid4(), "company_name": "", "mobile": None, "email": None, "unit_id": None, "source": "",
               "staff_id": None, "follow_up_on": None, **data, "stage": rules.Stage.NEW.value, "lost_reason": None,
               "person_id": None, "converted_at": None, "created_at": stamp, "updated_at": stamp}
        row["mobile"] = row["mobile"] and normalize_mobile(row["mobile"])
        write(uow, insert(prospects).values(row), missing=NO_SUCH_ESTATE)
        _activity(uow, row, rules.ActivityKind.NOTE, "线索登记 / lead recorded", row["staff_id"], recorded_by)
        found = prospect(uow, row["id"])
        uow.commit()
        return found


def change_prospect(uow: UnitOfWork, prospect_id: UUID, changes: dict[str, Any], recorded_by: str) -> dict[str, Any]:
    """Assign it, set its follow-up date or particulars, or move it to another stage (``stage``, with a
    ``reason`` when lost); a stage move is logged as an activity."""
    reason = changes.pop("reason", None)
    with uow:
        current = get_row(uow, prospects, prospect_id, "prospect", what_zh="潜在客户", lock=True)
        _check_refs(uow, current["estate_id"], changes.get("staff_id"), changes.get("unit_id"))
        if changes.get("mobile"):
            changes["mobile"] = normalize_mobile(changes["mobile"])
        to = changes.get("stage")
        if to is not None and to != current["stage"]:
            rules.check_move(current["stage"], to, reason)
            if to == rules.Stage.LOST:
                changes["lost_reason"] = reason
            _activity(uow, current, rules.ActivityKind.STAGE, f"{current['stage']} → {to}" + (f": {reason}" if reason
                      else ""), changes.get("staff_id", current["staff_id"]), recorded_by)
        if changes:
            uow.execute(update(prospects).where(prospects.c.id == prospect_id).values(**changes, updated_at=now()))
        found = prospect(uow, prospect_id)
        uow.commit()
        return found


def log_activity(uow: UnitOfWork, prospect_id: UUID, data: dict[str, Any], recorded_by: str) -> dict[str, Any]:
    """A call, visit, viewing, message or note on a prospect; ``follow_up_on`` sets the next date."""
    with uow:
        current = get_row(uow, prospects, prospect_id, "prospect", what_zh="潜在客户", lock=True)
        _check_refs(uow, current["estate_id"], data.get("staff_id"), None)
        row = _activity(uow, current, data["kind"], data.get("note", ""), data.get("staff_id"), recorded_by,
                        at=data.get("at"))
        if data.get("follow_up_on") is not None:
            uow.execute(update(prospects).where(prospects.c.id == prospect_id)
                        .values(follow_up_on=data["follow_up_on"], updated_at=now()))
        uow.commit()
        return row


def convert(uow: UnitOfWork, prospect_id: UUID, data: dict[str, Any], recorded_by: str) -> dict[str, Any]:
    """The prospect becomes an owner or occupant of a unit: registered with its mobile and e-mail, moved
    in, and the prospect won, naming the person, its history kept. A company prospect becomes a company
    occupying the unit (or, the estate having it already, the company occupies the unit as well), the
    lead its contact (registered with its mobile and e-mail, ``title`` at the company); the prospect,
    won, names both."""
    with uow:
        current = get_row(uow, prospects, prospect_id, "prospect", what_zh="潜在客户", lock=True)
        rules.check_convertible(current["stage"])
        rules.check_conversion(current["interest"], current["company_name"], data)
        points = [{"kind": "mobile", "value": current["mobile"], "preferred": True}] if current["mobile"] else []
        if current["email"]:
            points.append({"kind": "email", "value": current["email"]})
        company_id = None
        if current["interest"] == rules.Interest.COMPANY:
            person = register_in(uow, current["estate_id"], current["name"], contact_points=points)
            company_id = _company_of(uow, current, data["unit_id"], {"person_id": person["id"], "title": data["title"]})
            won = f"{current['stage']} → won: {current['company_name']}"
        else:
            person = register_in(uow, current["estate_id"], current["name"], contact_points=points,
                                 occupancy={"unit_id": data["unit_id"], "role": data["role"],
                                            "moved_in_on": data["moved_in_on"]})
            won = f"{current['stage']} → won: {data['role']}"
        stamp = now()
        uow.execute(update(prospects).where(prospects.c.id == prospect_id).values(
            stage=rules.Stage.WON.value, person_id=person["id"], company_id=company_id, converted_at=stamp,
            unit_id=data["unit_id"], follow_up_on=None, updated_at=stamp))
        _activity(uow, current, rules.ActivityKind.STAGE, won, current["staff_id"], recorded_by)
        found = prospect(uow, prospect_id)
        uow.commit()
        return found


def _company_of(uow: UnitOfWork, lead: dict[str, Any], unit_id: UUID, contact: dict[str, Any]) -> UUID:
    """The company a company prospect becomes: the estate's of that name (it occupies the unit as well,
    the lead joins its contacts), else a new one occupying the unit with the lead as its contact."""
    name = lead["company_name"].strip()
    held = uow.execute(select(companies.c.id).where(companies.c.estate_id == lead["estate_id"],
                                                    companies.c.name == name)).scalar()
    if held is not None:
        extend_company(uow, held, [unit_id], [contact])
        return held
    stamp = now()
    row = {"id": uuid.uuid4(), "estate_id": lead["estate_id"], "name": name, "credit_code": "", "note": "",
           "version": 1, "created_at": stamp, "updated_at": stamp}
    uow.execute(insert(companies).values(row))
    record_company(uow, row, [unit_id], [contact], added=True)
    return row["id"]


def _activity(uow: UnitOfWork, lead: dict[str, Any], kind: str, note: str, staff_id: UUID | None,
              recorded_by: str, *, at: Any = None) -> dict[str, Any]:
    row = {"id": uuid.uuid4(), "prospect_id": lead["id"], "estate_id": lead["estate_id"], "kind": str(kind),
           "at": at or now(), "note": note, "staff_id": staff_id, "recorded_by": recorded_by}
    uow.execute(insert(prospect_activities).values(row))
    return row


def _check_refs(uow: UnitOfWork, estate_id: UUID, staff_id: UUID | None, unit_id: UUID | None) -> None:
    errors = {}
    if staff_id is not None and uow.execute(select(staff.c.id).where(
            staff.c.id == staff_id, staff.c.estate_id == estate_id, staff.c.active.is_(True))).first() is None:
        errors["staff_id"] = ["no active staff member of this estate"]
    if unit_id is not None and uow.execute(select(units.c.id).where(
            units.c.id == unit_id, units.c.estate_id == estate_id)).first() is None:
        errors["unit_id"] = ["no such unit in this estate"]
    if errors:
        raise Invalid("the prospect names what the estate does not have", "潜在客户信息引用了本小区不存在的记录",
                      errors=errors)
