"""The read side of companies: one company with its units and contacts, and the companies of the caller's
estates by the beginning of their name (the desk's "which company?"), each with its units and people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from owners.tables import buildings, companies, company_contacts, company_units, people, units
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row


def company(session: Session, company_id: UUID) -> dict[str, Any]:
    """One company with its units and contacts (the caller's scope is checked before)."""
    return _whole(session, [get_row(session, companies, company_id, "company", what_zh="公司")])[0]


def company_page(session: Session, principal: Principal, args: Mapping[str, Any]) -> dict[str, Any]:
    """The companies of the caller's estates by name (``q``: its beginning), with their units and people."""
    c = companies.c
    statement = select(companies).order_by(c.name, c.id)
    if "estate_id" in args:
        statement = statement.where(c.estate_id == args["estate_id"])
    if args.get("q"):
        prefix = args["q"].replace("/", "//").replace("%", "/%").replace("_", "/_")
        statement = statement.where(c.name.like(prefix + "%", escape="/"))
    if "unit_id" in args:
        statement = statement.where(c.id.in_(select(company_units.c.company_id)
                                             .where(company_units.c.unit_id == args["unit_id"])))
    if "person_id" in args:
        statement = statement.where(c.id.in_(select(company_contacts.c.company_id)
                                             .where(company_contacts.c.person_id == args["person_id"])))
    page = page_of(session, scoped(statement, c.estate_id, principal), dict(args))
    return {**page, "items": _whole(session, page["items"])}


def _whole(session: Session, rows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    ids = [r["id"] for r in rows]
    occupied: dict[UUID, list[dict[str, Any]]] = {}
    contacts: dict[UUID, list[dict[str, Any]]] = {}
    if ids:
        for row in session.execute(
                select(company_units.c.company_id, units.c.id, units.c.number, buildings.c.code, buildings.c.name)
                .join(units, units.c.id == company_units.c.unit_id)
                .join(buildings, buildings.c.id == units.c.building_id)
                .where(company_units.c.company_id.in_(ids)).order_by(buildings.c.code, units.c.number)):
            occupied.setdefault(row[0], []).append({"unit_id": row[1], "number": row[2], "building_code": row[3],
                                                    "building_name": row[4]})
        for row in session.execute(
                select(company_contacts.c.company_id, company_contacts.c.position, company_contacts.c.person_id,
                       company_contacts.c.title, people.c.name)
                .join(people, people.c.id == company_contacts.c.person_id)
                .where(company_contacts.c.company_id.in_(ids)).order_by(company_contacts.c.position)):
            contacts.setdefault(row[0], []).append({"position": row[1], "person_id": row[2], "title": row[3],
                                                    "name": row[4]})
    return [{**r, "units": occupied.get(r["id"], []), "contacts": contacts.get(r["id"], [])} for r in rows]
