"""The answers API's schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.paging import PageArgs
from surveys.domain.answers import STAFF_CHANNELS

ITEMS = ("what was answered, by question code: {score, comment} for a scale question, {choice} for a "
         "choice question, {text} for a text question")


class ItemsSchema(Schema):
    items = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=40)), values=fields.Dict(),
                        required=True, validate=validate.Length(max=60), metadata={"description": ITEMS})


class SubmitSchema(Schema):
    items = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=40)), values=fields.Dict(),
                        load_default=dict, validate=validate.Length(max=60),
                        metadata={"description": ITEMS + "; added to what was saved before"})


class LinkPageSchema(Schema):
    invitation_id = fields.UUID()
    purpose = fields.String(metadata={"description": "wave: the quarterly survey; ticket: the question after a ticket"})
    period = fields.String(allow_none=True, metadata={"description": "the wave's quarter"})
    expires_at = fields.DateTime(metadata={"description": "the link is good until then"})
    state = fields.String(metadata={"description": "new, or draft: part of it saved (items)"})
    questions = fields.List(fields.Dict(), metadata={"description": "the questions, in zh-CN and English"})
    items = fields.Dict(metadata={"description": ITEMS})


class StaffAnswerSchema(Schema):
    wave_id = fields.UUID(required=True)
    unit_id = fields.UUID(load_default=None, metadata={
        "description": "the household's unit; empty for an anonymous answer (the suggestion box)"})
    channel = fields.String(required=True, validate=validate.OneOf(STAFF_CHANNELS),
                            metadata={"description": "how the answer came: paper, phone, suggestion_box, walk_in"})
    items = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=40)), values=fields.Dict(),
                        required=True, validate=validate.Length(max=60), metadata={"description": ITEMS})


class PersonsAnswersArgs(PageArgs):
    person_id = fields.UUID(required=True, metadata={"description": "Whose answers"})


class AnswerSchema(Schema):
    id = fields.UUID()
    invitation_id = fields.UUID(allow_none=True)
    estate_id = fields.UUID()
    wave_id = fields.UUID(allow_none=True)
    ticket_id = fields.UUID(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    building_id = fields.UUID(allow_none=True)
    questionnaire_version_id = fields.UUID()
    channel = fields.String()
    items = fields.Dict(metadata={"description": ITEMS})
    state = fields.String(metadata={"description": "submitted"})
    entered_by = fields.String(allow_none=True)
    started_at = fields.DateTime()
    submitted_at = fields.DateTime()
    purpose = fields.String(dump_only=True, metadata={"description": "wave or ticket (lists of a person's answers)"})
