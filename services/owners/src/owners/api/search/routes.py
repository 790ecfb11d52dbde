"""Searching people (业主 and occupants) by name, phone or unit: the desk's first move on every call."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from tenancy.roles import STAFF

from owners.api.access import blueprint
from owners.api.privacy import shown_hits
from owners.api.search.schemas import PeopleSearchArgs, PersonHitSchema
from owners.service_layer.search import Scope, search_people
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import unit_of_work

blp = blueprint("people_search", __name__, url_prefix="/api/v1/people", description="Search people (业主查询)")


@blp.route("")
class PeopleSearch(MethodView):
    @blp.arguments(PeopleSearchArgs, location="query")
    @blp.response(200, page_schema(PersonHitSchema))
    @blp.allow(STAFF, estates=("estate_id",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search people across the caller's estates by name prefix, mobile (full or last four) or unit"""
        scope = Scope(current_principal(), args.get("estate_id"))
        return shown_hits(search_people(unit_of_work(), args["criteria"], scope, page=args["page"],
                                        page_size=args["page_size"]))
