"""Reports on tickets (TKT-12): figures grouped as asked, and the monthly complaint analysis, as
JSON, CSV or XLSX (``?format=`` or the Accept header)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tenancy.roles import DESK, MANAGERS

from servicekit.access import ScopedBlueprint
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work
from tickets.access import SCOPE
from tickets.reports import at_a_glance, failures, revenue, schemas, use_cases, views
from tickets.reports.formats import as_asked
from tickets.reports.sheets import (
    PAID_SERVICE_COLUMNS,
    monthly_sheets,
    monthly_table,
    paid_services_rows,
    paid_services_sheet,
    ticket_report_columns,
    ticket_report_sheet,
)

blp = ScopedBlueprint("reports", __name__, scope=SCOPE, url_prefix="/api/v1/reports",
                      description="Reports: ticket figures and the monthly complaint analysis (报表)")


@blp.route("/tickets", methods=["GET"])
@blp.arguments(schemas.TicketReportArgs, location="query")
@blp.response(200, schemas.TicketReportSchema)
@blp.doc(responses=schemas.files("TicketReport"))
@blp.allow(DESK, rows=("estate_id",))
def ticket_report(args: dict[str, Any]) -> Any:
    """Counts, durations and SLA compliance of the tickets created in a date range, grouped as asked"""
    report = args["report"]
    rows = read(views.ticket_figures, current_principal(), report)
    answer = {"from_": report.start.date(), "to": (report.end - timedelta(days=1)).date(),
              "timezone": report.timezone, "estate_id": report.estate_id, "group_by": list(report.group_by),
              "rows": rows}
    return as_asked(args, f"tickets-report-{answer['from_']}-{answer['to']}", answer,
                     lambda: (ticket_report_columns(report.group_by), rows),
                     lambda: [ticket_report_sheet(report, rows)])


@blp.route("/monthly", methods=["GET"])
@blp.arguments(schemas.MonthlyReportArgs, location="query")
@blp.response(200, schemas.MonthlyReportSchema)
@blp.doc(responses=schemas.files("MonthlyReport"))
@blp.allow(DESK, rows=("estate_id",))
def monthly_report(args: dict[str, Any]) -> Any:
    """An estate's monthly complaint statistics and analysis report (每月投诉统计及分析报告)"""
    report = read(views.stored_report, args["estate_id"], args["period"])
    content = report["content"]
    name = f"complaints-{content.get('estate_code') or report['estate_id']}-{report['period']}"
    return as_asked(args, name, report, lambda: monthly_table(content), lambda: monthly_sheets(content))


@blp.route("/monthly", methods=["POST"])
@blp.arguments(schemas.MonthlyRequestSchema)
@blp.response(201, schemas.MonthlyReportSchema)
@blp.doc(responses={
    "409": {"description": "The report exists (send regenerate: true to make it again)", **schemas.PROBLEM},
    "422": {"description": "The month has not ended yet", **schemas.PROBLEM}})
@blp.allow(DESK, rows=("estate_id",))
def make_monthly_report(data: dict[str, Any]) -> Any:
    """Make an estate's monthly report now (the timer makes each on the 1st of the next month)"""
    return use_cases.generate(unit_of_work(), data["estate_id"], data["period"], now(),
                              regenerate=data["regenerate"])


@blp.route("/repeat-failures", methods=["GET"])
@blp.arguments(schemas.RepeatFailureArgs, location="query")
@blp.response(200, schemas.RepeatFailureReportSchema)
@blp.allow(DESK, rows=("estate_id",))
def repeat_failures(args: dict[str, Any]) -> Any:
    """Common areas and equipment that failed again and again: repairs and complaints per registered item"""
    items = read(failures.repeat_failures, current_principal(), start=args["start"], end=args["end"],
                 estate_id=args.get("estate_id"), at_least=args["at_least"], kind=args.get("kind"))
    return {"from_": args["from_"], "to": args["to"], "estate_id": args.get("estate_id"),
            "at_least": args["at_least"], "items": items}



@blp.route("/at-a-glance", methods=["GET"])
@blp.arguments(schemas.AtAGlanceArgs, location="query")
@blp.response(200, schemas.AtAGlanceSchema)
@blp.allow(DESK, rows=("estate_id",))
def estate_at_a_glance(args: dict[str, Any]) -> Any:
    """An estate's desk now: open tickets by stage, service-level warnings and breaches today and this month"""
    return read(at_a_glance.at_a_glance, args["estate_id"], now(), args["timezone"])


@blp.route("/paid-services", methods=["GET"])
@blp.arguments(schemas.PaidServicesArgs, location="query")
@blp.response(200, schemas.PaidServicesReportSchema)
@blp.doc(responses=schemas.files("PaidServicesReport"))
@blp.allow(MANAGERS, rows=("estate_id",))
def paid_services(args: dict[str, Any]) -> Any:
    """Revenue and margin of the paid services by estate, month and service (特约服务收入与毛利)"""
    found = read(revenue.paid_services, current_principal(), start=args["start"], end=args["end"],
                 estate_id=args.get("estate_id"))
    answer = {"from_": args["from_"], "to": args["to"], "estate_id": args.get("estate_id"), **found}
    return as_asked(args, f"paid-services-{args['from_']}-{args['to']}", answer,
                    lambda: (PAID_SERVICE_COLUMNS, paid_services_rows(found)), lambda: [paid_services_sheet(answer)])
