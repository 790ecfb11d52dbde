"""The forums API's schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.paging import PageArgs
from surveys.actions.schemas import ActionSchema


class NewForumSchema(Schema):
    estate_id = fields.UUID(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    held_on = fields.Date(required=True)
    place = fields.String(validate=validate.Length(max=200), load_default=None)
    invite = fields.Integer(required=True, validate=validate.Range(min=1, max=200), metadata={
        "description": "how many households to invite: those never invited to a forum first, then those "
                       "invited longest ago"})


class InviteeSchema(Schema):
    unit_id = fields.UUID()
    number = fields.String(allow_none=True)
    attended = fields.Boolean()


class ForumSummarySchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    title = fields.String()
    held_on = fields.Date()
    place = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()


class ForumSchema(ForumSummarySchema):
    invitees = fields.List(fields.Nested(InviteeSchema))
    suggestions = fields.List(fields.Nested(ActionSchema), metadata={"description": "each a rectification action"})


class ForumArgs(PageArgs):
    estate_id = fields.UUID()


class AttendanceSchema(Schema):
    unit_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=200))


class SuggestionSchema(Schema):
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    responsible_id = fields.UUID(required=True, metadata={"description": "an active staff member of the estate"})
    due_on = fields.Date(required=True)

