"""The territories API (地域): which estates and buildings each staff member covers."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.roles import MANAGERS, STAFF

from owners.access import SCOPE
from owners.territories import use_cases, views
from owners.territories.schemas import ReassignSchema, TerritoryHolderSchema, TerritoryListArgs, TerritorySchema
from servicekit.access import ScopedBlueprint
from servicekit.paging import PageArgs, page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = ScopedBlueprint("territories", __name__, url_prefix="/api/v1", scope=SCOPE,
                      description="Territories (地域) of staff")


@blp.route("/staff/<uuid:staff_id>/territories")
class StaffTerritories(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(TerritorySchema))
    @blp.allow(STAFF)
    def get(self, args: dict[str, Any], staff_id: UUID) -> dict[str, Any]:
        """The territories a staff member covers (in the caller's estates)"""
        return read(views.staff_territories, current_principal(), staff_id, args)

    @blp.arguments(TerritorySchema)
    @blp.response(201, TerritorySchema)
    @blp.allow(MANAGERS, estates=("estate_id",))
    def post(self, data: dict[str, Any], staff_id: UUID) -> dict[str, Any]:
        """Assign an estate, or one building of it, to a staff member"""
        return use_cases.assign_territory(unit_of_work(), staff_id, data["estate_id"], data["building_id"])


@blp.route("/territories/<uuid:territory_id>")
class Territory(MethodView):
    @blp.response(200, TerritorySchema)
    @blp.allow(STAFF)
    def get(self, territory_id: UUID) -> dict[str, Any]:
        """One territory"""
        return read(views.territory, territory_id)

    @blp.response(204)
    @blp.allow(MANAGERS)
    def delete(self, territory_id: UUID) -> None:
        """Release a territory: its staff member no longer covers it"""
        use_cases.release_territory(unit_of_work(), territory_id)


@blp.route("/territories/<uuid:territory_id>/reassign")
class Reassign(MethodView):
    @blp.arguments(ReassignSchema)
    @blp.response(201, TerritorySchema)
    @blp.allow(MANAGERS, rows=("staff_id",))
    def post(self, data: dict[str, Any], territory_id: UUID) -> dict[str, Any]:
        """Move a territory to another staff member at once (released and assigned in one transaction)"""
        return use_cases.reassign_territory(unit_of_work(), territory_id, data["staff_id"])


@blp.route("/estates/<uuid:estate_id>/territories")
class EstateTerritories(MethodView):
    @blp.arguments(TerritoryListArgs, location="query")
    @blp.response(200, page_schema(TerritoryHolderSchema))
    @blp.allow(STAFF)
    def get(self, args: dict[str, Any], estate_id: UUID) -> dict[str, Any]:
        """Who covers what in an estate: whole-estate territories first"""
        return read(views.estate_territories, current_principal(), estate_id, args)
