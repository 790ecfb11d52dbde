from marshmallow import Schema, fields, validate

from owners.api.fields import SquareMetres
from owners.domain.places import LOWEST_FLOOR, UNIT_NUMBER, UNIT_NUMBER_LENGTH

# The pattern alone would let 51 characters through; the column holds 32.
_NUMBER = [validate.Length(min=1, max=UNIT_NUMBER_LENGTH),
           validate.Regexp(UNIT_NUMBER, error="letters and digits in up to four parts joined by '-', e.g. 2-1202")]
_FLOOR = validate.Range(min=LOWEST_FLOOR, max=200)


class UnitSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(dump_only=True)
    building_id = fields.UUID(dump_only=True)
    number = fields.String(required=True, validate=_NUMBER, metadata={"example": "2-1202"})
    floor = fields.Integer(load_default=None, allow_none=True, validate=_FLOOR, metadata={"example": 12})
    area_m2 = SquareMetres(load_default=None, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class UnitPatchSchema(Schema):
    number = fields.String(validate=_NUMBER)
    floor = fields.Integer(allow_none=True, validate=_FLOOR)
    area_m2 = SquareMetres(allow_none=True)
