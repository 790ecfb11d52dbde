"""Estates (小区/项目): the root of every record; an operator runs many."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.roles import MANAGERS, OPERATORS, STAFF

from owners import views
from owners.api.access import blueprint
from owners.api.estates.schemas import EstatePatchSchema, EstateSchema
from owners.service_layer import estates as use_cases
from servicekit.paging import PageArgs, page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = blueprint("estates", __name__, url_prefix="/api/v1/estates", description="Estates (小区)")


@blp.route("")
class Estates(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(EstateSchema))
    @blp.allow(STAFF)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List the estates the caller may see"""
        return read(views.estates_page, current_principal(), args)

    @blp.arguments(EstateSchema)
    @blp.response(201, EstateSchema)
    @blp.allow(OPERATORS)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Register an estate (operator admins only)"""
        return use_cases.register_estate(unit_of_work(), **data)


@blp.route("/<uuid:estate_id>")
class Estate(MethodView):
    @blp.response(200, EstateSchema)
    @blp.allow(STAFF)
    def get(self, estate_id: UUID) -> Any:
        """One estate"""
        return read(views.estate, estate_id)

    @blp.arguments(EstatePatchSchema)
    @blp.response(200, EstateSchema)
    @blp.allow(MANAGERS)
    def patch(self, changes: dict[str, Any], estate_id: UUID) -> dict[str, Any]:
        """Change an estate's particulars"""
        return use_cases.update_estate(unit_of_work(), estate_id, changes)
