"""Request and response schemas of the callbacks' API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.paging import PageArgs
from tickets.calls.schemas import NUMBER, instant, link

STATES = ("open", "done", "cancelled")


class CallbackListArgs(PageArgs):
    estate_id = fields.UUID()
    assignee_id = fields.UUID()
    call_id = fields.UUID()
    state = fields.String(validate=validate.OneOf(STATES))
    due_before = instant()


class NewCallbackSchema(Schema):
    estate_id = fields.UUID(required=True)
    number = fields.String(required=True, validate=NUMBER, metadata={"description": "The number to call back"})
    person_id = link("The person to call back")
    unit_id = link("Their unit")
    ticket_id = link("The ticket it is about")
    assignee_id = link("Who calls back; null: the supervisors are reminded")
    reason = fields.String(load_default="", validate=validate.Length(max=500))
    due_at = instant(required=True, metadata={"description": "When the caller was promised the call"})


class CallbackSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    call_id = fields.UUID(allow_none=True, metadata={"description": "The missed call it came from"})
    number = fields.String(metadata={"description": "Masked (138****5678) unless the caller may see it whole"})
    person_id = fields.UUID(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    ticket_id = fields.UUID(allow_none=True)
    assignee_id = fields.UUID(allow_none=True)
    reason = fields.String()
    state = fields.String(metadata={"description": "open, done or cancelled"})
    due_at = fields.DateTime()
    warn_at = fields.DateTime(metadata={"description": "When the assignee is reminded"})
    warned_at = fields.DateTime(allow_none=True)
    missed_at = fields.DateTime(allow_none=True, metadata={"description": "Escalated: still open when due"})
    done_at = fields.DateTime(allow_none=True)
    done_call_id = fields.UUID(allow_none=True)
    kept = fields.Boolean(allow_none=True, metadata={"description": "Done by its due time"})
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    version = fields.Integer()


class CallbackReassignSchema(Schema):
    assignee_id = fields.UUID(required=True)


class FinishSchema(Schema):
    state = fields.String(required=True, validate=validate.OneOf(("done", "cancelled")))
    call_id = link("The call that kept it")
    note = fields.String(load_default="", validate=validate.Length(max=500))
