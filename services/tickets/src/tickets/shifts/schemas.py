"""Request and response schemas of the shifts' API: handovers and the duty logbook."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.paging import PageArgs
from tickets.calls.schemas import instant

CATEGORIES = ("abnormal", "security", "facility", "visitor", "other")


class HandoverListArgs(PageArgs):
    estate_id = fields.UUID()
    staff_id = fields.UUID(metadata={"description": "Outgoing or incoming"})
    state = fields.String(validate=validate.OneOf(("written", "signed")))


class VisitorStillInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    unit_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "The unit visited"})
    since = instant(load_default=None, allow_none=True, metadata={"description": "When they came in"})
    visitor_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "Their entry in owners' visitor register (访客单), if registered there"})
    note = fields.String(load_default="", validate=validate.Length(max=200))


class NewHandoverSchema(Schema):
    estate_id = fields.UUID(required=True)
    desk = fields.String(load_default="", validate=validate.Length(max=100),
                         metadata={"description": "e.g. 客服中心前台"})
    outgoing_staff_id = fields.UUID(required=True)
    incoming_staff_id = fields.UUID(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=5000))
    notes = fields.List(fields.String(validate=validate.Length(min=1, max=500)), load_default=list,
                        validate=validate.Length(max=50), metadata={
                            "description": "Open items beside the tickets, callbacks and visitors: a fault, a key "
                                           "lent"})
    visitors = fields.List(fields.Nested(VisitorStillInSchema), load_default=list, validate=validate.Length(max=100),
                           metadata={"description": "Visitors still in the estate at the change of shift"})


class HandoverSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    desk = fields.String()
    outgoing_staff_id = fields.UUID()
    incoming_staff_id = fields.UUID()
    note = fields.String()
    items = fields.List(fields.Dict(), metadata={
        "description": "The open items as written: kind ticket (id, number, title, stage), callback (id, due_at, "
                       "reason), visitor (name, unit_id, since, visitor_id, note) or note (text)"})
    state = fields.String(metadata={"description": "written or signed"})
    written_at = fields.DateTime()
    sign_by = fields.DateTime(metadata={"description": "Escalated when not signed by then"})
    signed_at = fields.DateTime(allow_none=True)
    escalated_at = fields.DateTime(allow_none=True)
    moved = fields.List(fields.Dict(), allow_none=True, metadata={
        "description": "What signing gave the incoming staff member (moved true) and what stayed, and why"})
    version = fields.Integer()


class SignSchema(Schema):
    staff_id = fields.UUID(required=True, metadata={"description": "The incoming staff member, who signs"})


class LogbookListArgs(PageArgs):
    estate_id = fields.UUID()
    staff_id = fields.UUID()
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    since = instant()
    until = instant()


class LogbookEntrySchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True, metadata={"description": "Who was on duty"})
    at = instant(load_default=None, metadata={"description": "When it happened; empty: now"})
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    created_by = fields.String(dump_only=True)


class RosterListArgs(PageArgs):
    estate_id = fields.UUID()
    staff_id = fields.UUID()
    since = instant(metadata={"description": "Shifts ending after this"})
    until = instant(metadata={"description": "Shifts starting before this"})


class ShiftSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True, metadata={"description": "Who works this shift"})
    starts_at = instant(required=True)
    ends_at = instant(required=True, metadata={"description": "After the start, within 24 hours"})
    label = fields.String(load_default="", validate=validate.Length(max=50),
                          metadata={"description": "e.g. 早班, 夜班"})
    created_by = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
