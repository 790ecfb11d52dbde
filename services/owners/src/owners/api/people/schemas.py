from marshmallow import Schema, fields, validate

from owners.api.occupancy.schemas import MoveInFieldsSchema, OccupancySchema
from owners.domain.contacts import LANGUAGES, Channel, ContactKind
from owners.domain.people import MAX_CONTACT_POINTS

_CHANNEL = validate.OneOf([c.value for c in Channel])


class ContactPointSchema(Schema):
    id = fields.UUID(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ContactKind]))
    value = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "A mobile number is stored as 11 digits and shown masked (138****5678) unless revealed",
        "example": "13812345678"})
    label = fields.String(load_default="", validate=validate.Length(max=50), metadata={"example": "本人"})
    preferred = fields.Boolean(load_default=False, metadata={
        "description": "At most one; when none is marked, the first one is preferred"})


_POINTS = validate.Length(max=MAX_CONTACT_POINTS)


class PersonSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={"example": "张伟"})
    language = fields.String(load_default="zh-CN", validate=validate.OneOf(LANGUAGES))
    preferred_channel = fields.String(load_default=None, validate=_CHANNEL, metadata={
        "description": "sms, email, app or phone; it must be reachable with a contact point. Defaults to the "
                       "preferred contact point's channel, or app when there is none"})
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    contact_points = fields.List(fields.Nested(ContactPointSchema), load_default=list, validate=_POINTS)
    occupancy = fields.Nested(MoveInFieldsSchema, load_only=True, load_default=None, metadata={
        "description": "Optionally move the person into a unit of the estate in the same request"})
    occupancies = fields.List(fields.Nested(OccupancySchema), dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class PersonPatchSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    preferred_channel = fields.String(validate=_CHANNEL)
    note = fields.String(validate=validate.Length(max=2000))


class ContactPointsSchema(Schema):
    contact_points = fields.List(fields.Nested(ContactPointSchema), required=True, validate=_POINTS)
