"""Read-only lookups in tickets' copy of owners' data, for quick entry and dispatch by hand:
units by number, who lives in a unit (and which company occupies it), companies by name, staff with
their current load. The copy is owners' (built
from its events); nothing here writes it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.permissions import REVEAL_PERSONAL_DATA
from tenancy.privacy import mask_phone
from tenancy.roles import STAFF

from servicekit.access import ScopedBlueprint, require_permission
from servicekit.audit import Reveal, audit_reveals
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import read
from tickets.access import SCOPE
from tickets.directory import schemas, views
from tickets.tables import pii_reveals

blp = ScopedBlueprint("directory", __name__, scope=SCOPE, url_prefix="/api/v1",
                      description="Units, residents, companies and staff from owners' data, for entry and dispatch")


@blp.route("/units", methods=["GET"])
@blp.arguments(schemas.UnitListArgs, location="query")
@blp.response(200, page_schema(schemas.DirectoryUnitSchema))
@blp.allow(STAFF, rows=("building_id",), estates=("estate_id",))
def find_units(args: dict[str, Any]) -> dict[str, Any]:
    """Find units of the caller's estates by estate, building and the start of their number"""
    return read(views.units_page, current_principal(), args)


@blp.route("/units/<uuid:unit_id>/people", methods=["GET"])
@blp.arguments(schemas.UnitPeopleArgs, location="query")
@blp.response(200, schemas.UnitPeopleSchema)
@blp.allow(STAFF)
def unit_people(args: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
    """Who lives in a unit: its occupants, owners first, mobiles masked"""
    reveal = args["reveal"]
    if reveal:
        require_permission(current_principal(), REVEAL_PERSONAL_DATA, "showing full phone numbers", "查看完整手机号")
    found = read(views.unit_people, unit_id, include_past=args["include_past"])
    if reveal:
        audit_reveals(pii_reveals, [Reveal("person.mobile", p["estate_id"], p["person_id"], unit_id)
                                    for p in found if p["mobile"]])
    shown = found if reveal else [{**p, "mobile": mask_phone(p["mobile"])} for p in found]
    return {"unit_id": unit_id, "people": shown, "companies": views.masked(read(views.unit_companies, unit_id))}


@blp.route("/companies", methods=["GET"])
@blp.arguments(schemas.CompanyListArgs, location="query")
@blp.response(200, page_schema(schemas.CompanySchema))
@blp.allow(STAFF, estates=("estate_id",))
def find_companies(args: dict[str, Any]) -> dict[str, Any]:
    """Companies of the caller's estates by the start of their name, with their units and contacts in order"""
    page = read(views.companies_page, current_principal(), args)
    return {**page, "items": views.masked(page["items"])}


@blp.route("/staff", methods=["GET"])
@blp.arguments(schemas.StaffListArgs, location="query")
@blp.response(200, page_schema(schemas.DirectoryStaffSchema))
@blp.allow(STAFF, estates=("estate_id",))
def find_staff(args: dict[str, Any]) -> dict[str, Any]:
    """Staff of the caller's estates by role and skill, each with their current load and ground"""
    return read(views.staff_page, current_principal(), args)
