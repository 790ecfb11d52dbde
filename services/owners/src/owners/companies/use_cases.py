"""What callers can do with companies (OWN-11): register a company of an estate, change its particulars,
set the units it occupies and its contacts in order. Every change is the company's next version and one
event with its whole state (units and contacts included)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select

from owners import events
from owners.companies.views import company
from owners.domain import companies as rules
from owners.domain.errors import NO_SUCH_ESTATE
from owners.tables import companies, company_contacts, company_units, people, units
from owners.versions import save_version
from servicekit.errors import Message
from servicekit.rows import get_row, now, write
from servicekit.unit_of_work import UnitOfWork

_TAKEN = Message("this estate has a company of that name already", "本小区已有同名公司")


def add_company(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    """Register a company of an estate, with the units it occupies and its contacts in order."""
    unit_ids, contacts = rules.units_of(data.pop("unit_ids", ())), list(data.pop("contacts", ()))
    rules.check_contacts(contacts)
    with uow:
        stamp = now()
        row = {"id": uuid.uuid4(), "credit_code": "", "note": "", **data, "version": 1, "created_at": stamp,
               "updated_at": stamp}
        write(uow, insert(companies).values(row), conflict=_TAKEN, missing=NO_SUCH_ESTATE)
        record_company(uow, row, unit_ids, contacts, added=True)
        found = company(uow, row["id"])
        uow.commit()
        return found


def update_company(uow: UnitOfWork, company_id: UUID, changes: dict[str, Any]) -> dict[str, Any]:
    """Rename a company, or change its credit code or note; ``unit_ids`` or ``contacts`` replace those."""
    unit_ids = changes.pop("unit_ids", None)
    contacts = changes.pop("contacts", None)
    if contacts is not None:
        rules.check_contacts(contacts)
    with uow:
        current = get_row(uow, companies, company_id, "company", what_zh="公司", lock=True)
        changes = {k: v for k, v in changes.items() if current.get(k) != v}
        held_units, held_contacts = _held(uow, company_id)
        unit_ids = held_units if unit_ids is None else rules.units_of(unit_ids)
        contacts = held_contacts if contacts is None else list(contacts)
        if not changes and unit_ids == held_units and _same(contacts, held_contacts):
            return company(uow, company_id)
        _check(uow, current["estate_id"], unit_ids, contacts)
        uow.execute(delete(company_units).where(company_units.c.company_id == company_id))
        uow.execute(delete(company_contacts).where(company_contacts.c.company_id == company_id))
        _write_members(uow, current, unit_ids, contacts)
        save_version(uow, companies, current, changes, event=events.COMPANY_UPDATED, conflict=_TAKEN,
                     payload=lambda row: events.company_payload(row, unit_ids, contacts))
        found = company(uow, company_id)
        uow.commit()
        return found


def extend_company(uow: UnitOfWork, company_id: UUID, unit_ids: Sequence[UUID],
                   contacts: Sequence[dict[str, Any]]) -> bool:
    """Inside a use case (the household import, a company prospect's conversion): the company occupies
    ``unit_ids`` as well, and ``contacts`` it lacks join its contacts after the ones it has (in their
    order; at most its limit). Nothing is taken away. Its next version and event when anything changed;
    whether it did."""
    current = get_row(uow, companies, company_id, "company", what_zh="公司", lock=True)
    held_units, held_contacts = _held(uow, company_id)
    joined = list(held_contacts)
    for contact in contacts:
        if contact["person_id"] not in {c["person_id"] for c in joined}:
            joined.append(contact)
    joined = joined[:rules.MAX_CONTACTS]
    unit_ids = rules.units_of([*held_units, *unit_ids])
    if unit_ids == held_units and _same(joined, held_contacts):
        return False
    _check(uow, current["estate_id"], unit_ids, joined)
    uow.execute(delete(company_units).where(company_units.c.company_id == company_id))
    uow.execute(delete(company_contacts).where(company_contacts.c.company_id == company_id))
    _write_members(uow, current, unit_ids, joined)
    save_version(uow, companies, current, {}, event=events.COMPANY_UPDATED,
                 payload=lambda row: events.company_payload(row, unit_ids, joined))
    return True


def record_company(uow: UnitOfWork, row: dict[str, Any], unit_ids: Sequence[UUID],
                   contacts: Sequence[dict[str, Any]], *, added: bool) -> None:
    """Inside a use case (this one, the household import): a new company's units and contacts, checked
    to be its estate's, written, and its event recorded."""
    _check(uow, row["estate_id"], unit_ids, contacts)
    _write_members(uow, row, unit_ids, contacts)
    uow.record(events.COMPANY_ADDED if added else events.COMPANY_UPDATED, row["id"],
               events.company_payload(row, list(unit_ids), list(contacts)))


def _check(uow: UnitOfWork, estate_id: UUID, unit_ids: Iterable[UUID], contacts: Sequence[dict[str, Any]]) -> None:
    unit_ids = list(unit_ids)
    person_ids = [c["person_id"] for c in contacts]
    if unit_ids:
        found = uow.execute(select(units.c.id).where(units.c.id.in_(unit_ids), units.c.estate_id == estate_id))
        rules.check_in_estate(unit_ids, found.scalars(), "unit_ids", "unit", "房屋")
    if person_ids:
        found = uow.execute(select(people.c.id).where(people.c.id.in_(person_ids), people.c.estate_id == estate_id))
        rules.check_in_estate(person_ids, found.scalars(), "contacts", "person", "住户")


def _write_members(uow: UnitOfWork, row: dict[str, Any], unit_ids: Sequence[UUID],
                   contacts: Sequence[dict[str, Any]]) -> None:
    if unit_ids:
        uow.execute(insert(company_units), [{"company_id": row["id"], "unit_id": u, "estate_id": row["estate_id"]}
                                            for u in unit_ids])
    if contacts:
        uow.execute(insert(company_contacts), [
            {"company_id": row["id"], "position": i, "person_id": c["person_id"], "title": c.get("title", ""),
             "estate_id": row["estate_id"]} for i, c in enumerate(contacts, start=1)])


def _held(uow: UnitOfWork, company_id: UUID) -> tuple[list[UUID], list[dict[str, Any]]]:
    held_units = rules.units_of(uow.execute(select(company_units.c.unit_id)
                                            .where(company_units.c.company_id == company_id)).scalars())
    held_contacts = [dict(r) for r in uow.execute(
        select(company_contacts.c.person_id, company_contacts.c.title)
        .where(company_contacts.c.company_id == company_id).order_by(company_contacts.c.position)).mappings()]
    return held_units, held_contacts


def _same(a: Sequence[dict[str, Any]], b: Sequence[dict[str, Any]]) -> bool:
    return [(c["person_id"], c.get("title", "")) for c in a] == [(c["person_id"], c.get("title", "")) for c in b]
