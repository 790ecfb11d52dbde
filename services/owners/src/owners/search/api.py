"""The people search API (业主查询): ``GET /people`` by name, phone or unit across the caller's estates."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from tenancy.roles import STAFF

from owners.access import SCOPE
from owners.privacy import shown_hits
from owners.search import views
from owners.search.schemas import PeopleSearchArgs, PersonHitSchema
from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import read

blp = ScopedBlueprint("people_search", __name__, url_prefix="/api/v1/people", scope=SCOPE,
                      description="Search people (业主查询)")


@blp.route("")
class PeopleSearch(MethodView):
    @blp.arguments(PeopleSearchArgs, location="query")
    @blp.response(200, page_schema(PersonHitSchema))
    @blp.allow(STAFF, estates=("estate_id",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search people across the caller's estates by name prefix, mobile (full or last four) or unit"""
        scope = views.Scope(current_principal(), args.get("estate_id"))
        return shown_hits(read(views.search_people, args["criteria"], scope, page=args["page"],
                               page_size=args["page_size"]))
