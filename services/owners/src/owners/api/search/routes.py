"""Searching people (业主 and occupants) by name, phone or unit: the desk's first move on every call."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from owners.api.access import STAFF_ROLES, require, require_estate
from owners.api.common import page_schema, unit_of_work
from owners.api.search.schemas import PeopleSearchArgs, PersonHitSchema
from owners.service_layer.search import Scope, search_people

blp = Blueprint("people_search", __name__, url_prefix="/api/v1/people", description="Search people (业主查询)")


@blp.route("")
class PeopleSearch(MethodView):
    @blp.arguments(PeopleSearchArgs, location="query")
    @blp.response(200, page_schema(PersonHitSchema))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search people across the caller's estates by name prefix, mobile (full or last four) or unit"""
        principal = require(STAFF_ROLES)
        if args.get("estate_id") is not None:
            require_estate(principal, args["estate_id"])
        return search_people(unit_of_work(), args["criteria"], Scope(principal, args.get("estate_id")),
                             page=args["page"], page_size=args["page_size"])
