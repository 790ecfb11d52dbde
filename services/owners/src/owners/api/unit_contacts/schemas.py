from marshmallow import Schema, fields, validate

from owners.domain.unit_contacts import MAX_CONTACTS


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
