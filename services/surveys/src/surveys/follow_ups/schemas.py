"""The follow-ups API's schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.paging import PageArgs

MAX_NOTE = 2000


class FollowUpArgs(PageArgs):
    estate_id = fields.UUID(metadata={"description": "only this estate's"})
    wave_id = fields.UUID(metadata={"description": "only this wave's"})
    assignee_id = fields.UUID(metadata={"description": "only those assigned to this staff member"})
    state = fields.String(validate=validate.OneOf(("open", "visited")), metadata={"description": "open | visited"})


class FlagSchema(Schema):
    answer_id = fields.UUID(required=True, metadata={"description": "a submitted answer with no follow-up yet"})
    note = fields.String(required=True, validate=validate.Length(min=1, max=MAX_NOTE),
                         metadata={"description": "why staff ask for a visit"})


class VisitSchema(Schema):
    owner_said = fields.String(required=True, validate=validate.Length(min=1, max=MAX_NOTE),
                               metadata={"description": "what the owner said at the visit"})
    version = fields.Integer(metadata={"description": "the follow-up's version as read: a 409 if it changed since"})


class ActionSummarySchema(Schema):
    id = fields.UUID()
    description = fields.String()
    responsible_id = fields.UUID()
    due_on = fields.Date()
    state = fields.String()


class FollowUpSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    answer_id = fields.UUID()
    wave_id = fields.UUID(allow_none=True)
    ticket_id = fields.UUID(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    unit_number = fields.String(allow_none=True)
    building_id = fields.UUID(allow_none=True)
    person_id = fields.UUID(allow_none=True)
    reasons = fields.List(fields.Dict(), metadata={
        "description": "why: {kind: low_score, code, element, score, threshold} | {kind: complaint, code, words, "
                       "text} | {kind: staff, note}"})
    assignee_id = fields.UUID(allow_none=True, metadata={"description": "null: no staff territory covers it"})
    assignee_name = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "open | visited"})
    owner_said = fields.String(allow_none=True)
    visited_at = fields.DateTime(allow_none=True)
    visited_by = fields.String(allow_none=True)
    opened_by = fields.String(metadata={"description": "surveys (by the answer) or the staff member who flagged it"})
    opened_at = fields.DateTime()
    version = fields.Integer()
    actions = fields.List(fields.Nested(ActionSummarySchema), metadata={"description": "its rectification actions"})


class ThresholdArgs(Schema):
    estate_id = fields.UUID(metadata={"description": "the estate's (with the operator's); empty: the operator's"})


class ThresholdsInSchema(Schema):
    estate_id = fields.UUID(load_default=None, metadata={
        "description": "the estate whose thresholds these are; empty: the operator's, for every estate"})
    thresholds = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, metadata={
        "description": "element code (attitude, equipment, ..., overall) or * for every element -> the highest "
                       "score that opens a follow-up (0: never); replaces the scope's thresholds"})


class ThresholdsSchema(Schema):
    estate_id = fields.UUID(allow_none=True)
    default = fields.Integer(metadata={"description": "where nothing is set"})
    every_element = fields.String(metadata={"description": "the code that stands for every element"})
    operator = fields.Dict(keys=fields.String(), values=fields.Integer())
    estate = fields.Dict(keys=fields.String(), values=fields.Integer())


class SetThresholdsSchema(Schema):
    estate_id = fields.UUID(allow_none=True)
    thresholds = fields.Dict(keys=fields.String(), values=fields.Integer())


class AtAGlanceArgs(Schema):
    estate_id = fields.UUID(required=True)


class OpenFollowUpsSchema(Schema):
    open = fields.Integer(metadata={"description": "Follow-up visits not visited yet"})
    unassigned = fields.Integer(metadata={"description": "Of those, the ones nobody covers"})
    oldest_opened_at = fields.DateTime(allow_none=True, metadata={"description": "Since when the oldest waits"})


class OpenActionsSchema(Schema):
    open = fields.Integer(metadata={"description": "Rectification actions not done yet"})
    overdue = fields.Integer(metadata={"description": "Of those, the ones past their due date"})
    overdue_since = fields.DateTime(allow_none=True, metadata={"description": "The longest overdue's due time"})


class AtAGlanceSchema(Schema):
    estate_id = fields.UUID()
    at = fields.DateTime()
    follow_ups = fields.Nested(OpenFollowUpsSchema)
    actions = fields.Nested(OpenActionsSchema)
