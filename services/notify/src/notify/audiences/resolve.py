"""Resolving an audience against the copy: one recipient per person × unit (a household member),
and for each unit a company occupies its first reachable contact (:mod:`notify.audiences.companies`),
or one per entry of a list, each with the variables every template can use (name, unit, estate) and,
for a list, the entry's own. Opted-out people (non-essential purposes) and people with no contact
point on any of the notice's channels stay in the result, marked ``excluded``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Select, select

from notify.audiences.companies import company_recipients
from notify.audiences.households import occupancy_filters
from notify.audiences.reach import channels_for
from notify.domain.purposes import OPTIONAL
from notify.tables import buildings, estates, occupancies, opt_outs, people, units
from servicekit.errors import Invalid
from servicekit.rows import Executes

OPTED_OUT = "opted_out"
_KINDS_ZH = {"buildings": "楼栋", "units": "房屋"}
NO_CONTACT = "no_contact"


def resolve(session: Executes, estate_id: UUID, audience: Mapping[str, Any], *, purpose: str,
            channels: Iterable[str], today: date, first: int | None = None) -> list[dict[str, Any]]:
    """The recipients of ``audience`` (checked by :func:`notify.audiences.spec.check`) in the estate
    (a register audience: only the ``first`` occupancies in its order, when given)."""
    channels = tuple(channels)
    name_of_estate = estate_name(session, estate_id)
    if "list" in audience:
        found = _from_list(session, estate_id, audience["list"])
    else:
        found = _from_register(session, estate_id, audience, today, first)
        found += company_recipients(session, estate_id, audience, purpose=purpose, channels=channels, today=today)
    mark(session, estate_id, found, estate=name_of_estate, purpose=purpose, channels=channels)
    return found


def mark(session: Executes, estate_id: UUID, found: list[dict[str, Any]], *, estate: str, purpose: str,
         channels: tuple[str, ...]) -> None:
    """Give each recipient the variables every template can use, and say why one is ``excluded``
    (opted out of the purpose, no contact point on the channels) or None."""
    opted = _opted_out(session, estate_id, purpose, {r["person_id"] for r in found if r["person_id"]})
    for recipient in found:
        recipient["variables"] = {"name": recipient["name"], "unit": recipient["unit_label"] or "",
                                  "estate": estate, **recipient["variables"]}
        if recipient["person_id"] in opted:
            recipient["excluded"] = OPTED_OUT
        elif not channels_for(recipient, channels):
            recipient["excluded"] = NO_CONTACT
        else:
            recipient["excluded"] = None


def _label(building_name: str | None, number: str | None) -> str | None:
    if number is None:
        return None
    return f"{building_name} {number}" if building_name else number


def estate_name(session: Executes, estate_id: UUID) -> str:
    """The estate's name in the copy; :class:`Invalid` when the copy has no such estate."""
    name = session.execute(select(estates.c.name).where(estates.c.id == estate_id)).scalar_one_or_none()
    if name is None:
        raise Invalid("no such estate in notify's copy of owners", "没有此小区",
                      errors={"estate_id": ["no such estate (has the copy caught up with owners?)"]})
    return str(name)


def current_households(estate_id: UUID, audience: Mapping[str, Any], today: date) -> Select[Any]:
    """The occupancies a register audience names on ``today``, with each one's person and unit
    (``person_id, unit_id, name, language, mobile, email, number, building_name``): one row per
    occupancy, so a person with two roles in one unit is two rows."""
    statement = (
        select(occupancies.c.person_id, occupancies.c.unit_id, people.c.name, people.c.language, people.c.mobile,
               people.c.email, units.c.number, buildings.c.name.label("building_name"))
        .join(people, people.c.id == occupancies.c.person_id)
        .join(units, units.c.id == occupancies.c.unit_id)
        .outerjoin(buildings, buildings.c.id == units.c.building_id)
        .where(*occupancy_filters(occupancies, estate_id, audience, today))
    )
    if "buildings" in audience:
        statement = statement.where(units.c.building_id.in_(audience["buildings"]))
    if "units" in audience:
        statement = statement.where(units.c.id.in_(audience["units"]))
    return statement


