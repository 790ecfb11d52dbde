"""The schemas of the places API: estates, buildings and units, as registered and as changed."""

from marshmallow import Schema, fields, validate

from owners.domain.places import BUILDING_CODE, LOWEST_FLOOR, UNIT_NUMBER, UNIT_NUMBER_LENGTH
from owners.fields import SquareMetres

_ESTATE_CODE = validate.Regexp(r"^[A-Za-z0-9_-]{1,32}$")
_BUILDING_CODE = validate.Regexp(BUILDING_CODE, error="letters, digits, '-' and '_', at most 32")
_FLOORS = validate.Range(min=1, max=200)
# The pattern alone would let 51 characters through; the column holds 32.
_UNIT_NUMBER = [validate.Length(min=1, max=UNIT_NUMBER_LENGTH),
                validate.Regexp(UNIT_NUMBER, error="letters and digits in up to four parts joined by '-', e.g. 2-1202")]
_FLOOR = validate.Range(min=LOWEST_FLOOR, max=200)


class EstateSchema(Schema):
    id = fields.UUID(dump_only=True)
    code = fields.String(required=True, validate=_ESTATE_CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    city = fields.String(load_default="", validate=validate.Length(max=50))
    address = fields.String(load_default="", validate=validate.Length(max=200))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class EstatePatchSchema(Schema):
    code = fields.String(validate=_ESTATE_CODE)
    name = fields.String(validate=validate.Length(min=1, max=100))
    city = fields.String(validate=validate.Length(max=50))
    address = fields.String(validate=validate.Length(max=200))


class BuildingSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(dump_only=True)
    code = fields.String(required=True, validate=_BUILDING_CODE, metadata={"example": "2"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={"example": "2栋"})
    floors = fields.Integer(load_default=None, allow_none=True, validate=_FLOORS)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class BuildingPatchSchema(Schema):
    code = fields.String(validate=_BUILDING_CODE)
    name = fields.String(validate=validate.Length(min=1, max=100))
    floors = fields.Integer(allow_none=True, validate=_FLOORS)


class UnitSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(dump_only=True)
    building_id = fields.UUID(dump_only=True)
    number = fields.String(required=True, validate=_UNIT_NUMBER, metadata={"example": "2-1202"})
    floor = fields.Integer(load_default=None, allow_none=True, validate=_FLOOR, metadata={"example": 12})
    area_m2 = SquareMetres(load_default=None, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class UnitPatchSchema(Schema):
    number = fields.String(validate=_UNIT_NUMBER)
    floor = fields.Integer(allow_none=True, validate=_FLOOR)
    area_m2 = SquareMetres(allow_none=True)
