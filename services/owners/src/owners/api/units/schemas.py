from marshmallow import Schema, fields, validate

from owners.domain.places import LOWEST_FLOOR, UNIT_NUMBER

_NUMBER = validate.Regexp(UNIT_NUMBER, error="letters and digits in up to four parts joined by '-', e.g. 2-1202")
_FLOOR = validate.Range(min=LOWEST_FLOOR, max=200)
_AREA = validate.Range(min=0, min_inclusive=False, max=100_000)


class UnitSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(dump_only=True)
    building_id = fields.UUID(dump_only=True)
    number = fields.String(required=True, validate=_NUMBER, metadata={"example": "2-1202"})
    floor = fields.Integer(load_default=None, allow_none=True, validate=_FLOOR, metadata={"example": 12})
    area_m2 = fields.Decimal(places=2, as_string=True, load_default=None, allow_none=True, validate=_AREA,
                             metadata={"example": "89.50", "description": "Floor area in square metres"})
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class UnitPatchSchema(Schema):
    number = fields.String(validate=_NUMBER)
    floor = fields.Integer(allow_none=True, validate=_FLOOR)
    area_m2 = fields.Decimal(places=2, as_string=True, allow_none=True, validate=_AREA)
