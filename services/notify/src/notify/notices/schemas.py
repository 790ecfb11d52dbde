"""The request and answer shapes of the notices API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from notify.domain.channels import CHANNELS
from notify.domain.notices import STATUSES
from notify.domain.purposes import PURPOSES
from notify.fields import JsonBoolean
from servicekit.paging import PageArgs


class NewNoticeSchema(Schema):
    estate_id = fields.UUID(required=True)
    template_id = fields.UUID(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    purpose = fields.String(load_default=None, validate=validate.OneOf(PURPOSES),
                            metadata={"description": "Empty: the template's purpose"})
    urgent = JsonBoolean(load_default=False, metadata={"description": "Ignores quiet hours (emergencies are urgent)"})
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), load_default=None,
                           validate=validate.Length(min=1, max=len(CHANNELS)),
                           metadata={"description": "In fallback order; empty: sms, email, in_app"})
    audience = fields.Dict(required=True, metadata={"description": (
        '{"estate": true} | {"buildings": [ids]} | {"units": [ids]}, each with "role": "owners" | "occupants"; '
        'or {"list": [{"person_id", "unit_id", "name", "mobile", "email", "language", "variables"}]}')})
    variables = fields.Dict(keys=fields.String(), load_default=dict)
    send_at = fields.AwareDateTime(load_default=None, metadata={"description": "Empty: now (or the first occurrence)"})
    repeat = fields.Dict(load_default=None, metadata={"description": (
        '{"every": "month", "day": 5, "time": "09:00"} | {"every": "week", "weekday": 1, "time": ..} | '
        '{"every": "day", "time": ..}, in the estate\'s time zone')})
    consent_to_split = JsonBoolean(load_default=False)


class NoticeSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    template_id = fields.UUID()
    purpose = fields.String()
    urgent = fields.Boolean()
    title = fields.String()
    channels = fields.List(fields.String())
    audience = fields.Dict(metadata={"description": "As given; a list's mobiles and e-mails masked unless the "
                                                    "caller has pii:reveal"})
    variables = fields.Dict()
    status = fields.String()
    send_at = fields.DateTime()
    repeat = fields.Dict(allow_none=True)
    series_id = fields.UUID(allow_none=True)
    consent_to_split = fields.Boolean()
    recipients_count = fields.Integer()
    estimated_segments = fields.Integer(metadata={"description": "SMS parts of the whole notice"})
    estimated_cost_fen = fields.Integer()
    created_by = fields.String()
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    actions = fields.List(fields.String(), metadata={"description": "cancel | pause | resume, as the status allows"})


class NoticeListArgs(PageArgs):
    estate_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(STATUSES))
    purpose = fields.String(validate=validate.OneOf(PURPOSES))
    series_id = fields.UUID()


class RenderedSchema(Schema):
    channel = fields.String()
    language = fields.String()
    subject = fields.String()
    body = fields.String()
    params = fields.Dict()
    segments = fields.Integer()
    encoding = fields.String(allow_none=True)
    length = fields.Integer()


class EstimateSchema(Schema):
    recipients = fields.Integer()
    excluded = fields.Dict(keys=fields.String(), values=fields.Integer())
    sms_recipients = fields.Integer()
    sms_parts = fields.Integer()
    cost_fen = fields.Integer()
    max_sms_parts = fields.Integer()
    needs_consent_to_split = fields.Boolean()


class PreviewSchema(Schema):
    sample = fields.Dict()
    messages = fields.List(fields.Nested(RenderedSchema))
    send_at = fields.DateTime()
    urgent = fields.Boolean()
    estimate = fields.Nested(EstimateSchema)
