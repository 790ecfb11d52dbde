"""The service commitments (服务承诺, GW-3): what an estate promises its owners, readable by them.

``GET /api/v1/commitments?estate_id=`` answers the estate's name, the response, arrival and
resolution times its service levels set for the cases an owner reports, and its active catalogue
with prices (never the company's cost or margin), to staff and to the estate's owners (another
estate's is 404). ``GET /api/v1/commitments/places`` answers an owner the units they live in, with
their estates' names: where they may report.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import OWNER, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.web import current_principal
from servicekit.webapp import read
from tickets.access import SCOPE
from tickets.commitments import schemas, views

blp = ScopedBlueprint("commitments", __name__, scope=SCOPE, url_prefix="/api/v1/commitments",
                      description="An estate's published service commitments (服务承诺), as owners read them")


@blp.route("", methods=["GET"])
@blp.arguments(schemas.CommitmentsArgs(), location="query")
@blp.response(200, schemas.CommitmentsSchema)
@blp.allow(STAFF | {OWNER}, estates=("estate_id",))
def estate_commitments(args: dict[str, Any]) -> Any:
    """The estate's service levels for the cases owners report, and its catalogue with prices"""
    return read(views.commitments, current_principal(), args["estate_id"])


@blp.route("/places", methods=["GET"])
@blp.response(200, schemas.PlacesSchema)
@blp.allow({OWNER})
def owners_places() -> Any:
    """The units the calling owner lives in today, with their estates' names (where they may report)"""
    try:
        person_id: UUID | None = UUID(current_principal().subject)
    except ValueError:
        person_id = None
    return {"units": read(views.places, person_id)}
