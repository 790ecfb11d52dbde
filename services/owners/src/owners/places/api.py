"""The places API: estates (小区), the root of every record, their buildings (楼栋) and units (房号)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.roles import MANAGERS, OPERATORS, STAFF

from owners.access import SCOPE
from owners.places import use_cases, views
from owners.places.schemas import (
    BuildingPatchSchema,
    BuildingSchema,
    EstatePatchSchema,
    EstateSchema,
    UnitPatchSchema,
    UnitSchema,
)
from servicekit.access import ScopedBlueprint
from servicekit.paging import PageArgs, page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = ScopedBlueprint("places", __name__, url_prefix="/api/v1", scope=SCOPE,
                      description="Estates, buildings and units (小区、楼栋、房号)")


@blp.route("/estates")
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


@blp.route("/estates/<uuid:estate_id>")
class Estate(MethodView):
    @blp.response(200, EstateSchema)
    @blp.allow(STAFF)
    def get(self, estate_id: UUID) -> dict[str, Any]:
        """One estate"""
        return read(views.estate, estate_id)

    @blp.arguments(EstatePatchSchema)
    @blp.response(200, EstateSchema)
    @blp.allow(MANAGERS)
    def patch(self, changes: dict[str, Any], estate_id: UUID) -> dict[str, Any]:
        """Change an estate's particulars"""
        return use_cases.update_estate(unit_of_work(), estate_id, changes)


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
        return use_cases.add_building(unit_of_work(), estate_id, **data)


@blp.route("/buildings/<uuid:building_id>")
class Building(MethodView):
    @blp.response(200, BuildingSchema)
    @blp.allow(STAFF)
    def get(self, building_id: UUID) -> dict[str, Any]:
        """One building"""
        return read(views.building, building_id)

    @blp.arguments(BuildingPatchSchema)
    @blp.response(200, BuildingSchema)
    @blp.allow(MANAGERS)
    def patch(self, changes: dict[str, Any], building_id: UUID) -> dict[str, Any]:
        """Change a building's code, name or number of floors"""
        return use_cases.update_building(unit_of_work(), building_id, changes)


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
        return use_cases.add_unit(unit_of_work(), building_id, **data)


@blp.route("/units/<uuid:unit_id>")
class Unit(MethodView):
    @blp.response(200, UnitSchema)
    @blp.allow(STAFF)
    def get(self, unit_id: UUID) -> dict[str, Any]:
        """One unit"""
        return read(views.unit, unit_id)

    @blp.arguments(UnitPatchSchema)
    @blp.response(200, UnitSchema)
    @blp.allow(MANAGERS)
    def patch(self, changes: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """Change a unit's number, floor or area"""
        return use_cases.update_unit(unit_of_work(), unit_id, changes)
