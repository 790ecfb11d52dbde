"""Request and response schemas of training cases."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tickets.domain.classification import COMPLAINT_CLASSES, QUALITY_ASPECTS


class NewCaseSchema(Schema):
    ticket_id = fields.UUID(required=True, metadata={"description": "A resolved complaint"})
    lesson = fields.String(required=True, validate=validate.Length(min=1, max=5000),
                           metadata={"description": "What it teaches (anonymised like the rest)"})
    title = fields.String(load_default=None, validate=validate.Length(min=1, max=200),
                          metadata={"description": "Default: the complaint's title, anonymised"})


class CaseSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    ticket_id = fields.UUID(allow_none=True)
    complaint_class = fields.String()
    quality_aspect = fields.String(allow_none=True)
    subtype = fields.String(allow_none=True)
    root_cause = fields.String(allow_none=True)
    title = fields.String()
    story = fields.String(metadata={"description": "What happened and what was done; no name, number or unit"})
    lesson = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()


class CaseListArgs(Schema):
    estate_id = fields.UUID()
    complaint_class = fields.String(validate=validate.OneOf(COMPLAINT_CLASSES))
    quality_aspect = fields.String(validate=validate.OneOf(QUALITY_ASPECTS))
