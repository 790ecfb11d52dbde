"""The request and answer shapes of rules."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from notify.domain.channels import CHANNELS
from notify.domain.freshness import DEFAULT_FRESH_FOR_MINUTES, MAX_FRESH_FOR_MINUTES
from notify.fields import JsonBoolean
from notify.rules.audiences import AUDIENCES
from notify.rules.variables import RULE_EVENTS

FRESH_FOR = validate.Range(min=1, max=MAX_FRESH_FOR_MINUTES)
FRESH_FOR_DOC = {"description": "How old an event the rule still answers, in minutes of the moment the event "
                                f"describes; empty: {DEFAULT_FRESH_FOR_MINUTES} (a day). An older event, a replayed "
                                "one or a demo's history makes no message"}


class RuleSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(load_default=None, metadata={"description": "Empty: the operator's, for every estate"})
    event_type = fields.String(required=True, validate=validate.OneOf(RULE_EVENTS))
    audience = fields.String(required=True, validate=validate.OneOf(AUDIENCES))
    template_id = fields.UUID(required=True)
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), required=True,
                           validate=validate.Length(min=1, max=4))
    urgent = JsonBoolean(load_default=False, metadata={"description": "Ignores quiet hours"})
    active = JsonBoolean(load_default=True)
    fresh_for_minutes = fields.Integer(allow_none=True, load_default=None, validate=FRESH_FOR, metadata=FRESH_FOR_DOC)
    created_at = fields.DateTime(dump_only=True)
    version = fields.Integer(dump_only=True)


class RuleChangeSchema(Schema):
    audience = fields.String(validate=validate.OneOf(AUDIENCES))
    template_id = fields.UUID()
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), validate=validate.Length(min=1, max=4))
    urgent = JsonBoolean()
    active = JsonBoolean()
    fresh_for_minutes = fields.Integer(allow_none=True, validate=FRESH_FOR, metadata=FRESH_FOR_DOC)


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
    fresh_for_minutes = fields.Integer(allow_none=True, metadata={"description": "Empty: the default window"})
    name = fields.String(allow_none=True)
    when = fields.Dict(keys=fields.String(), values=fields.Boolean(), metadata={
        "description": "A built-in rule's condition on the event: each field must have this value (a missing one "
                       "is false), e.g. {\"queued\": true} for a ticket put in a department's queue; empty: every "
                       "event of its type"})


class RuleListArgs(Schema):
    estate_id = fields.UUID()
    event_type = fields.String(validate=validate.OneOf(RULE_EVENTS))
