"""The rectification actions API's schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.paging import PageArgs

MAX_TEXT = 2000


class ActionArgs(PageArgs):
    estate_id = fields.UUID(metadata={"description": "only this estate's"})
    follow_up_id = fields.UUID(metadata={"description": "only this follow-up's"})
    forum_id = fields.UUID(metadata={"description": "only this forum's suggestions"})
    responsible_id = fields.UUID(metadata={"description": "only those this staff member answers for"})
    state = fields.String(validate=validate.OneOf(("open", "done", "verified")))
    overdue = fields.Boolean(metadata={"description": "true: only those still open past their due date, the "
                                                      "earliest due first"})


class NewActionSchema(Schema):
    follow_up_id = fields.UUID(required=True, metadata={"description": "a follow-up whose visit was recorded"})
    description = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))
    responsible_id = fields.UUID(required=True, metadata={"description": "an active staff member of the estate"})
    due_on = fields.Date(required=True, metadata={"description": "overdue after the end of this day, local time"})


class MoveSchema(Schema):
    note = fields.String(validate=validate.Length(max=MAX_TEXT), load_default=None)
    version = fields.Integer(metadata={"description": "the action's version as read: a 409 if it changed since"})


class ReopenSchema(MoveSchema):
    due_on = fields.Date(metadata={"description": "a new due date (else the old one)"})


class StepSchema(Schema):
    step = fields.String(metadata={"description": "opened | done | verified | reopened"})
    note = fields.String(allow_none=True)
    by = fields.String()
    at = fields.DateTime()


class ActionSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    follow_up_id = fields.UUID(allow_none=True)
    forum_id = fields.UUID(allow_none=True, metadata={"description": "or the forum whose suggestion it is"})
    description = fields.String()
    responsible_id = fields.UUID()
    responsible_name = fields.String(allow_none=True)
    due_on = fields.Date()
    due_at = fields.DateTime(metadata={"description": "the end of due_on in the estates' time"})
    state = fields.String(metadata={"description": "open | done | verified"})
    reopened = fields.Integer(metadata={"description": "how many times a check found it not done"})
    overdue_at = fields.DateTime(allow_none=True, metadata={"description": "when the timer told the responsible "
                                                                           "person it is overdue"})
    done_at = fields.DateTime(allow_none=True)
    verified_at = fields.DateTime(allow_none=True)
    verified_by = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    version = fields.Integer()
    steps = fields.List(fields.Nested(StepSchema))
