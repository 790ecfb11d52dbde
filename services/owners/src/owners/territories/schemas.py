"""The schemas of the territories API: a territory, who holds it, and a reassignment."""

from marshmallow import Schema, fields

from servicekit.paging import PageArgs


class TerritorySchema(Schema):
    id = fields.UUID(dump_only=True)
    staff_id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(required=True)
    building_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "One building of the estate; empty for the whole estate"})
    assigned_at = fields.DateTime(dump_only=True)


class TerritoryHolderSchema(TerritorySchema):
    """A territory with the name and role of the member who holds it."""

    staff_name = fields.String(dump_only=True)
    staff_role = fields.String(dump_only=True)


class ReassignSchema(Schema):
    staff_id = fields.UUID(required=True, metadata={"description": "The member who takes the territory over"})


class TerritoryListArgs(PageArgs):
    building_id = fields.UUID()
    staff_id = fields.UUID()
