"""The occupancy API: people moving into and out of units (入住, 迁出)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from tenancy.roles import DESK, STAFF

from owners.access import SCOPE
from owners.occupancy import use_cases, views
from owners.occupancy.schemas import (
    MoveInSchema,
    MoveOutSchema,
    OccupancySchema,
    OccupantListArgs,
    OccupantSchema,
)
from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = ScopedBlueprint("occupancy", __name__, url_prefix="/api/v1", scope=SCOPE,
                      description="Moving in and out (入住与迁出)")


@blp.route("/units/<uuid:unit_id>/occupants")
class UnitOccupants(MethodView):
    @blp.arguments(OccupantListArgs, location="query")
    @blp.response(200, page_schema(OccupantSchema))
    @blp.allow(STAFF)
    def get(self, args: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """A unit's occupants, current and past (filter with status), latest move-in first"""
        return read(views.unit_occupants, current_principal(), unit_id, args)

    @blp.arguments(MoveInSchema)
    @blp.response(201, OccupancySchema)
    @blp.allow(DESK)
    def post(self, data: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """Move a person of the same estate into the unit"""
        return use_cases.move_in(unit_of_work(), unit_id, **data)


@blp.route("/occupancies/<uuid:occupancy_id>")
class Occupancy(MethodView):
    @blp.response(200, OccupancySchema)
    @blp.allow(STAFF)
    def get(self, occupancy_id: UUID) -> dict[str, Any]:
        """One occupancy"""
        return read(views.occupancy, occupancy_id)


@blp.route("/occupancies/<uuid:occupancy_id>/move-out")
class MoveOut(MethodView):
    @blp.arguments(MoveOutSchema)
    @blp.response(200, OccupancySchema)
    @blp.allow(DESK)
    def post(self, data: dict[str, Any], occupancy_id: UUID) -> dict[str, Any]:
        """Record a move-out (once; not before the move-in); the person stops being a contact of the unit"""
        return use_cases.move_out(unit_of_work(), occupancy_id, data["moved_out_on"])
