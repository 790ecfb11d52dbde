"""Request and response schemas of the diary's API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.paging import PageArgs
from tickets.calls.schemas import instant, link
from tickets.domain.diary import KINDS, STATES


class EntryListArgs(PageArgs):
    estate_id = fields.UUID()
    staff_id = fields.UUID()
    team = fields.String(validate=validate.Length(min=1, max=40))
    kind = fields.String(validate=validate.OneOf(KINDS))
    state = fields.String(validate=validate.OneOf(STATES))
    ticket_id = fields.UUID()
    since = instant(metadata={"description": "Entries ending after"})
    until = instant(metadata={"description": "Entries starting before"})


class NewEntrySchema(Schema):
    estate_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    notes = fields.String(load_default="", validate=validate.Length(max=5000))
    location = fields.String(load_default="", validate=validate.Length(max=200))
    staff_id = link("Whose diary; empty: the team's")
    team = fields.String(allow_none=True, load_default=None, validate=validate.Length(min=1, max=40),
                         metadata={"description": "The team it is for, e.g. technician"})
    starts_at = instant(allow_none=True, load_default=None, metadata={"description": "Timed kinds and tasks"})
    ends_at = instant(allow_none=True, load_default=None)
    unit_id = link("The unit visited")
    person_id = link("The owner visited or to be called (told the window of an appointment)")
    ticket_id = link("The ticket it is for")


class ConflictSchema(Schema):
    reason = fields.String(metadata={"description": "double_booked or off_shift"})
    by = fields.String(metadata={"description": "Off shift by the person's duty roster (roster) or, when they have "
                                                "none, by the estate's business calendar (calendar)"})
    entry_id = fields.String(allow_none=True)
    title = fields.String()
    starts_at = fields.String()
    ends_at = fields.String()


class EntrySchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    kind = fields.String()
    title = fields.String()
    notes = fields.String()
    location = fields.String()
    staff_id = fields.UUID(allow_none=True)
    team = fields.String(allow_none=True)
    starts_at = fields.DateTime(allow_none=True)
    ends_at = fields.DateTime(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    person_id = fields.UUID(allow_none=True)
    ticket_id = fields.UUID(allow_none=True)
    callback_id = fields.UUID(dump_only=True, allow_none=True, metadata={
        "description": "A callback's planned call: it follows the callback (handed over, done, cancelled)"})
    state = fields.String()
    conflicts = fields.List(fields.Nested(ConflictSchema), metadata={
        "description": "What it clashed with when booked (a warning; refused instead when so configured)"})
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    version = fields.Integer()


class StateSchema(Schema):
    state = fields.String(required=True, validate=validate.OneOf(("done", "cancelled")))


class VisitSchema(Schema):
    ticket_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    starts_at = instant(required=True, metadata={"description": "The visit window's start"})
    ends_at = instant(required=True, metadata={"description": "... and its end"})
    notes = fields.String(load_default="", validate=validate.Length(max=5000))


class CalendarArgs(Schema):
    since = instant()
    until = instant()
