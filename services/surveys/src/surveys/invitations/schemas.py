"""The invitations API's schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.paging import PageArgs


class InvitationArgs(PageArgs):
    state = fields.String(validate=validate.OneOf(("sent", "started", "answered")))


class InvitationSchema(Schema):
    id = fields.UUID()
    unit_id = fields.UUID(allow_none=True)
    number = fields.String(allow_none=True, metadata={"description": "the unit's number"})
    person_id = fields.UUID()
    person_name = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "sent, started (part saved) or answered"})
    sent_at = fields.DateTime()
    reminders = fields.Integer()
    answered_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime()


class RemindedSchema(Schema):
    wave_id = fields.UUID()
    reminded = fields.Integer(metadata={"description": "how many were reminded (a new link each)"})