def _from_register(session: Executes, estate_id: UUID, audience: Mapping[str, Any],
                   today: date, first: int | None = None) -> list[dict[str, Any]]:
    check_named(session, estate_id, audience)
    statement = current_households(estate_id, audience, today).order_by(
        buildings.c.code, units.c.number, people.c.name, occupancies.c.person_id).limit(first)
    seen: set[tuple[UUID, UUID]] = set()
    found = []
    for row in session.execute(statement).mappings():
        key = (row["person_id"], row["unit_id"])
        if key in seen:  # one person with two roles in one unit is one recipient
            continue
        seen.add(key)
        found.append({"person_id": row["person_id"], "unit_id": row["unit_id"], "name": row["name"],
                      "unit_label": _label(row["building_name"], row["number"]), "language": row["language"],
                      "mobile": row["mobile"], "email": row["email"], "variables": {}})
    return found


def check_named(session: Executes, estate_id: UUID, audience: Mapping[str, Any]) -> None:
    for kind, table in (("buildings", buildings), ("units", units)):
        if kind not in audience:
            continue
        named = audience[kind]
        there = set(session.execute(select(table.c.id).where(table.c.id.in_(named), table.c.estate_id == estate_id))
                    .scalars())
        missing = [str(i) for i in named if i not in there]
        if missing:
            raise Invalid(f"the audience names {kind} the estate does not have",
                          f"接收范围中有本小区不存在的{_KINDS_ZH[kind]}",
                          errors={f"audience.{kind}": [f"no such {kind[:-1]} in this estate: {i}" for i in missing]})


def _from_list(session: Executes, estate_id: UUID, entries: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    person_ids = {e["person_id"] for e in entries if "person_id" in e}
    unit_ids = {e["unit_id"] for e in entries if "unit_id" in e}
    persons = {r["id"]: r for r in session.execute(select(people).where(
        people.c.id.in_(person_ids), people.c.estate_id == estate_id)).mappings()} if person_ids else {}
    unit_rows = {r["id"]: r for r in session.execute(
        select(units.c.id, units.c.number, buildings.c.name.label("building_name"))
        .outerjoin(buildings, buildings.c.id == units.c.building_id)
        .where(units.c.id.in_(unit_ids), units.c.estate_id == estate_id)).mappings()} if unit_ids else {}
    errors: dict[str, list[str]] = {}
    for index, entry in enumerate(entries):
        if "person_id" in entry and entry["person_id"] not in persons:
            errors[f"audience.list.{index}"] = [f"no such person in this estate: {entry['person_id']}"]
        elif "unit_id" in entry and entry["unit_id"] not in unit_rows:
            errors[f"audience.list.{index}"] = [f"no such unit in this estate: {entry['unit_id']}"]
    if errors:
        raise Invalid("the list names people or units the estate does not have", "名单中有本小区不存在的人员或房屋",
                      errors=errors)
    seen: set[tuple[UUID, UUID | None]] = set()
    found = []
    for entry in entries:
        person = persons.get(entry.get("person_id")) or {}
        unit = unit_rows.get(entry.get("unit_id"))
        if person:
            key = (person["id"], entry.get("unit_id"))
            if key in seen:  # a household listed twice is sent to once
                continue
            seen.add(key)
        found.append({
            "person_id": entry.get("person_id"), "unit_id": entry.get("unit_id"),
            "name": entry.get("name") or person.get("name"),
            "unit_label": _label(unit["building_name"], unit["number"]) if unit else None,
            "language": entry.get("language") or person.get("language") or "zh-CN",
            "mobile": entry.get("mobile") or person.get("mobile"), "email": entry.get("email") or person.get("email"),
            "variables": dict(entry.get("variables") or {}),
        })
    return found


def _opted_out(session: Executes, estate_id: UUID, purpose: str, person_ids: set[UUID]) -> set[UUID]:
    if purpose not in OPTIONAL or not person_ids:
        return set()
    return set(session.execute(select(opt_outs.c.person_id).where(
        opt_outs.c.estate_id == estate_id, opt_outs.c.purpose == purpose)).scalars()) & person_ids
