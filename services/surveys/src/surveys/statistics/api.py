"""A wave's statistics (统计分析, SRV-3) as JSON, CSV or XLSX (``?format=`` or the Accept header)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import STAFF

from servicekit.web import asked_format, file_answer
from servicekit.webapp import read
from surveys.access import blueprint
from surveys.statistics import sheets, views
from surveys.statistics.schemas import (
    FORMATS,
    LatestArgs,
    LatestStatisticsSchema,
    StatisticsArgs,
    StatisticsSchema,
)

blp = blueprint("statistics", __name__, url_prefix="/api/v1/waves",
                description="Statistics (统计分析) of a wave: response rate, scores by element and building, trend")


@blp.route("/latest/statistics", methods=["GET"])
@blp.arguments(LatestArgs(), location="query")
@blp.response(200, LatestStatisticsSchema())
@blp.allow(STAFF, estates=("estate_id",))
def latest_statistics(args: dict[str, Any]) -> Any:
    """An estate's latest wave with its statistics in one call (the estate dashboard's part): the wave the
    list of its waves shows first, and what its statistics answer; both null before the estate's first wave"""
    return read(views.latest_statistics, args["estate_id"])


@blp.route("/<uuid:wave_id>/statistics", methods=["GET"])
@blp.arguments(StatisticsArgs(), location="query")
@blp.response(200, StatisticsSchema())
@blp.doc(responses={"200": {"description": "The statistics as JSON, CSV or XLSX (with a chart)", "content": {
    FORMATS["json"]: {"schema": {"$ref": "#/components/schemas/Statistics"}},
    FORMATS["csv"]: {"schema": {"type": "string"}},
    FORMATS["xlsx"]: {"schema": {"type": "string", "format": "binary"}}}}})
@blp.allow(STAFF)
def wave_statistics(args: dict[str, Any], wave_id: UUID) -> Any:
    """A wave's response rate, each element's answers, mean and spread in the estate and per building,
    the weakest elements, the buildings below the estate's mean, and the trend"""
    stats = read(views.wave_statistics, wave_id)
    wanted = asked_format(args["format"], FORMATS)
    name = f"survey-{stats['period']}-{wave_id}"
    if wanted == "csv":
        return file_answer(sheets.statistics_csv(stats), FORMATS["csv"], f"{name}.csv")
    if wanted == "xlsx":
        return file_answer(sheets.statistics_xlsx(stats), FORMATS["xlsx"], f"{name}.xlsx")
    return stats

