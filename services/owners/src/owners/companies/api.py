"""The companies API (公司, OWN-11): office tenants, the units they occupy and their contacts in order."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.roles import DESK, STAFF

from owners.access import SCOPE
from owners.companies import use_cases, views
from owners.companies.schemas import CompanyListArgs, CompanyPatchSchema, CompanySchema
from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = ScopedBlueprint("companies", __name__, url_prefix="/api/v1/companies", scope=SCOPE,
                      description="Companies (公司) that occupy units, with their contacts in order")


@blp.route("")
class Companies(MethodView):
    @blp.arguments(CompanyListArgs, location="query")
    @blp.response(200, page_schema(CompanySchema))
    @blp.allow(STAFF, estates=("estate_id",), rows=("unit_id", "person_id"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Companies of the caller's estates by name (q: its beginning), each with its units and people"""
        return read(views.company_page, current_principal(), args)

    @blp.arguments(CompanySchema)
    @blp.response(201, CompanySchema)
    @blp.allow(DESK, estates=("estate_id",))
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Register a company of an estate with the units it occupies and its contacts in order"""
        return use_cases.add_company(unit_of_work(), data)


@blp.route("/<uuid:company_id>")
class Company(MethodView):
    @blp.response(200, CompanySchema)
    @blp.allow(STAFF)
    def get(self, company_id: UUID) -> dict[str, Any]:
        """One company with its units and contacts"""
        return read(views.company, company_id)

    @blp.arguments(CompanyPatchSchema)
    @blp.response(200, CompanySchema)
    @blp.allow(DESK)
    def patch(self, changes: dict[str, Any], company_id: UUID) -> dict[str, Any]:
        """Change a company's name or particulars; unit_ids or contacts replace those lists"""
        return use_cases.update_company(unit_of_work(), company_id, changes)
