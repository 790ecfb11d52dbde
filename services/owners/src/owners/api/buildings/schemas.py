from marshmallow import Schema, fields, validate

from owners.domain.places import BUILDING_CODE

_CODE = validate.Regexp(BUILDING_CODE, error="letters, digits, '-' and '_', at most 32")


class BuildingSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(dump_only=True)
    code = fields.String(required=True, validate=_CODE, metadata={"example": "2"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={"example": "2栋"})
    floors = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=200))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class BuildingPatchSchema(Schema):
    code = fields.String(validate=_CODE)
    name = fields.String(validate=validate.Length(min=1, max=100))
    floors = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=200))
