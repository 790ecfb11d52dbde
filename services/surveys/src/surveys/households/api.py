"""The households HTTP API: what surveys' copy of owners holds, as waves see it."""

from __future__ import annotations

from datetime import date

from flask.views import MethodView
from tenancy.roles import STAFF

from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import read
from surveys.access import blueprint
from surveys.households import views
from surveys.households.schemas import BuildingCountArgs, BuildingCountSchema, HouseholdArgs, HouseholdSchema

blp = blueprint("households", __name__, url_prefix="/api/v1",
                description="The occupied households of surveys' copy of owners: what a wave samples")


@blp.route("/households")
class Households(MethodView):
    @blp.arguments(HouseholdArgs, location="query")
    @blp.response(200, page_schema(HouseholdSchema))
    @blp.allow(STAFF, estates=("estate_id",))
    def get(self, args):
        """An estate's occupied households, by building and unit"""
        return read(views.estate_households, current_principal(), args)


@blp.route("/estates/<uuid:estate_id>/buildings")
class Buildings(MethodView):
    @blp.arguments(BuildingCountArgs, location="query")
    @blp.response(200, BuildingCountSchema(many=True))
    @blp.allow(STAFF)
    def get(self, args, estate_id):
        """Per building of an estate: its units and occupied households"""
        return read(views.building_counts, estate_id, args.get("on") or date.today())
