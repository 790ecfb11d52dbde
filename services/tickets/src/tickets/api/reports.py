"""Reports on tickets (TKT-12): figures grouped as asked, and the monthly complaint analysis, as
JSON, CSV or XLSX (``?format=`` or the Accept header)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from flask import Response, request
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema
from sqlalchemy.exc import DataError
from tenancy.roles import DESK
from webargs.fields import DelimitedList

from servicekit.rows import now
from servicekit.web import current_principal, refuse
from servicekit.webapp import read, unit_of_work
from tickets.api.access import blueprint
from tickets.api.attachments import content_disposition
from tickets.reports import exports, monthly
from tickets.reports.queries import DIMENSIONS, TicketReport, ticket_figures
from tickets.reports.sheets import monthly_sheets, monthly_table, ticket_report_columns, ticket_report_sheet
from tickets.reports.sql import PERIODS

blp = blueprint("reports", __name__, url_prefix="/api/v1/reports",
                description="Reports: ticket figures and the monthly complaint analysis (报表)")

FORMATS = {"json": "application/json", "csv": exports.CSV, "xlsx": exports.XLSX}
MAX_DAYS = 3 * 366
_PROBLEM = {"content": {"application/problem+json": {"schema": {"type": "object"}}}}
# Dates a report can cover (an instant outside them cannot be stored or converted).
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)
PERIOD = r"^(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])$"


def _files(schema: str) -> dict[str, Any]:
    """The 200 answer of a report: JSON (``schema``), CSV or XLSX (with a chart)."""
    return {"200": {"description": "The report as JSON, CSV or XLSX (with a chart)", "content": {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}},
        exports.CSV: {"schema": {"type": "string"}}, exports.XLSX: {"schema": {"type": "string", "format": "binary"}}}},
        "404": {"description": "No such estate (or not one of the caller's), or no report of that month", **_PROBLEM}}


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


@blp.route("/tickets")
class TicketReports(MethodView):
    @blp.arguments(TicketReportArgs, location="query")
    @blp.response(200, TicketReportSchema)
    @blp.doc(responses=_files("TicketReport"))
    @blp.allow(DESK, rows=("estate_id",))
    def get(self, args: dict[str, Any]) -> Any:
        """Counts, durations and SLA compliance of the tickets created in a date range, grouped as asked"""
        report = _ticket_report(args)
        rows = _figures(report)
        answer = {"from_": report.start.date(), "to": (report.end - timedelta(days=1)).date(),
                  "timezone": report.timezone, "estate_id": report.estate_id, "group_by": list(report.group_by),
                  "rows": rows}
        return _as_asked(args, f"tickets-report-{answer['from_']}-{answer['to']}", answer,
                         lambda: (ticket_report_columns(report.group_by), rows),
                         lambda: [ticket_report_sheet(report, rows)])


def _ticket_report(args: dict[str, Any]) -> TicketReport:
    """What the query asks for, its days (in its time zone) made instants: from's midnight to the
    midnight after to."""
    zone = ZoneInfo(args["timezone"])
    today = datetime.now(zone).date()
    start, end = args.get("from_") or today.replace(day=1), args.get("to") or today
    if start > end:
        refuse(422, "from is after to", "开始日期晚于结束日期", errors={"query": {"from": ["must not be after to"]}})
    if (end - start).days > MAX_DAYS:
        refuse(422, f"a report covers at most {MAX_DAYS} days", f"报表最多覆盖 {MAX_DAYS} 天",
              errors={"query": {"from": ["is too far before to"]}})
    return TicketReport(group_by=tuple(args["group_by"]), start=_midnight(start, zone),
                        end=_midnight(end + timedelta(days=1), zone), timezone=args["timezone"],
                        estate_id=args.get("estate_id"))


def _figures(report: TicketReport) -> list[dict[str, Any]]:
    try:
        return read(ticket_figures, current_principal(), report)
    except DataError:  # a zone Python knows and the database does not
        refuse(422, "the database does not know this time zone", "数据库不支持此时区",
              errors={"query": {"timezone": ["is not known to the database"]}})


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


@blp.route("/monthly")
class MonthlyReports(MethodView):
    @blp.arguments(MonthlyReportArgs, location="query")
    @blp.response(200, MonthlyReportSchema)
    @blp.doc(responses=_files("MonthlyReport"))
    @blp.allow(DESK, rows=("estate_id",))
    def get(self, args: dict[str, Any]) -> Any:
        """An estate's monthly complaint statistics and analysis report (每月投诉统计及分析报告)"""
        report = read(monthly.stored_report, args["estate_id"], args["period"])
        content = report["content"]
        name = f"complaints-{content.get('estate_code') or report['estate_id']}-{report['period']}"
        return _as_asked(args, name, report, lambda: monthly_table(content), lambda: monthly_sheets(content))

    @blp.arguments(MonthlyRequestSchema)
    @blp.response(201, MonthlyReportSchema)
    @blp.doc(responses={"409": {"description": "The report exists (send regenerate: true to make it again)",
                                **_PROBLEM},
                        "422": {"description": "The month has not ended yet", **_PROBLEM}})
    @blp.allow(DESK, rows=("estate_id",))
    def post(self, data: dict[str, Any]) -> Any:
        """Make an estate's monthly report now (the timer makes each on the 1st of the next month)"""
        return monthly.generate(unit_of_work(), data["estate_id"], data["period"], now(),
                                regenerate=data["regenerate"])


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def _as_asked(args: dict[str, Any], name: str, answer: Any,
              table: Callable[[], tuple[list[exports.Column], list[dict[str, Any]]]],
              sheets: Callable[[], list[exports.Sheet]]) -> Any:
    """The answer as JSON, or the file asked for by ``?format=`` (else by the Accept header)."""
    best = request.accept_mimetypes.best_match(list(FORMATS.values()), default="application/json")
    wanted = args.get("format") or next(key for key, mime in FORMATS.items() if mime == best)
    if wanted == "csv":
        return _file(exports.table_csv(*table()), exports.CSV, f"{name}.csv")
    if wanted == "xlsx":
        return _file(exports.workbook_xlsx(sheets()), exports.XLSX, f"{name}.xlsx")
    return answer


def _file(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": content_disposition(filename), "X-Content-Type-Options": "nosniff"})
