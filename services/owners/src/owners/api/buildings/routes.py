"""Buildings (楼栋) of an estate."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from owners.adapters.tables import buildings, estates
from owners.api.access import MANAGERS, STAFF_ROLES, get_in_scope, require, require_estate
from owners.api.buildings.schemas import BuildingPatchSchema, BuildingSchema
from owners.api.common import PageArgs, page_of, page_schema, unit_of_work
from owners.service_layer import places
from servicekit.auth import scoped

blp = Blueprint("buildings", __name__, url_prefix="/api/v1", description="Buildings (楼栋) of an estate")


@blp.route("/estates/<uuid:estate_id>/buildings")
class EstateBuildings(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(BuildingSchema))
    def get(self, args: dict[str, Any], estate_id: UUID) -> dict[str, Any]:
        """List an estate's buildings, by code"""
        principal = require(STAFF_ROLES)
        with unit_of_work() as uow:
            get_in_scope(uow, estates, estate_id, principal, "estate", estate_key="id")
            statement = select(buildings).where(buildings.c.estate_id == estate_id).order_by(buildings.c.code)
            return page_of(uow, scoped(statement, buildings.c.estate_id, principal), args)

    @blp.arguments(BuildingSchema)
    @blp.response(201, BuildingSchema)
    def post(self, data: dict[str, Any], estate_id: UUID) -> dict[str, Any]:
        """Add a building to an estate (its code is unique in the estate)"""
        require_estate(require(MANAGERS), estate_id)
        return places.add_building(unit_of_work(), estate_id, **data)


@blp.route("/buildings/<uuid:building_id>")
class Building(MethodView):
    @blp.response(200, BuildingSchema)
    def get(self, building_id: UUID) -> Any:
        """One building"""
        principal = require(STAFF_ROLES)
        with unit_of_work() as uow:
            return get_in_scope(uow, buildings, building_id, principal, "building")

    @blp.arguments(BuildingPatchSchema)
    @blp.response(200, BuildingSchema)
    def patch(self, changes: dict[str, Any], building_id: UUID) -> dict[str, Any]:
        """Change a building's code, name or number of floors"""
        principal = require(MANAGERS)
        with unit_of_work() as uow:
            get_in_scope(uow, buildings, building_id, principal, "building")
            return places.update_building(uow, building_id, changes)
