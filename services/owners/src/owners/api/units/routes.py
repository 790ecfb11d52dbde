"""Units (房号) of a building."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from owners.adapters.tables import buildings, units
from owners.api.access import MANAGERS, STAFF_ROLES, get_in_scope, require
from owners.api.common import PageArgs, page_of, page_schema, unit_of_work
from owners.api.units.schemas import UnitPatchSchema, UnitSchema
from owners.service_layer import places
from servicekit.auth import scoped

blp = Blueprint("units", __name__, url_prefix="/api/v1", description="Units (房号) of a building")


@blp.route("/buildings/<uuid:building_id>/units")
class BuildingUnits(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(UnitSchema))
    def get(self, args: dict[str, Any], building_id: UUID) -> dict[str, Any]:
        """List a building's units, by number"""
        principal = require(STAFF_ROLES)
        with unit_of_work() as uow:
            get_in_scope(uow, buildings, building_id, principal, "building")
            statement = select(units).where(units.c.building_id == building_id).order_by(units.c.number)
            return page_of(uow, scoped(statement, units.c.estate_id, principal), args)

    @blp.arguments(UnitSchema)
    @blp.response(201, UnitSchema)
    def post(self, data: dict[str, Any], building_id: UUID) -> dict[str, Any]:
        """Add a unit to a building (its number is unique in the building)"""
        principal = require(MANAGERS)
        with unit_of_work() as uow:
            get_in_scope(uow, buildings, building_id, principal, "building")
            return places.add_unit(uow, building_id, **data)


@blp.route("/units/<uuid:unit_id>")
class Unit(MethodView):
    @blp.response(200, UnitSchema)
    def get(self, unit_id: UUID) -> Any:
        """One unit"""
        principal = require(STAFF_ROLES)
        with unit_of_work() as uow:
            return get_in_scope(uow, units, unit_id, principal, "unit")

    @blp.arguments(UnitPatchSchema)
    @blp.response(200, UnitSchema)
    def patch(self, changes: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """Change a unit's number, floor or area"""
        principal = require(MANAGERS)
        with unit_of_work() as uow:
            get_in_scope(uow, units, unit_id, principal, "unit")
            return places.update_unit(uow, unit_id, changes)
