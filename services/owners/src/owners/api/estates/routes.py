"""Estates (小区/项目): the root of every record; an operator runs many."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from owners.adapters.tables import estates
from owners.api.access import MANAGERS, STAFF_ROLES, get_in_scope, require
from owners.api.common import PageArgs, page_of, page_schema, unit_of_work
from owners.api.estates.schemas import EstatePatchSchema, EstateSchema
from owners.service_layer import estates as use_cases
from servicekit.auth import scoped

blp = Blueprint("estates", __name__, url_prefix="/api/v1/estates", description="Estates (小区)")
OPERATOR = frozenset({"operator_admin"})


@blp.route("")
class Estates(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(EstateSchema))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List the estates the caller may see"""
        principal = require(STAFF_ROLES)
        with unit_of_work() as uow:
            return page_of(uow, scoped(select(estates).order_by(estates.c.code), estates.c.id, principal), args)

    @blp.arguments(EstateSchema)
    @blp.response(201, EstateSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Register an estate (operator admins only)"""
        require(OPERATOR)
        return use_cases.register_estate(unit_of_work(), **data)


@blp.route("/<uuid:estate_id>")
class Estate(MethodView):
    @blp.response(200, EstateSchema)
    def get(self, estate_id: UUID) -> Any:
        """One estate"""
        principal = require(STAFF_ROLES)
        with unit_of_work() as uow:
            return get_in_scope(uow, estates, estate_id, principal, "estate", estate_key="id")

    @blp.arguments(EstatePatchSchema)
    @blp.response(200, EstateSchema)
    def patch(self, changes: dict[str, Any], estate_id: UUID) -> dict[str, Any]:
        """Change an estate's particulars"""
        principal = require(MANAGERS)
        with unit_of_work() as uow:
            get_in_scope(uow, estates, estate_id, principal, "estate", estate_key="id")
            return use_cases.update_estate(uow, estate_id, changes)
