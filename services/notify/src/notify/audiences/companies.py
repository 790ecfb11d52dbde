"""The companies in a register audience (OWN-11): a unit an office tenant occupies is reached through
the company's contacts, as the desk reaches it.

**Whom a notice reaches for a company's unit: its first reachable contact, in the company's order.**
A company gives the management office its contacts in the order they are to be called (行政经理 first,
then the front desk); a building notice (停水通知, a fee reminder) goes to the one who looks after the
premises for the company, not to every member of its staff. So for each unit of the audience a
company occupies, the contact taken is the first one in order who is in notify's copy, has not opted
out of the notice's purpose and can take one of its channels; the later contacts stand in for an
earlier one who cannot be reached. When none can be reached the first contact is still taken (the
notice then counts them as not reached, with the reason), and a company with no contact in the copy
at all is a warning log line: that unit's company hears nothing.

A company is an occupant, not an owner: an audience of owners (``role: owners``) leaves companies out.
A contact who already lives in or owns that unit is a household of it already and is not taken twice.
Companies are few beside households (tens in an office estate), so they are read and matched here
rather than counted in SQL; every recipient is one group of its own in the estimate.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import select

from notify.audiences.households import occupancy_filters
from notify.audiences.reach import channels_for
from notify.domain.purposes import OPTIONAL
from notify.tables import buildings, companies, occupancies, opt_outs, people, units
from servicekit.rows import Executes

log = logging.getLogger(__name__)


def company_recipients(session: Executes, estate_id: UUID, audience: Mapping[str, Any], *, purpose: str,
                       channels: Iterable[str], today: date) -> list[dict[str, Any]]:
    """One recipient for each unit of a register ``audience`` a company occupies: the company's first
    reachable contact (see the module's docstring), in building, unit and company order."""
    if audience.get("role") == "owners" or "list" in audience:
        return []
    held = _units_held(session, estate_id, audience)
    if not held:
        return []
    contact_ids = {UUID(c["person_id"]) for company, _ in held for c in company["contacts"]}
    known = {r["id"]: r for r in session.execute(select(people).where(
        people.c.id.in_(contact_ids), people.c.estate_id == estate_id)).mappings()} if contact_ids else {}
    opted = _opted_out(session, estate_id, purpose, set(known))
    living = _households(session, estate_id, {unit["id"] for _, unit in held}, contact_ids, today)
    channels = tuple(channels)
    found = []
    for company, unit in held:
        contacts = [known[UUID(c["person_id"])] for c in company["contacts"] if UUID(c["person_id"]) in known]
        if not contacts:
            log.warning("a company occupying a unit of the audience has no contact: nobody there hears of the notice",
                        extra={"company_id": str(company["id"]), "unit_id": str(unit["id"])})
            continue
        label = f"{unit['building_name']} {unit['number']}" if unit["building_name"] else unit["number"]
        candidates = [_recipient(person, unit["id"], label, company["name"]) for person in contacts]
        reachable = (r for r in candidates if r["person_id"] not in opted and channels_for(r, channels))
        chosen = next(reachable, candidates[0])
        if (chosen["person_id"], unit["id"]) not in living:
            living.add((chosen["person_id"], unit["id"]))  # two companies of one unit with one contact: once
            found.append(chosen)
    return found


def _units_held(session: Executes, estate_id: UUID, audience: Mapping[str, Any]) -> list[tuple[dict, dict]]:
    """(company, unit) for every unit of the audience a company of the estate occupies."""
    held = [dict(r) for r in session.execute(select(companies).where(companies.c.estate_id == estate_id)
                                             .order_by(companies.c.name, companies.c.id)).mappings()
            if r["unit_ids"]]
    unit_ids = {UUID(u) for company in held for u in company["unit_ids"]}
    if "units" in audience:
        unit_ids &= set(audience["units"])
    if not unit_ids:
        return []
    statement = (select(units.c.id, units.c.building_id, units.c.number, buildings.c.code,
                        buildings.c.name.label("building_name"))
                 .outerjoin(buildings, buildings.c.id == units.c.building_id)
                 .where(units.c.id.in_(unit_ids), units.c.estate_id == estate_id))
    if "buildings" in audience:
        statement = statement.where(units.c.building_id.in_(audience["buildings"]))
    rows = sorted((dict(r) for r in session.execute(statement).mappings()),
                  key=lambda u: (u["code"] or "", u["number"], str(u["id"])))
    return [(company, unit) for unit in rows for company in held if str(unit["id"]) in company["unit_ids"]]


def _recipient(person: Mapping[str, Any], unit_id: UUID, label: str, company: str) -> dict[str, Any]:
    return {"person_id": person["id"], "unit_id": unit_id, "name": person["name"], "unit_label": label,
            "language": person["language"] or "zh-CN", "mobile": person["mobile"], "email": person["email"],
            "variables": {"company": company}}


def _opted_out(session: Executes, estate_id: UUID, purpose: str, person_ids: set[UUID]) -> set[UUID]:
    if purpose not in OPTIONAL or not person_ids:
        return set()
    return set(session.execute(select(opt_outs.c.person_id).where(
        opt_outs.c.estate_id == estate_id, opt_outs.c.purpose == purpose,
        opt_outs.c.person_id.in_(person_ids))).scalars())


def _households(session: Executes, estate_id: UUID, unit_ids: set[UUID], person_ids: set[UUID],
                today: date) -> set[tuple[UUID, UUID]]:
    """(person, unit) of the contacts who live in or own one of the units today."""
    if not person_ids:
        return set()
    rows = session.execute(select(occupancies.c.person_id, occupancies.c.unit_id).where(
        occupancies.c.unit_id.in_(unit_ids), occupancies.c.person_id.in_(person_ids),
        *occupancy_filters(occupancies, estate_id, {}, today)))
    return {(r.person_id, r.unit_id) for r in rows}
