"""The households API's schemas."""

from __future__ import annotations

from marshmallow import Schema, fields

from servicekit.paging import PageArgs


class HouseholdArgs(PageArgs):
    estate_id = fields.UUID(required=True, metadata={"description": "the estate whose households to list"})
    building_id = fields.UUID(metadata={"description": "only this building's"})
    on = fields.Date(metadata={"description": "occupied on this day (default: today)"})


class HouseholdSchema(Schema):
    unit_id = fields.UUID(metadata={"description": "the household's unit"})
    estate_id = fields.UUID()
    building_id = fields.UUID()
    building_name = fields.String()
    number = fields.String(metadata={"description": "the unit's number, e.g. 2-1202"})
    occupants = fields.Integer(metadata={"description": "its occupants not moved out"})


class BuildingCountArgs(Schema):
    on = fields.Date(metadata={"description": "occupied on this day (default: today)"})


class BuildingCountSchema(Schema):
    building_id = fields.UUID()
    code = fields.String()
    name = fields.String()
    units = fields.Integer(metadata={"description": "the building's units in surveys' copy"})
    occupied = fields.Integer(metadata={"description": "its occupied households: what a wave samples"})
