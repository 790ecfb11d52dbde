"""The request and answer shapes of messages: a message to send now, and a message as every answer shows
it (its address masked unless the caller may see it), with its history."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from notify.domain.channels import EMAIL, IN_APP, SMS
from notify.domain.purposes import PURPOSES, SERVICE
from notify.fields import JsonBoolean


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


class ToSchema(Schema):
    person_id = fields.UUID(metadata={"description": "A person of notify's copy of owners"})
    mobile = fields.String(validate=validate.Length(min=1, max=40), metadata={
        "example": "13812345678",
        "description": "A mainland mobile number (+86, spaces and dashes are dropped), as owners takes it"})
    email = fields.Email(validate=validate.Length(max=254))


class NewMessageSchema(Schema):
    to = fields.Nested(ToSchema, required=True)
    estate_id = fields.UUID(load_default=None,
                            metadata={"description": "For an address: the estate it is sent for (default: the "
                                                     "caller's only estate, or none for an every-estate caller)"})
    purpose = fields.String(load_default=SERVICE, validate=validate.OneOf(PURPOSES))
    urgent = JsonBoolean(load_default=False, metadata={"description": "Ignores quiet hours (one-time codes)"})
    channels = fields.List(fields.String(validate=validate.OneOf((SMS, EMAIL, IN_APP))),
                           validate=validate.Length(min=1, max=3),
                           metadata={"description": "One message per channel; none: the first the recipient takes"})
    template = fields.String(validate=validate.Length(min=1, max=60), metadata={"description": "A template code"})
    text = fields.String(validate=validate.Length(min=1, max=2000))
    subject = fields.String(validate=validate.Length(max=300))
    variables = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=60)),
                            values=fields.String(validate=validate.Length(max=500)), load_default=dict)
    language = fields.String(validate=validate.OneOf(("zh-CN", "en")),
                             metadata={"description": "For an address (a person's comes from the copy)"})


class SentSchema(Schema):
    messages = fields.List(fields.Nested(MessageSchema))
