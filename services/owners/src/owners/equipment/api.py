"""The register of common areas and equipment (公共区域与设备, OWN-10) over HTTP."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.roles import MANAGERS, STAFF

from owners.access import SCOPE
from owners.equipment import use_cases, views
from owners.equipment.schemas import ItemListArgs, ItemPatchSchema, ItemSchema
from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = ScopedBlueprint("equipment", __name__, url_prefix="/api/v1/equipment", scope=SCOPE,
                      description="Common areas and equipment (公共区域与设备): lifts, pumps, gates, car parks ...")


@blp.route("")
class Items(MethodView):
    @blp.arguments(ItemListArgs, location="query")
    @blp.response(200, page_schema(ItemSchema))
    @blp.allow(STAFF, estates=("estate_id",), rows=("building_id",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The common areas and equipment of the caller's estates, by estate, building, kind or identifier"""
        return read(views.items_page, current_principal(), args)

    @blp.arguments(ItemSchema)
    @blp.response(201, ItemSchema)
    @blp.allow(MANAGERS, estates=("estate_id",), rows=("building_id",))
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Register a common area or an item of equipment of an estate or one of its buildings"""
        return use_cases.register_item(unit_of_work(), data)


@blp.route("/<uuid:equipment_id>")
class Item(MethodView):
    @blp.response(200, ItemSchema)
    @blp.allow(STAFF)
    def get(self, equipment_id: UUID) -> dict[str, Any]:
        """One common area or item of equipment"""
        return read(views.item, equipment_id)

    @blp.arguments(ItemPatchSchema)
    @blp.response(200, ItemSchema)
    @blp.allow(MANAGERS, rows=("building_id",))
    def patch(self, changes: dict[str, Any], equipment_id: UUID) -> dict[str, Any]:
        """Change an item's particulars, or decommission it"""
        return use_cases.update_item(unit_of_work(), equipment_id, changes)
