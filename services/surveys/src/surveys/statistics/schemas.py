"""The statistics API's schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.spreadsheet import FORMATS
from surveys.waves.schemas import WaveSchema


class StatisticsArgs(Schema):
    format = fields.String(load_default=None, validate=validate.OneOf(tuple(FORMATS)), metadata={
        "description": "json (the default), csv or xlsx; else the Accept header decides"})


class FiguresSchema(Schema):
    answers = fields.Integer(metadata={"description": "how many scores"})
    mean = fields.String(allow_none=True, metadata={"description": "an exact decimal written as text, to two places"})
    spread = fields.String(allow_none=True,
                            metadata={"description": "the standard deviation, to two places"})


class ElementSchema(FiguresSchema):
    element = fields.String(metadata={"description": "one of the nine elements"})


class BuildingSchema(FiguresSchema):
    building_id = fields.UUID()
    building_name = fields.String(allow_none=True)
    elements = fields.List(fields.Nested(ElementSchema))


class BelowSchema(Schema):
    building_id = fields.UUID()
    building_name = fields.String(allow_none=True)
    below_by = fields.String(metadata={"description": "how far below the estate's mean"})


class TrendSchema(Schema):
    wave_id = fields.UUID()
    period = fields.String()
    elements = fields.List(fields.Nested(ElementSchema))


class StatisticsSchema(Schema):
    wave_id = fields.UUID()
    estate_id = fields.UUID()
    period = fields.String()
    invited = fields.Integer()
    answered = fields.Integer(metadata={"description": "invitations answered (by the link, or entered by staff)"})
    response_rate = fields.String(allow_none=True, metadata={
        "description": "answered / invited, an exact decimal written as text"})
    answers_by_channel = fields.Dict(keys=fields.String(), values=fields.Integer())
    overall = fields.Nested(FiguresSchema, metadata={"description": "every element's scores together"})
    elements = fields.List(fields.Nested(ElementSchema))
    buildings = fields.List(fields.Nested(BuildingSchema))
    weakest = fields.List(fields.String(), metadata={"description": "the elements of the lowest mean"})
    below_estate_mean = fields.List(fields.Nested(BelowSchema))
    trend = fields.List(fields.Nested(TrendSchema), metadata={"description": "the estate's earlier waves"})


class LatestArgs(Schema):
    estate_id = fields.UUID(required=True, metadata={"description": "the estate whose latest wave"})


class LatestStatisticsSchema(Schema):
    wave = fields.Nested(WaveSchema, allow_none=True, metadata={
        "description": "the estate's latest wave, as the list of its waves shows it first (null before any)"})
    statistics = fields.Nested(StatisticsSchema, allow_none=True, metadata={
        "description": "its statistics, as GET /api/v1/waves/{wave_id}/statistics answers them (null before any)"})
