"""Request and response schemas of the call scripts' API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.paging import PageArgs
from tickets.domain.classification import COMPLAINT_CLASSES
from tickets.domain.stages import KINDS

TEXT = validate.Length(min=1, max=2000)


class ScriptListArgs(PageArgs):
    estate_id = fields.UUID()
    kind = fields.String(validate=validate.OneOf(KINDS))
    every_version = fields.Boolean(load_default=False, metadata={"description": "Earlier versions too"})


class ReplySchema(Schema):
    problem = fields.String(required=True, validate=validate.Length(min=1, max=200),
                            metadata={"description": "An expected problem, e.g. 停水何时恢复"})
    reply = fields.String(required=True, validate=TEXT)


class ScriptSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(allow_none=True, load_default=None,
                            metadata={"description": "null: every estate (operator only)"})
    kind = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(KINDS),
                         metadata={"description": "null: any kind"})
    complaint_class = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(COMPLAINT_CLASSES),
                                    metadata={"description": "Complaints only; null: any class"})
    version = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    opening = fields.String(required=True, validate=TEXT, metadata={"description": "e.g. 您好，阳光物业客服中心"})
    questions = fields.List(fields.String(validate=validate.Length(min=1, max=500)), load_default=list,
                            validate=validate.Length(max=30), metadata={"description": "What to ask, in order"})
    apology = fields.String(load_default="", validate=validate.Length(max=2000), metadata={"description": "表示歉意"})
    thanks = fields.String(load_default="", validate=validate.Length(max=2000), metadata={"description": "表示感谢"})
    replies = fields.List(fields.Nested(ReplySchema), load_default=list, validate=validate.Length(max=50),
                          metadata={"description": "Prepared replies to expected problems"})
    closing = fields.String(load_default="", validate=validate.Length(max=2000))
    created_by = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class FittingArgs(Schema):
    estate_id = fields.UUID(required=True)
    kind = fields.String(validate=validate.OneOf(KINDS))
    complaint_class = fields.String(validate=validate.OneOf(COMPLAINT_CLASSES))
    ticket_id = fields.UUID(metadata={"description": "The ticket being entered: its kind and class"})
