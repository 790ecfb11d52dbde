"""Occupancy: people moving into and out of units (入住, 迁出); a unit may have several occupants."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from owners.adapters.tables import occupancies, people, units
from owners.api.access import DESK, STAFF_ROLES, get_in_scope, require
from owners.api.common import page_of, page_schema, unit_of_work
from owners.api.occupancy.schemas import (
    MoveInSchema,
    MoveOutSchema,
    OccupancySchema,
    OccupantListArgs,
    OccupantSchema,
)
from owners.service_layer import occupancy as use_cases
from servicekit.auth import scoped

blp = Blueprint("occupancy", __name__, url_prefix="/api/v1", description="Moving in and out (入住与迁出)")

_STATUS = {"current": occupancies.c.moved_out_on.is_(None), "past": occupancies.c.moved_out_on.is_not(None)}


@blp.route("/units/<uuid:unit_id>/occupants")
class UnitOccupants(MethodView):
    @blp.arguments(OccupantListArgs, location="query")
    @blp.response(200, page_schema(OccupantSchema))
    def get(self, args: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """A unit's occupants, current and past (filter with status), latest move-in first"""
        principal = require(STAFF_ROLES)
        with unit_of_work() as uow:
            get_in_scope(uow, units, unit_id, principal, "unit")
            statement = (select(occupancies, people.c.name.label("person_name"))
                         .join(people, people.c.id == occupancies.c.person_id)
                         .where(occupancies.c.unit_id == unit_id)
                         .order_by(occupancies.c.moved_in_on.desc(), occupancies.c.id))
            if args["status"] in _STATUS:
                statement = statement.where(_STATUS[args["status"]])
            return page_of(uow, scoped(statement, occupancies.c.estate_id, principal), args)

    @blp.arguments(MoveInSchema)
    @blp.response(201, OccupancySchema)
    def post(self, data: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """Move a person of the same estate into the unit"""
        principal = require(DESK)
        with unit_of_work() as uow:
            get_in_scope(uow, units, unit_id, principal, "unit")
            return use_cases.move_in(uow, unit_id, **data)


@blp.route("/occupancies/<uuid:occupancy_id>")
class Occupancy(MethodView):
    @blp.response(200, OccupancySchema)
    def get(self, occupancy_id: UUID) -> Any:
        """One occupancy"""
        principal = require(STAFF_ROLES)
        with unit_of_work() as uow:
            return get_in_scope(uow, occupancies, occupancy_id, principal, "occupancy")


@blp.route("/occupancies/<uuid:occupancy_id>/move-out")
class MoveOut(MethodView):
    @blp.arguments(MoveOutSchema)
    @blp.response(200, OccupancySchema)
    def post(self, data: dict[str, Any], occupancy_id: UUID) -> dict[str, Any]:
        """Record a move-out (once; not before the move-in); the person stops being a contact of the unit"""
        principal = require(DESK)
        with unit_of_work() as uow:
            get_in_scope(uow, occupancies, occupancy_id, principal, "occupancy")
            return use_cases.move_out(uow, occupancy_id, data["moved_out_on"])
