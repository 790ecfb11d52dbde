"""Request and response schemas of procedures and applications."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tickets.catalogue.schemas import CODE
from tickets.domain.procedures import APPROVER_ROLES, DECISIONS

STATES = ("in_progress", "completed", "refused")


class TemplateStepSchema(Schema):
    key = fields.String(required=True, validate=CODE)
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=200))
    approver_role = fields.String(required=True, validate=validate.OneOf(APPROVER_ROLES),
                                  metadata={"description": "Who decides it (or anyone above: a manager decides any)"})
    due_hours = fields.Integer(required=True, validate=validate.Range(min=1, max=24 * 365),
                               metadata={"description": "How long it may take once reached"})


class TemplateSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(load_default=None, metadata={"description": "Empty: the operator's, every estate"})
    code = fields.String(required=True, validate=CODE, metadata={
        "description": "renovation_approval, phone_answering, equipment_operation replace the built-in ones"})
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=100))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=100))
    steps = fields.List(fields.Nested(TemplateStepSchema), required=True, validate=validate.Length(min=1, max=30))
    active = fields.Boolean(dump_only=True)
    built_in = fields.Boolean(dump_only=True)
    version = fields.Integer(dump_only=True)


class TemplateListArgs(Schema):
    estate_id = fields.UUID(metadata={"description": "The procedures in force in one estate"})


class NewApplicationSchema(Schema):
    estate_id = fields.UUID(required=True)
    procedure = fields.String(required=True, validate=CODE, metadata={"description": "e.g. renovation_approval"})
    unit_id = fields.UUID(load_default=None)
    person_id = fields.UUID(load_default=None, metadata={"description": "The applicant: told at each decision"})
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class ApplicationStepSchema(Schema):
    position = fields.Integer()
    key = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    approver_role = fields.String()
    due_hours = fields.Integer()
    state = fields.String(metadata={"description": "waiting, open, approved or refused"})
    opened_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean(metadata={"description": "Open past its due time"})
    decided_by = fields.String(allow_none=True)
    decided_role = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    note = fields.String()
    reason = fields.String(allow_none=True)


class ApplicationSchema(Schema):
    id = fields.UUID()
    number = fields.String()
    estate_id = fields.UUID()
    procedure = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    unit_id = fields.UUID(allow_none=True)
    person_id = fields.UUID(allow_none=True)
    title = fields.String()
    note = fields.String()
    state = fields.String(metadata={"description": "in_progress, completed or refused"})
    current_step = fields.Integer(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    steps = fields.List(fields.Nested(ApplicationStepSchema))


class ApplicationListArgs(Schema):
    estate_id = fields.UUID()
    procedure = fields.String(validate=CODE)
    state = fields.String(validate=validate.OneOf(STATES))


class DecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    reason = fields.String(load_default=None, validate=validate.Length(min=1, max=500),
                           metadata={"description": "Why it is refused (required to refuse)"})
