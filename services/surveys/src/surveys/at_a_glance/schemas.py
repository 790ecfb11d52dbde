"""The schema of an estate's surveys at a glance: the follow-up work's and the latest wave's fields."""

from __future__ import annotations

from surveys.follow_ups.schemas import AtAGlanceSchema
from surveys.statistics.schemas import LatestStatisticsSchema


class SurveysAtAGlanceSchema(AtAGlanceSchema, LatestStatisticsSchema):
    pass
