"""Buildings (楼栋) of an estate."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.roles import MANAGERS, STAFF

from owners import views
from owners.api.access import blueprint
from owners.api.buildings.schemas import BuildingPatchSchema, BuildingSchema
from owners.service_layer import places
from servicekit.paging import PageArgs, page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = blueprint("buildings", __name__, url_prefix="/api/v1", description="Buildings (楼栋) of an estate")


@blp.route("/estates/<uuid:estate_id>/buildings")
class EstateBuildings(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(BuildingSchema))
    @blp.allow(STAFF)
    def get(self, args: dict[str, Any], estate_id: UUID) -> dict[str, Any]:
        """List an estate's buildings, by code"""
        return read(views.estate_buildings, current_principal(), estate_id, args)

    @blp.arguments(BuildingSchema)
    @blp.response(201, BuildingSchema)
    @blp.allow(MANAGERS)
    def post(self, data: dict[str, Any], estate_id: UUID) -> dict[str, Any]:
        """Add a building to an estate (its code is unique in the estate)"""
        return places.add_building(unit_of_work(), estate_id, **data)


@blp.route("/buildings/<uuid:building_id>")
class Building(MethodView):
    @blp.response(200, BuildingSchema)
    @blp.allow(STAFF)
    def get(self, building_id: UUID) -> Any:
        """One building"""
        return read(views.building, building_id)

    @blp.arguments(BuildingPatchSchema)
    @blp.response(200, BuildingSchema)
    @blp.allow(MANAGERS)
    def patch(self, changes: dict[str, Any], building_id: UUID) -> dict[str, Any]:
        """Change a building's code, name or number of floors"""
        return places.update_building(unit_of_work(), building_id, changes)
