"""The schemas of the people API: a person with contact points, the changes to one, a unit's contact
persons, and the ask to see their numbers in full."""

from marshmallow import Schema, fields, validate

from owners.domain.contacts import LANGUAGES, Channel, ContactKind
from owners.domain.people import MAX_CONTACT_POINTS
from owners.domain.unit_contacts import MAX_CONTACTS
from owners.occupancy.schemas import MoveInFieldsSchema, OccupancySchema
from owners.timeline.schemas import TimelineEntrySchema
from servicekit.paging import MAX_PAGE_SIZE

_CHANNEL = validate.OneOf([c.value for c in Channel])
_POINTS = validate.Length(max=MAX_CONTACT_POINTS)


class ContactPointSchema(Schema):
    id = fields.UUID(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ContactKind]))
    value = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "A mobile number is stored as 11 digits and shown masked (138****5678) unless revealed",
        "example": "13812345678"})
    label = fields.String(load_default="", validate=validate.Length(max=50), metadata={"example": "本人"})
    preferred = fields.Boolean(load_default=False, metadata={
        "description": "At most one; when none is marked, the first one is preferred"})


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
    timeline = fields.List(fields.Nested(TimelineEntrySchema), dump_only=True, metadata={
        "description": "Only when asked for with ?timeline=N: the person's latest N timeline entries, newest "
                       "first, as GET /people/{id}/timeline?page_size=N gives them"})


class PersonPatchSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    preferred_channel = fields.String(validate=_CHANNEL)
    note = fields.String(validate=validate.Length(max=2000))


class ContactPointsSchema(Schema):
    contact_points = fields.List(fields.Nested(ContactPointSchema), required=True, validate=_POINTS)


class RevealArgs(Schema):
    reveal = fields.Boolean(load_default=False, metadata={
        "description": "Show full phone numbers; needs the pii:reveal permission, and each reveal is audited."})


class PersonArgs(RevealArgs):
    timeline = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_PAGE_SIZE), metadata={
        "description": "Also give the person's latest N timeline entries as `timeline` (0: none): the person "
                       "and what has happened with them in one call, as the gateway's overview asks"})


class UnitContactsChangeSchema(Schema):
    person_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(max=MAX_CONTACTS), metadata={
        "description": "Whom to call first, second, ...: each a current occupant or owner of the unit"})


class UnitContactSchema(Schema):
    position = fields.Integer(metadata={"description": "1 is called first"})
    person_id = fields.UUID()
    name = fields.String()
    preferred_channel = fields.String()
    kind = fields.String(allow_none=True, metadata={"description": "Kind of the person's preferred contact point"})
    value = fields.String(allow_none=True, metadata={"description": "Its value; phone numbers masked unless revealed"})


class UnitContactsSchema(Schema):
    unit_id = fields.UUID()
    contacts = fields.List(fields.Nested(UnitContactSchema))
