"""Request and response schemas of the dispatch skills' API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.paging import PageArgs
from tickets.domain.classification import COMPLAINT_CLASSES
from tickets.domain.stages import KINDS


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
