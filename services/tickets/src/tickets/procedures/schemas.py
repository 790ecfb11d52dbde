"""Request and response schemas of procedures and applications."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.exact import ExactDecimal
from tickets.catalogue.schemas import CODE
from tickets.domain.procedures import APPROVER_ROLES, COLLECTED, DECISIONS

STATES = ("in_progress", "completed", "refused", "withdrawn")


class TemplateStepSchema(Schema):
    key = fields.String(required=True, validate=CODE)
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=200))
    approver_role = fields.String(required=True, validate=validate.OneOf(APPROVER_ROLES),
                                  metadata={"description": "Who decides it (or anyone above: a manager decides any)"})
    due_hours = fields.Integer(required=True, validate=validate.Range(min=1, max=24 * 365),
                               metadata={"description": "How long it may take once reached"})
    collects = fields.List(fields.String(validate=validate.OneOf(COLLECTED)), load_default=list,
                           validate=validate.Length(max=2), metadata={
                               "description": "What approving it records: documents, deposit"})


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
    collects = fields.List(fields.String(), allow_none=True)
    documents = fields.List(fields.Nested(lambda: DocumentSchema()), allow_none=True, metadata={
        "description": "The documents the step collected"})
    deposit = ExactDecimal(allow_none=True, maximum="10000000", metadata={
        "description": "The deposit the step collected (yuan)"})
    overdue_at = fields.DateTime(allow_none=True, metadata={"description": "When its role was reminded it is overdue"})


class DocumentSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    url = fields.Url(required=True, schemes={"https", "http"}, validate=validate.Length(max=1000))


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
    state = fields.String(metadata={"description": "in_progress, completed, refused or withdrawn"})
    current_step = fields.Integer(allow_none=True)
    withdrawn_by = fields.String(allow_none=True)
    withdrawn_reason = fields.String(allow_none=True)
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
    documents = fields.List(fields.Nested(DocumentSchema), load_default=None, validate=validate.Length(min=1, max=20),
                            metadata={"description": "Required to approve a step that collects the documents"})
    deposit = ExactDecimal(load_default=None, maximum="10000000", exclusive_minimum=True, metadata={
        "description": "Required to approve a step that collects the deposit: the amount, exactly (yuan)"})


class WithdrawalSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "Why the application is withdrawn"})
