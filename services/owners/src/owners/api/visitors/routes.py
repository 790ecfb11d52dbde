"""The front desk's visitor register (访客单)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import Select, select

from owners.adapters.tables import units, visitors
from owners.api.access import DESK, STAFF_ROLES, get_in_scope, require, require_estate
from owners.api.common import page_of, page_schema, unit_of_work
from owners.api.visitors.schemas import CheckOutSchema, VisitorListArgs, VisitorSchema
from owners.domain.visitors import local_day
from owners.service_layer import visitors as use_cases
from owners.service_layer.unit_of_work import UnitOfWork
from servicekit.auth import scoped
from servicekit.privacy import mask_phone

blp = Blueprint("visitors", __name__, url_prefix="/api/v1/visitors", description="Visitors at the front desk (访客)")


def _shown(visitor: Any) -> dict[str, Any]:
    return {**visitor, "visitor_mobile": mask_phone(visitor["visitor_mobile"])}


def _filtered(statement: Select[Any], args: dict[str, Any]) -> Select[Any]:
    if "date" in args:
        start, end = local_day(args["date"])
        statement = statement.where(visitors.c.time_in >= start, visitors.c.time_in < end)
    if "inside" in args:
        inside = visitors.c.time_out.is_(None)
        statement = statement.where(inside if args["inside"] else ~inside)
    return statement


def _visitor_in_scope(uow: UnitOfWork, visitor_id: UUID, roles: frozenset[str]) -> None:
    get_in_scope(uow, visitors, visitor_id, require(roles), "visitor")


@blp.route("")
class Visitors(MethodView):
    @blp.arguments(VisitorListArgs, location="query")
    @blp.response(200, page_schema(VisitorSchema))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """An estate's visitors, latest first; filter by day and by still inside"""
        principal = require(STAFF_ROLES)
        require_estate(principal, args["estate_id"])
        statement = _filtered(select(visitors).where(visitors.c.estate_id == args["estate_id"]), args)
        statement = statement.order_by(visitors.c.time_in.desc(), visitors.c.id)
        with unit_of_work() as uow:
            page = page_of(uow, scoped(statement, visitors.c.estate_id, principal), args)
        return {**page, "items": [_shown(v) for v in page["items"]]}

    @blp.arguments(VisitorSchema)
    @blp.response(201, VisitorSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Register a visitor whose ID the desk checked (only the masked ID number is kept)"""
        principal = require(DESK)
        with unit_of_work() as uow:
            get_in_scope(uow, units, data["host_unit_id"], principal, "unit")
            return _shown(use_cases.register_visitor(uow, registered_by=principal.subject, **data))


@blp.route("/<uuid:visitor_id>")
class Visitor(MethodView):
    @blp.response(200, VisitorSchema)
    def get(self, visitor_id: UUID) -> dict[str, Any]:
        """One visitor"""
        principal = require(STAFF_ROLES)
        with unit_of_work() as uow:
            return _shown(get_in_scope(uow, visitors, visitor_id, principal, "visitor"))


@blp.route("/<uuid:visitor_id>/host-confirmation")
class HostConfirmation(MethodView):
    @blp.response(200, VisitorSchema)
    def post(self, visitor_id: UUID) -> dict[str, Any]:
        """The desk phoned the host, who confirmed the visitor"""
        with unit_of_work() as uow:
            _visitor_in_scope(uow, visitor_id, DESK)
            return _shown(use_cases.confirm_with_host(uow, visitor_id))


@blp.route("/<uuid:visitor_id>/check-out")
class CheckOut(MethodView):
    @blp.arguments(CheckOutSchema)
    @blp.response(200, VisitorSchema)
    def post(self, data: dict[str, Any], visitor_id: UUID) -> dict[str, Any]:
        """The visitor leaves (once; not before arriving)"""
        with unit_of_work() as uow:
            _visitor_in_scope(uow, visitor_id, DESK)
            return _shown(use_cases.check_out_visitor(uow, visitor_id, data["time_out"]))
