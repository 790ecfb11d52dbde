"""The visitors API: the front desk's visitor register (访客单)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.roles import DESK, STAFF

from owners.access import SCOPE
from owners.privacy import shown_page, shown_visitor
from owners.visitors import use_cases, views
from owners.visitors.schemas import CheckOutSchema, VisitorListArgs, VisitorSchema
from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = ScopedBlueprint("visitors", __name__, url_prefix="/api/v1/visitors", scope=SCOPE,
                      description="Visitors at the front desk (访客)")


@blp.route("")
class Visitors(MethodView):
    @blp.arguments(VisitorListArgs, location="query")
    @blp.response(200, page_schema(VisitorSchema))
    @blp.allow(STAFF, estates=("estate_id",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """An estate's visitors, latest first; filter by day and by still inside"""
        return shown_page(read(views.estate_visitors, current_principal(), args), shown_visitor)

    @blp.arguments(VisitorSchema)
    @blp.response(201, VisitorSchema)
    @blp.allow(DESK, rows=("host_unit_id",))
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Register a visitor whose ID the desk checked (only the masked ID number is kept)"""
        visitor = use_cases.register_visitor(unit_of_work(), registered_by=current_principal().subject, **data)
        return shown_visitor(visitor)


@blp.route("/<uuid:visitor_id>")
class Visitor(MethodView):
    @blp.response(200, VisitorSchema)
    @blp.allow(STAFF)
    def get(self, visitor_id: UUID) -> dict[str, Any]:
        """One visitor"""
        return shown_visitor(read(views.visitor, visitor_id))


@blp.route("/<uuid:visitor_id>/host-confirmation")
class HostConfirmation(MethodView):
    @blp.response(200, VisitorSchema)
    @blp.allow(DESK)
    def post(self, visitor_id: UUID) -> dict[str, Any]:
        """The desk phoned the host, who confirmed the visitor"""
        return shown_visitor(use_cases.confirm_with_host(unit_of_work(), visitor_id))


@blp.route("/<uuid:visitor_id>/check-out")
class CheckOut(MethodView):
    @blp.arguments(CheckOutSchema)
    @blp.response(200, VisitorSchema)
    @blp.allow(DESK)
    def post(self, data: dict[str, Any], visitor_id: UUID) -> dict[str, Any]:
        """The visitor leaves (once; not before arriving)"""
        return shown_visitor(use_cases.check_out_visitor(unit_of_work(), visitor_id, data["time_out"]))
