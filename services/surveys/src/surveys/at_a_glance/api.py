"""An estate's surveys at a glance (the estate dashboard's part from surveys, GW-2): its latest wave with
its statistics and its follow-up work, in one call, so the dashboard asks surveys once."""

from __future__ import annotations

from typing import Any

from tenancy.roles import STAFF

from servicekit.rows import now
from servicekit.webapp import read
from surveys.access import blueprint
from surveys.at_a_glance import views
from surveys.at_a_glance.schemas import SurveysAtAGlanceSchema
from surveys.follow_ups.schemas import AtAGlanceArgs

blp = blueprint("at_a_glance", __name__, url_prefix="/api/v1/at-a-glance",
                description="An estate's surveys at a glance: the latest wave's satisfaction and the follow-up work")


@blp.route("", methods=["GET"])
@blp.arguments(AtAGlanceArgs(), location="query")
@blp.response(200, SurveysAtAGlanceSchema())
@blp.allow(STAFF, rows=("estate_id",))
def surveys_at_a_glance(args: dict[str, Any]) -> Any:
    """An estate's surveys now, in one call (the estate dashboard's part): its latest wave with its
    statistics (as GET /api/v1/waves/latest/statistics answers them: both null before its first wave),
    and its follow-up work (as GET /api/v1/follow-ups/at-a-glance answers it)"""
    return read(views.at_a_glance, args["estate_id"], now())
