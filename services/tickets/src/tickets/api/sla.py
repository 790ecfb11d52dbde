"""Service levels over HTTP: SLA policies, business calendars (holidays, make-up days) and
escalation rules, managed by the operator and the estates' managers (TKT-4, TKT-5)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from flask.views import MethodView
from marshmallow import Schema, fields, validate
from tenancy.roles import MANAGERS

from servicekit.paging import PageArgs, page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work
from tickets.api.access import blueprint
from tickets.sla import admin
from tickets.sla.escalation import ACTIONS, TRIGGERS
from tickets.tables import escalation_rules, sla_policies

blp = blueprint("sla", __name__, url_prefix="/api/v1/sla", description="Service levels and escalation")

MINUTES = validate.Range(min=1, max=366 * 24 * 60)
TARGETS = ("acknowledge", "arrive", "resolve", "promise")


class EstateFilter(PageArgs):
    estate_id = fields.UUID()


class PolicySchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(allow_none=True, load_default=None,
                            metadata={"description": "null: every estate (the operator's only)"})
    kind = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(admin.KINDS))
    complaint_class = fields.String(allow_none=True, load_default=None,
                                    validate=validate.OneOf(admin.COMPLAINT_CLASSES))
    priority = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(admin.PRIORITIES))
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


@blp.route("/policies")
class Policies(MethodView):
    @blp.arguments(EstateFilter, location="query")
    @blp.response(200, page_schema(PolicySchema))
    @blp.allow(MANAGERS, estates=("estate_id",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The SLA policies of the caller's estates"""
        return read(admin.list_policies, current_principal(), args)

    @blp.arguments(PolicySchema)
    @blp.response(201, PolicySchema)
    @blp.allow(MANAGERS, estates=("estate_id",))
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Set targets for an estate (or every estate), a kind, a complaint class and a priority"""
        return admin.create_policy(unit_of_work(), current_principal(), data)


@blp.route("/policies/<uuid:policy_id>")
class Policy(MethodView):
    @blp.response(200, PolicySchema)
    @blp.allow(MANAGERS)
    def get(self, policy_id: UUID) -> dict[str, Any]:
        """One SLA policy"""
        return read(admin.policy, policy_id)

    @blp.arguments(PolicyUpdateSchema)
    @blp.response(200, PolicySchema)
    @blp.allow(MANAGERS)
    def put(self, data: dict[str, Any], policy_id: UUID) -> dict[str, Any]:
        """Change a policy (for tickets opened from now on)"""
        return admin.update_policy(unit_of_work(), current_principal(), policy_id, data)

    @blp.response(204)
    @blp.allow(MANAGERS)
    def delete(self, policy_id: UUID) -> None:
        """Remove a policy: the next less specific one, or the defaults, apply"""
        admin.delete_row(unit_of_work(), current_principal(), sla_policies, policy_id, "SLA policy")


@blp.route("/calendars")
class Calendars(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(CalendarSchema))
    @blp.allow(MANAGERS)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The business calendars of the caller's estates (an estate without one runs 24x7)"""
        return read(admin.list_calendars, current_principal(), args)

    @blp.arguments(CalendarSchema)
    @blp.response(201, CalendarSchema)
    @blp.allow(MANAGERS, estates=("estate_id",))
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Give an estate business hours"""
        return admin.create_calendar(unit_of_work(), data)


@blp.route("/calendars/<uuid:calendar_id>")
class Calendar(MethodView):
    @blp.response(200, CalendarSchema)
    @blp.allow(MANAGERS)
    def get(self, calendar_id: UUID) -> dict[str, Any]:
        """One calendar with its holidays and make-up working days"""
        return read(admin.calendar, calendar_id)

    @blp.arguments(CalendarUpdateSchema)
    @blp.response(200, CalendarSchema)
    @blp.allow(MANAGERS)
    def put(self, data: dict[str, Any], calendar_id: UUID) -> dict[str, Any]:
        """Change the time zone or the week's open hours"""
        return admin.update_calendar(unit_of_work(), calendar_id, data)

    @blp.response(204)
    @blp.allow(MANAGERS)
    def delete(self, calendar_id: UUID) -> None:
        """Remove the calendar: the estate runs 24x7 from now on"""
        admin.delete_calendar(unit_of_work(), calendar_id)


@blp.route("/calendars/<uuid:calendar_id>/days/<string:day>")
class CalendarDay(MethodView):
    @blp.arguments(DaySchema)
    @blp.response(200, CalendarSchema)
    @blp.allow(MANAGERS)
    def put(self, data: dict[str, Any], calendar_id: UUID, day: str) -> dict[str, Any]:
        """Make a day a holiday or a make-up working day (调休)"""
        return admin.set_day(unit_of_work(), calendar_id, _day(day), data["kind"], data["name"])

    @blp.response(204)
    @blp.allow(MANAGERS)
    def delete(self, calendar_id: UUID, day: str) -> None:
        """Make a day an ordinary day of its week again"""
        admin.delete_day(unit_of_work(), calendar_id, _day(day))


def _day(text: str) -> date:
    from servicekit.errors import Invalid

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("a day is YYYY-MM-DD", "日期格式为 YYYY-MM-DD",
                      errors={"day": [f"{text!r} is not a date"]}) from None


@blp.route("/escalation-rules")
class Rules(MethodView):
    @blp.arguments(EstateFilter, location="query")
    @blp.response(200, page_schema(RuleSchema))
    @blp.allow(MANAGERS, estates=("estate_id",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The escalation rules of the caller's estates (an estate with none follows the operator's or the defaults)"""
        return read(admin.list_rules, current_principal(), args)

    @blp.arguments(RuleSchema)
    @blp.response(201, RuleSchema)
    @blp.allow(MANAGERS, estates=("estate_id",))
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Add a rule: on a trigger, at a level, do an action"""
        return admin.create_rule(unit_of_work(), current_principal(), data)


@blp.route("/escalation-rules/<uuid:rule_id>")
class Rule(MethodView):
    @blp.response(200, RuleSchema)
    @blp.allow(MANAGERS)
    def get(self, rule_id: UUID) -> dict[str, Any]:
        """One escalation rule"""
        return read(admin.rule, rule_id)

    @blp.response(204)
    @blp.allow(MANAGERS)
    def delete(self, rule_id: UUID) -> None:
        """Remove a rule"""
        admin.delete_row(unit_of_work(), current_principal(), escalation_rules, rule_id, "escalation rule")
