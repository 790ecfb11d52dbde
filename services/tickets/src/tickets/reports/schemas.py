"""Request and response schemas of the reports' API: ticket figures and the monthly complaint report.

A ticket report's query is read into a :class:`~tickets.reports.views.TicketReport` (``report``):
its days, in its time zone, made instants, from ``from``'s midnight (default: the 1st of this
month) to the midnight after ``to`` (default: today).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates, validates_schema
from webargs.fields import DelimitedList

from servicekit.exact import ExactDecimal
from servicekit.spreadsheet import CSV, FORMATS, XLSX
from tickets.reports.monthly import PERIOD
from tickets.reports.sql import PERIODS
from tickets.reports.views import DIMENSIONS, TicketReport

MAX_DAYS = 3 * 366
PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {"schema": {"type": "object"}}}}
# Dates a report can cover (an instant outside them cannot be stored or converted).
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)


def files(schema: str) -> dict[str, Any]:
    """The 200 answer of a report: JSON (``schema``), CSV or XLSX (with a chart)."""
    return {"200": {"description": "The report as JSON, CSV or XLSX (with a chart)", "content": {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}},
        CSV: {"schema": {"type": "string"}}, XLSX: {"schema": {"type": "string", "format": "binary"}}}},
        "404": {"description": "No such estate (or not one of the caller's), or no report of that month", **PROBLEM}}


def _timezone(value: str) -> None:
    if value not in available_timezones():  # a key with a path in it, or a zone the machine lacks
        raise ValidationError("is not a time zone name such as Asia/Shanghai")


class FormatArgs(Schema):
    format = fields.String(validate=validate.OneOf(FORMATS), metadata={
        "description": "json, csv or xlsx; without it, the Accept header decides (JSON by default)"})


class TicketReportArgs(FormatArgs):
    group_by = DelimitedList(fields.String(validate=validate.OneOf(DIMENSIONS)), load_default=list,
                             validate=validate.Length(max=4), metadata={
                                 "description": f"Comma-separated, in order, from: {', '.join(DIMENSIONS)}"})
    from_ = fields.Date(data_key="from", validate=validate.Range(EARLIEST, LATEST), metadata={
        "description": "First day (in timezone), default: the 1st of this month"})
    to = fields.Date(validate=validate.Range(EARLIEST, LATEST), metadata={
        "description": "Last day, included (default: today)"})
    estate_id = fields.UUID(metadata={"description": "One estate (default: every estate of the caller)"})
    timezone = fields.String(load_default="Asia/Shanghai", validate=_timezone, metadata={
        "description": "The zone days, weeks and months are counted in"})

    @validates("group_by")
    def _one_of_each(self, value: list[str], **_kwargs: Any) -> None:
        if len(set(value)) != len(value):
            raise ValidationError("names a dimension twice")
        if len([d for d in value if d in PERIODS]) > 1:
            raise ValidationError("may hold one period (day, week or month)")

    @validates_schema
    def _range(self, data: dict[str, Any], **_kwargs: Any) -> None:
        start, end = data.get("from_"), data.get("to")
        if start and end and start > end:
            raise ValidationError("must not be after to", "from")
        if start and end and (end - start).days > MAX_DAYS:
            raise ValidationError(f"a report covers at most {MAX_DAYS} days", "to")

    @post_load
    def _report(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        """The report asked for, with the defaults of days left out (checked again: a default
        ``from`` may lie after ``to``, or too far before it)."""
        zone = ZoneInfo(data["timezone"])
        today = datetime.now(zone).date()
        start, end = data.get("from_") or today.replace(day=1), data.get("to") or today
        if start > end:
            raise ValidationError("must not be after to", "from")
        if (end - start).days > MAX_DAYS:
            raise ValidationError("is too far before to", "from")
        report = TicketReport(group_by=tuple(data["group_by"]), start=_midnight(start, zone),
                              end=_midnight(end + timedelta(days=1), zone), timezone=data["timezone"],
                              estate_id=data.get("estate_id"))
        return {**data, "report": report}


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


class TicketFiguresSchema(Schema):
    class Meta:
        ordered = True

    estate_id = fields.UUID()
    estate = fields.String()
    building_id = fields.UUID(allow_none=True)
    building = fields.String()
    kind = fields.String()
    kind_name = fields.String()
    complaint_class = fields.String(allow_none=True)
    complaint_class_name = fields.String()
    quality_aspect = fields.String(allow_none=True)
    quality_aspect_name = fields.String()
    priority = fields.String()
    priority_name = fields.String()
    stage = fields.String()
    stage_name = fields.String()
    assignee_id = fields.UUID(allow_none=True)
    assignee = fields.String()
    subtype = fields.String(allow_none=True, metadata={"description": "The complaint's sub-type (TKT-14)"})
    subtype_name = fields.String()
    root_cause = fields.String(allow_none=True)
    root_cause_name = fields.String()
    responsible_department = fields.String(allow_none=True)
    responsible_department_name = fields.String()
    justified = fields.Boolean(allow_none=True, metadata={"description": "null: not reviewed"})
    justified_name = fields.String()
    media_involved = fields.Boolean(allow_none=True, metadata={"description": "null: no outcome recorded"})
    media_involved_name = fields.String()
    legal_referral = fields.Boolean(allow_none=True)
    legal_referral_name = fields.String()
    day = fields.String()
    week = fields.String(metadata={"description": "The week's Monday"})
    month = fields.String()
    tickets = fields.Integer()
    open = fields.Integer(metadata={"description": "Neither resolved nor closed"})
    resolved = fields.Integer()
    avg_acknowledge_seconds = fields.Float(allow_none=True)
    avg_arrive_seconds = fields.Float(allow_none=True)
    avg_resolve_seconds = fields.Float(allow_none=True)
    evaluation_average = fields.Float(allow_none=True)
    acknowledge_met = fields.Integer()
    acknowledge_breached = fields.Integer()
    arrive_met = fields.Integer()
    arrive_breached = fields.Integer()
    resolve_met = fields.Integer()
    resolve_breached = fields.Integer()
    sla_met = fields.Integer()
    sla_breached = fields.Integer()
    sla_compliance = fields.Float(allow_none=True, metadata={"description": "met / (met + breached)"})


class TicketReportSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    timezone = fields.String()
    estate_id = fields.UUID(allow_none=True)
    group_by = fields.List(fields.String())
    rows = fields.List(fields.Nested(TicketFiguresSchema))


class MonthlyReportArgs(FormatArgs):
    estate_id = fields.UUID(required=True)
    period = fields.String(required=True, validate=validate.Regexp(PERIOD),
                           metadata={"description": "The month, YYYY-MM"})


class MonthlyRequestSchema(Schema):
    estate_id = fields.UUID(required=True)
    period = fields.String(required=True, validate=validate.Regexp(PERIOD),
                           metadata={"description": "A month that has ended, YYYY-MM"})
    regenerate = fields.Boolean(load_default=False, metadata={
        "description": "Make the report again when there is one (else 409)"})


class MonthlyReportSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    period = fields.String()
    generated_at = fields.DateTime()
    content = fields.Dict(metadata={"description": "The report: docs in tickets.reports.monthly"})


def shanghai_days(data: dict[str, Any], default_start: Callable[[date], date]) -> dict[str, Any]:
    """``from`` and ``to`` (days in Asia/Shanghai; ``to`` default today, ``from`` by ``default_start``)
    checked and made the instants ``start`` and ``end`` (the midnight after ``to``)."""
    zone = ZoneInfo("Asia/Shanghai")
    end = data.get("to") or datetime.now(zone).date()
    start = data.get("from_") or default_start(end)
    if start > end:
        raise ValidationError("must not be after to", "from")
    if (end - start).days > MAX_DAYS:
        raise ValidationError(f"a report covers at most {MAX_DAYS} days", "from")
    return {**data, "start": _midnight(start, zone), "end": _midnight(end + timedelta(days=1), zone),
            "from_": start, "to": end}


class RepeatFailureArgs(Schema):
    estate_id = fields.UUID(metadata={"description": "One estate (default: every estate of the caller)"})
    from_ = fields.Date(data_key="from", validate=validate.Range(EARLIEST, LATEST), metadata={
        "description": "First day (Asia/Shanghai), default: 90 days before to"})
    to = fields.Date(validate=validate.Range(EARLIEST, LATEST), metadata={
        "description": "Last day, included (default: today)"})
    at_least = fields.Integer(load_default=2, validate=validate.Range(min=1, max=1000), metadata={
        "description": "Items named by at least this many repairs and complaints (default 2: a repeat)"})
    kind = fields.String(validate=validate.Length(min=1, max=20), metadata={
        "description": "One kind of item: lift, pump, gate, ... (owners' equipment kinds)"})

    @post_load
    def _period(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return shanghai_days(data, lambda end: end - timedelta(days=90))


class RepeatFailureSchema(Schema):
    equipment_id = fields.UUID()
    estate_id = fields.UUID()
    building_id = fields.UUID(allow_none=True)
    kind = fields.String()
    identifier = fields.String()
    name = fields.String()
    location = fields.String()
    failures = fields.Integer(metadata={"description": "Repairs and complaints naming it in the period"})
    first_at = fields.DateTime()
    last_at = fields.DateTime()


class RepeatFailureReportSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    estate_id = fields.UUID(allow_none=True)
    at_least = fields.Integer()
    items = fields.List(fields.Nested(RepeatFailureSchema))


class AtAGlanceArgs(Schema):
    estate_id = fields.UUID(required=True)
    timezone = fields.String(load_default="Asia/Shanghai", validate=_timezone, metadata={
        "description": "The zone today and this month are counted in"})


class AtAGlanceSchema(Schema):
    estate_id = fields.UUID()
    at = fields.DateTime()
    timezone = fields.String()
    open = fields.Integer()
    open_by_stage = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"example": {
        "received": 3, "acknowledged": 2, "dispatched": 5}})
    opened_today = fields.Integer()
    sla = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "warned_today, breached_today, warned_this_month, breached_this_month (targets)"})


class PaidServicesArgs(FormatArgs):
    estate_id = fields.UUID(metadata={"description": "One estate (default: every estate of the caller)"})
    from_ = fields.Date(data_key="from", validate=validate.Range(EARLIEST, LATEST), metadata={
        "description": "First day a fee was paid in full (Asia/Shanghai), default: the 1st of to's month"})
    to = fields.Date(validate=validate.Range(EARLIEST, LATEST), metadata={
        "description": "Last day, included (default: today)"})

    @post_load
    def _period(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return shanghai_days(data, lambda end: end.replace(day=1))


_YUAN = {"maximum": "100000000000"}


def _signed(places: int, description: str) -> fields.String:
    """An exact amount that may be below zero (a margin after cost), answered as text."""
    return fields.String(allow_none=True, metadata={"description": description,
                                                    "pattern": rf"^-?[0-9]+\.[0-9]{{{places}}}$"})


class PaidServiceFiguresSchema(Schema):
    tickets = fields.Integer(metadata={"description": "Tickets paid in full (each once)"})
    revenue = ExactDecimal(**_YUAN, metadata={"description": "What the owners paid (yuan)"})
    cost = ExactDecimal(**_YUAN, metadata={"description": "The services' cost: unit cost × quantity"})
    margin = _signed(2, "revenue − cost (yuan)")
    margin_share = _signed(4, "margin / revenue (null without revenue)")
    commission = ExactDecimal(**_YUAN, metadata={"description": "Commissions earned on these lines"})
    net = _signed(2, "margin − commission (yuan)")


class PaidServiceRowSchema(PaidServiceFiguresSchema):
    estate_id = fields.UUID()
    estate = fields.String()
    month = fields.String(metadata={"description": "YYYY-MM it was paid, in the estate's time zone"})
    code = fields.String(metadata={"description": "The catalogue service's code"})
    service = fields.String()
    quantity = ExactDecimal(**_YUAN)


class PaidServicesReportSchema(Schema):
    """Revenue and margin of the paid services (特约服务收入与毛利)."""

    from_ = fields.Date(data_key="from")
    to = fields.Date()
    estate_id = fields.UUID(allow_none=True)
    rows = fields.List(fields.Nested(PaidServiceRowSchema))
    totals = fields.Nested(PaidServiceFiguresSchema)
