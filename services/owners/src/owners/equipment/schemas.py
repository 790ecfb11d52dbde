"""The schemas of the register of common areas and equipment: an item as registered, changed and listed."""

from marshmallow import Schema, fields, validate

from owners.domain.equipment import IDENTIFIER, Kind
from owners.fields import CalendarDate
from servicekit.exact import JsonBoolean
from servicekit.paging import PageArgs

_KIND = validate.OneOf([k.value for k in Kind])
_IDENTIFIER = [validate.Length(min=1, max=60), validate.Regexp(IDENTIFIER, error="one line of text, at most 60")]
_NAME = validate.Length(min=1, max=100)
_TEXT = validate.Length(max=200)
_PARTY = validate.Length(max=100)


class ItemSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(required=True)
    building_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "The building it serves; null: the estate's (a gate, a car park)"})
    kind = fields.String(required=True, validate=_KIND, metadata={
        "description": "lift, pump, gate, access_control, lighting, car_park, fire_system, cctv, water_tank, "
                       "generator, hvac, garden, playground, other"})
    identifier = fields.String(required=True, validate=_IDENTIFIER, metadata={
        "example": "1栋-1号梯", "description": "What the site calls it; unique in the estate"})
    name = fields.String(required=True, validate=_NAME, metadata={"example": "1栋1号客梯"})
    location = fields.String(load_default="", validate=_TEXT, metadata={"example": "1栋一单元大堂"})
    installer = fields.String(load_default="", validate=_PARTY, metadata={"example": "某电梯安装公司"})
    maintenance_contractor = fields.String(load_default="", validate=_PARTY, metadata={"example": "某电梯维保公司"})
    installed_on = CalendarDate(load_default=None, allow_none=True)
    active = fields.Boolean(dump_only=True, metadata={"description": "false: decommissioned"})
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ItemPatchSchema(Schema):
    building_id = fields.UUID(allow_none=True)
    kind = fields.String(validate=_KIND)
    identifier = fields.String(validate=_IDENTIFIER)
    name = fields.String(validate=_NAME)
    location = fields.String(validate=_TEXT)
    installer = fields.String(validate=_PARTY)
    maintenance_contractor = fields.String(validate=_PARTY)
    installed_on = CalendarDate(allow_none=True)
    active = JsonBoolean(metadata={"description": "false: decommissioned (tickets name it no more)"})


class ItemListArgs(PageArgs):
    estate_id = fields.UUID()
    building_id = fields.UUID()
    kind = fields.String(validate=_KIND)
    identifier = fields.String(validate=validate.Length(min=1, max=60), metadata={"description": "Its beginning"})
    active = fields.Boolean()
