"""The request and answer shapes of rules."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from notify.domain.channels import CHANNELS
from notify.fields import JsonBoolean
from notify.rules.audiences import AUDIENCES
from notify.rules.variables import TICKETS_EVENTS


class RuleSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(load_default=None, metadata={"description": "Empty: the operator's, for every estate"})
    event_type = fields.String(required=True, validate=validate.OneOf(TICKETS_EVENTS))
    audience = fields.String(required=True, validate=validate.OneOf(AUDIENCES))
    template_id = fields.UUID(required=True)
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), required=True,
                           validate=validate.Length(min=1, max=4))
    urgent = JsonBoolean(load_default=False, metadata={"description": "Ignores quiet hours"})
    active = JsonBoolean(load_default=True)
    created_at = fields.DateTime(dump_only=True)
    version = fields.Integer(dump_only=True)


class RuleChangeSchema(Schema):
    audience = fields.String(validate=validate.OneOf(AUDIENCES))
    template_id = fields.UUID()
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), validate=validate.Length(min=1, max=4))
    urgent = JsonBoolean()
    active = JsonBoolean()


class EffectiveRuleSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID(allow_none=True)
    event_type = fields.String()
    audience = fields.String()
    template_id = fields.UUID(allow_none=True)
    template_code = fields.String(allow_none=True)
    channels = fields.List(fields.String())
    urgent = fields.Boolean()
    built_in = fields.Boolean(metadata={"description": "A built-in default (no row; its id is stable)"})
    name = fields.String(allow_none=True)


class RuleListArgs(Schema):
    estate_id = fields.UUID()
    event_type = fields.String(validate=validate.OneOf(TICKETS_EVENTS))
