"""Request and response schemas of the service levels' API: policies, calendars, escalation rules."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.paging import PageArgs
from tickets.domain.classification import COMPLAINT_CLASSES, PRIORITIES
from tickets.domain.stages import KINDS
from tickets.sla.escalation import ACTIONS, TRIGGERS

MINUTES = validate.Range(min=1, max=366 * 24 * 60)
TARGETS = ("acknowledge", "arrive", "resolve", "promise")


class EstateFilter(PageArgs):
    estate_id = fields.UUID()


class PolicySchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(allow_none=True, load_default=None,
                            metadata={"description": "null: every estate (the operator's only)"})
    kind = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(KINDS))
    complaint_class = fields.String(allow_none=True, load_default=None,
                                    validate=validate.OneOf(COMPLAINT_CLASSES))
    priority = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(PRIORITIES))
    acknowledge_minutes = fields.Integer(allow_none=True, load_default=None, validate=MINUTES)
    arrive_minutes = fields.Integer(allow_none=True, load_default=None, validate=MINUTES,
                                    metadata={"description": "the textbook: three minutes for complaints"})
    resolve_minutes = fields.Integer(allow_none=True, load_default=None, validate=MINUTES)
    warn_percent = fields.Integer(load_default=80, validate=validate.Range(min=1, max=99))
    business_hours = fields.Boolean(load_default=True, metadata={"description": "false: 24x7"})
    version = fields.Integer(dump_only=True)


class PolicyUpdateSchema(PolicySchema):
    class Meta:
        exclude = ("estate_id",)


class DaySchema(Schema):
    day = fields.Date(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(("holiday", "workday")),
                         metadata={"description": "holiday, or workday: a make-up working day (调休)"})
    name = fields.String(load_default="", validate=validate.Length(max=100))


class CalendarSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(required=True)
    timezone = fields.String(load_default="Asia/Shanghai", validate=validate.Length(min=1, max=64))
    week = fields.Dict(
        keys=fields.String(), values=fields.List(fields.List(fields.String(), validate=validate.Length(equal=2))),
        required=True, metadata={"description": 'ISO weekday -> open intervals, e.g. {"1": [["08:30", "12:00"]]}'})
    days = fields.List(fields.Nested(DaySchema), dump_only=True)
    version = fields.Integer(dump_only=True)


class CalendarUpdateSchema(CalendarSchema):
    class Meta:
        exclude = ("estate_id",)


class RuleSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(allow_none=True, load_default=None,
                            metadata={"description": "null: estates without rules of their own (the operator's only)"})
    trigger = fields.String(required=True, validate=validate.OneOf(TRIGGERS))
    target = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(TARGETS))
    level = fields.Integer(required=True, validate=validate.Range(min=0, max=10))
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    version = fields.Integer(dump_only=True)


class ConfigurationWarningSchema(Schema):
    estate_id = fields.UUID()
    estate_code = fields.String()
    estate_name = fields.String()
    code = fields.String(metadata={"description": "no_supervisor or no_first_responsible"})
    role = fields.String(metadata={"description": "the staff role nobody active holds in the estate"})
    message_en = fields.String()
    message_zh = fields.String()
