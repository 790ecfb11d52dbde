"""A message as every answer shows it (its address masked unless the caller may see it), and its history."""

from __future__ import annotations

from marshmallow import Schema, fields


class HistorySchema(Schema):
    at = fields.DateTime()
    state = fields.String()
    code = fields.String(allow_none=True)
    detail = fields.String(allow_none=True)


class MessageSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    notice_id = fields.UUID(allow_none=True)
    rule_id = fields.UUID(allow_none=True)
    person_id = fields.UUID(allow_none=True)
    staff_id = fields.UUID(allow_none=True)
    channel = fields.String()
    address = fields.String(allow_none=True, metadata={"description": "Masked unless the caller has pii:reveal"})
    language = fields.String()
    subject = fields.String(allow_none=True)
    body = fields.String()
    segments = fields.Integer()
    urgent = fields.Boolean()
    state = fields.String()
    attempts = fields.Integer()
    next_attempt_at = fields.DateTime()
    provider = fields.String(allow_none=True)
    provider_ref = fields.String(allow_none=True)
    failure_code = fields.String(allow_none=True)
    failure_reason = fields.String(allow_none=True)
    fallback_of = fields.UUID(allow_none=True)
    queued_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    read_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()


class MessageWithHistorySchema(MessageSchema):
    history = fields.List(fields.Nested(HistorySchema))
