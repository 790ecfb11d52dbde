"""Request and response schemas of the dispatch API: skills, and a ticket's suggested assignee."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.paging import PageArgs
from tickets.domain.classification import COMPLAINT_CLASSES
from tickets.domain.stages import KINDS
from tickets.tickets.schemas import DispatchReasonSchema


class SkillListArgs(PageArgs):
    estate_id = fields.UUID()


class SkillSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(allow_none=True, load_default=None,
                            metadata={"description": "null: estates without a row of their own (operator only)"})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    complaint_class = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(COMPLAINT_CLASSES),
                                    metadata={"description": "complaints only; null: any class"})
    skill = fields.String(required=True, allow_none=True, validate=validate.Length(min=1, max=40), metadata={
        "description": "what dispatch looks for, e.g. customer_service; null: no skill (the territory decides)"})
    version = fields.Integer(dump_only=True)


class SuggestedSchema(Schema):
    staff_id = fields.UUID()
    name = fields.String()
    load = fields.Integer(metadata={"description": "Their open tickets now"})
    reason = fields.Nested(DispatchReasonSchema, metadata={"description": "Why dispatch chooses them"})


class CandidateSchema(Schema):
    staff_id = fields.UUID()
    name = fields.String()
    role = fields.String()
    load = fields.Integer(metadata={"description": "Their open tickets now"})
    coverage = fields.String(allow_none=True, metadata={
        "description": "building, estate, department, or null (employed here, no territory covering the place)"})
    has_skill = fields.Boolean(metadata={"description": "Whether they have the skill the ticket calls for"})


class SuggestionSchema(Schema):
    ticket_id = fields.UUID()
    skill = fields.String(allow_none=True, metadata={"description": "The skill the ticket calls for, if any"})
    skill_from = fields.String(allow_none=True, metadata={
        "description": "Where the skill came from: ticket, category, estate, operator or default"})
    suggested = fields.Nested(SuggestedSchema, allow_none=True, metadata={
        "description": "Whom dispatch chooses now; null: nobody covers the ticket (name a member by hand)"})
    candidates = fields.List(fields.Nested(CandidateSchema), metadata={
        "description": "Who could take it, best first (at most 20; the present assignee left out)"})
