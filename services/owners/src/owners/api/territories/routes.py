"""Territories (地域): the estates and buildings each staff member covers; changes take effect at once."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import Select, select

from owners.adapters.tables import estates, staff, territories
from owners.api.access import MANAGERS, STAFF_ROLES, get_in_scope, require, require_estate
from owners.api.common import PageArgs, page_of, page_schema, unit_of_work
from owners.api.territories.schemas import ReassignSchema, TerritoryHolderSchema, TerritoryListArgs, TerritorySchema
from owners.service_layer import territories as use_cases
from servicekit.auth import scoped

blp = Blueprint("territories", __name__, url_prefix="/api/v1", description="Territories (地域) of staff")


def _holders() -> Select[Any]:
    return (select(territories, staff.c.name.label("staff_name"), staff.c.role.label("staff_role"))
            .join(staff, staff.c.id == territories.c.staff_id)
            .order_by(territories.c.building_id.is_not(None), territories.c.assigned_at, territories.c.id))


@blp.route("/staff/<uuid:staff_id>/territories")
class StaffTerritories(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(TerritorySchema))
    def get(self, args: dict[str, Any], staff_id: UUID) -> dict[str, Any]:
        """The territories a staff member covers (in the caller's estates)"""
        principal = require(STAFF_ROLES)
        with unit_of_work() as uow:
            get_in_scope(uow, staff, staff_id, principal, "staff member")
            statement = (select(territories).where(territories.c.staff_id == staff_id)
                         .order_by(territories.c.assigned_at))
            return page_of(uow, scoped(statement, territories.c.estate_id, principal), args)

    @blp.arguments(TerritorySchema)
    @blp.response(201, TerritorySchema)
    def post(self, data: dict[str, Any], staff_id: UUID) -> dict[str, Any]:
        """Assign an estate, or one building of it, to a staff member"""
        principal = require(MANAGERS)
        require_estate(principal, data["estate_id"])
        with unit_of_work() as uow:
            get_in_scope(uow, staff, staff_id, principal, "staff member")
            return use_cases.assign_territory(uow, staff_id, data["estate_id"], data["building_id"])


@blp.route("/territories/<uuid:territory_id>")
class Territory(MethodView):
    @blp.response(200, TerritorySchema)
    def get(self, territory_id: UUID) -> Any:
        """One territory"""
        principal = require(STAFF_ROLES)
        with unit_of_work() as uow:
            return get_in_scope(uow, territories, territory_id, principal, "territory")

    @blp.response(204)
    def delete(self, territory_id: UUID) -> None:
        """Release a territory: its staff member no longer covers it"""
        principal = require(MANAGERS)
        with unit_of_work() as uow:
            get_in_scope(uow, territories, territory_id, principal, "territory")
            use_cases.release_territory(uow, territory_id)


@blp.route("/territories/<uuid:territory_id>/reassign")
class Reassign(MethodView):
    @blp.arguments(ReassignSchema)
    @blp.response(201, TerritorySchema)
    def post(self, data: dict[str, Any], territory_id: UUID) -> dict[str, Any]:
        """Move a territory to another staff member at once (released and assigned in one transaction)"""
        principal = require(MANAGERS)
        with unit_of_work() as uow:
            get_in_scope(uow, territories, territory_id, principal, "territory")
            get_in_scope(uow, staff, data["staff_id"], principal, "staff member")
            return use_cases.reassign_territory(uow, territory_id, data["staff_id"])


@blp.route("/estates/<uuid:estate_id>/territories")
class EstateTerritories(MethodView):
    @blp.arguments(TerritoryListArgs, location="query")
    @blp.response(200, page_schema(TerritoryHolderSchema))
    def get(self, args: dict[str, Any], estate_id: UUID) -> dict[str, Any]:
        """Who covers what in an estate: whole-estate territories first"""
        principal = require(STAFF_ROLES)
        with unit_of_work() as uow:
            get_in_scope(uow, estates, estate_id, principal, "estate", estate_key="id")
            statement = _holders().where(territories.c.estate_id == estate_id)
            for name in ("building_id", "staff_id"):
                if name in args:
                    statement = statement.where(territories.c[name] == args[name])
            return page_of(uow, scoped(statement, territories.c.estate_id, principal), args)
