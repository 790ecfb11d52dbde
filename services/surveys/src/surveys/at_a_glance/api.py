"""An estate's surveys at a glance (the estate dashboard's part from surveys, GW-2): its latest wave with
its statistics and its follow-up work, in one call, so the dashboard asks surveys once."""

from __future__ import annotations

from typing import Any

from tenancy.roles import STAFF

from servicekit.rows import now
from servicekit.webapp import read
from surveys.access import blueprint
from surveys.at_a_glance.schemas import SurveysAtAGlanceSchema
from surveys.follow_ups.schemas import AtAGlanceArgs
from surveys.follow_ups.views import at_a_glance as follow_up_work
from surveys.statistics.views import latest_statistics

blp = blueprint("at_a_glance", __name__, url_prefix="/api/v1/at-a-glance",
                description="An estate's surveys at a glance: the latest wave's satisfaction and the follow-up work")


def _at_a_glance(session, estate_id, at) -> dict[str, Any]:  # noqa: ANN001
    return {**follow_up_work(session, estate_id, at), **latest_statistics(session, estate_id)}


@blp.route("", methods=["GET"])
@blp.arguments(AtAGlanceArgs(), location="query")
@blp.response(200, SurveysAtAGlanceSchema())
@blp.allow(STAFF, rows=("estate_id",))
def surveys_at_a_glance(args: dict[str, Any]) -> Any:
    """An estate's surveys now, in one call (the estate dashboard's part): its latest wave with its
    statistics (as GET /api/v1/waves/latest/statistics answers them: both null before its first wave),
    and its follow-up work (as GET /api/v1/follow-ups/at-a-glance answers it)"""
    return read(_at_a_glance, args["estate_id"], now())
