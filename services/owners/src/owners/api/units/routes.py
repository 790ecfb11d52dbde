"""Units (房号) of a building."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.roles import MANAGERS, STAFF

from owners import views
from owners.api.access import blueprint
from owners.api.units.schemas import UnitPatchSchema, UnitSchema
from owners.service_layer import places
from servicekit.paging import PageArgs, page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = blueprint("units", __name__, url_prefix="/api/v1", description="Units (房号) of a building")


@blp.route("/buildings/<uuid:building_id>/units")
class BuildingUnits(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(UnitSchema))
    @blp.allow(STAFF)
    def get(self, args: dict[str, Any], building_id: UUID) -> dict[str, Any]:
        """List a building's units, by number"""
        return read(views.building_units, current_principal(), building_id, args)

    @blp.arguments(UnitSchema)
    @blp.response(201, UnitSchema)
    @blp.allow(MANAGERS)
    def post(self, data: dict[str, Any], building_id: UUID) -> dict[str, Any]:
        """Add a unit to a building (its number is unique in the building)"""
        return places.add_unit(unit_of_work(), building_id, **data)


@blp.route("/units/<uuid:unit_id>")
class Unit(MethodView):
    @blp.response(200, UnitSchema)
    @blp.allow(STAFF)
    def get(self, unit_id: UUID) -> Any:
        """One unit"""
        return read(views.unit, unit_id)

    @blp.arguments(UnitPatchSchema)
    @blp.response(200, UnitSchema)
    @blp.allow(MANAGERS)
    def patch(self, changes: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """Change a unit's number, floor or area"""
        return places.update_unit(unit_of_work(), unit_id, changes)
