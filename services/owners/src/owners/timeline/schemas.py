"""The timeline API's schemas: an entry as shown, and the list's filters."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from owners.domain.timeline import KINDS
from servicekit.paging import PageArgs, page_schema

SOURCES = ("tickets", "notify", "surveys")


class TimelineEntrySchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    person_id = fields.UUID(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    kind = fields.String(metadata={"enum": list(KINDS), "example": "ticket.resolved"})
    occurred_at = fields.AwareDateTime()
    source = fields.String(metadata={"enum": list(SOURCES)})
    record_id = fields.UUID(metadata={"description": "The ticket, call, notice, invitation ... the entry is about"})
    reference = fields.String(allow_none=True, metadata={
        "description": "What people call the record: a ticket's number, a notice's title, a survey's period"})
    link = fields.String(allow_none=True, metadata={
        "description": "Where the record is read at the front door", "example": "/tickets/api/v1/tickets/{id}"})
    summary = fields.String(metadata={"description": "What happened, in the caller's language (Accept-Language)"})
    details = fields.Dict()


TimelinePageSchema = page_schema(TimelineEntrySchema)


class TimelineArgs(PageArgs):
    kind = fields.List(fields.String(validate=validate.OneOf(KINDS)), metadata={
        "description": "Only these kinds (repeat the parameter for several)"})
    source = fields.List(fields.String(validate=validate.OneOf(SOURCES)))
    since = fields.AwareDateTime(metadata={"description": "From this time (inclusive)"})
    until = fields.AwareDateTime(metadata={"description": "Before this time"})

    @validates_schema
    def _period(self, data: dict, **_: object) -> None:
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            raise ValidationError("comes after since", "until")
