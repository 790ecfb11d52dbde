"""The estate dashboard and the monthly complaint report in the console (issue 24).

The dashboard draws the gateway's estate overview (GW-2: ``/gateway/api/v1/overview/estates/{id}``,
called like any API with the staff member's token) as charts, each with its numbers in a table; the
page refreshes its figures itself (htmx polling), for a wall screen. The monthly complaint report is
tickets' (``/tickets/api/v1/reports/monthly``): shown, made on request for a month that has ended, and
downloaded as the API gives it (Excel or CSV)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import redirect, request
from werkzeug.exceptions import NotFound as PageNotFound

from gateway.console.frame import (
    SHANGHAI,
    attachment,
    backends,
    blp,
    checked_post,
    desk_page,
    local,
    page,
    staff_estates,
    t,
)
from gateway.console.surveys import ELEMENTS, chart_json, element_name, percent
from gateway.pages.backends import Refused

# The stages an open ticket can be in, in the textbook's order (tickets' at-a-glance counts them).
OPEN_STAGES = ("received", "acknowledged", "dispatched", "on_site", "explained", "escalated", "resolved",
               "owner_informed", "evaluated")
MONTH = re.compile(r"^(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])$")
REFRESH = "every 30s"
COLOURS = {"brand": "#0b5c8a", "warn": "#d98e04", "bad": "#b3261e", "ok": "#1e6b26", "soft": "#7fb3d5"}


def _estate(wanted: str | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The staff member's estates and the one chosen (the first without a choice); another is "not found"."""
    found = staff_estates()
    if not found:
        raise PageNotFound()
    if not wanted:
        return found, found[0]
    for estate in found:
        if estate["id"] == wanted:
            return found, estate
    raise PageNotFound()


# --- the estate dashboard -----------------------------------------------------------------------

@blp.route("/console/dashboard", methods=["GET"])
@desk_page
def dashboard_page() -> Any:
    """An estate's dashboard: tickets, service levels, notices' reach, satisfaction and follow-up work."""
    found, estate = _estate(request.args.get("estate"))
    return page("dashboard_page", estates=found, estate=estate, refresh=REFRESH, **_figures(estate))


@blp.route("/console/dashboard/live", methods=["GET"])
@desk_page
def dashboard_live() -> Any:
    """The dashboard's figures alone: what the page polls."""
    _found, estate = _estate(request.args.get("estate"))
    return page("dashboard_live", estate=estate, refresh=REFRESH, **_figures(estate))


def _figures(estate: dict[str, Any]) -> dict[str, Any]:
    overview = backends().get("gateway", f"/api/v1/overview/estates/{estate['id']}")
    tickets = overview.get("tickets") or {}
    by_stage = tickets.get("open_by_stage") or {}
    stages = [(t(f"db_stage_{stage}"), int(by_stage.get(stage, 0))) for stage in OPEN_STAGES]
    stages += [(stage, int(n)) for stage, n in by_stage.items() if stage not in OPEN_STAGES]
    sla = tickets.get("sla") or {}
    satisfaction = overview.get("satisfaction") or {}
    elements = {e["element"]: e for e in satisfaction.get("elements") or []}
    scores = [(code, elements.get(code, {}).get("mean")) for code in ELEMENTS]
    return {
        "overview": overview, "tickets": tickets, "stages": stages, "sla": sla, "notices": overview.get("notices"),
        "satisfaction": satisfaction, "scores": scores, "follow_ups": overview.get("follow_ups") or {},
        "actions": overview.get("actions") or {}, "percent": percent, "element_name": element_name,
        "updated": local(datetime.now(SHANGHAI), "%H:%M:%S"),
        "stage_chart": chart_json(_bars([name for name, _n in stages],
                                        [{"name": t("db_count"), "data": [n for _s, n in stages],
                                          "color": COLOURS["brand"]}])),
        "sla_chart": chart_json(_bars([t("db_today"), t("db_this_month")], [
            {"name": t("db_warnings"), "data": [sla.get("warned_today", 0), sla.get("warned_this_month", 0)],
             "color": COLOURS["warn"]},
            {"name": t("db_breaches"), "data": [sla.get("breached_today", 0), sla.get("breached_this_month", 0)],
             "color": COLOURS["bad"]}])),
        "satisfaction_chart": chart_json(_bars([element_name(code) for code, _m in scores], [
            {"name": t("sv_mean"), "data": [None if m in (None, "") else float(m) for _c, m in scores],
             "color": COLOURS["ok"]}], top=5)),
    }


def _bars(categories: list[str], series: list[dict[str, Any]], top: float | None = None) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"show": len(series) > 1, "bottom": 0},
        "grid": {"left": 40, "right": 16, "top": 24, "bottom": 70 if len(series) > 1 else 50},
        "xAxis": {"type": "category", "data": categories, "axisLabel": {"interval": 0, "rotate": 25 if
                                                                         len(categories) > 5 else 0}},
        "yAxis": {"type": "value", "minInterval": 1, **({"max": top, "min": 0} if top else {})},
        "series": [{"type": "bar", "name": s["name"], "data": s["data"], "itemStyle": {"color": s["color"]},
                    "label": {"show": True, "position": "top"}, "barMaxWidth": 42} for s in series],
    }


# --- the monthly complaint report ---------------------------------------------------------------

def _last_month() -> str:
    today = datetime.now(SHANGHAI).date()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


@blp.route("/console/dashboard/report", methods=["GET"])
@desk_page
def report_page() -> Any:
    """An estate's monthly complaint report (last month unless another is chosen)."""
    found, estate = _estate(request.args.get("estate"))
    month = (request.args.get("month") or _last_month()).strip()
    return _report(found, estate, month, made=request.args.get("made") == "1")


def _report(found: list[dict[str, Any]], estate: dict[str, Any], month: str, *, made: bool = False,
            error: str | None = None, status: int = 200) -> Any:
    context: dict[str, Any] = {"estates": found, "estate": estate, "month": month, "made": made, "report": None,
                               "error": error, "percent": percent, "month_ok": MONTH.match(month) is not None}
    if not MONTH.match(month):
        context["error"] = t("rp_error_month")
        return page("dashboard_report", 422, **context)
    try:
        report = backends().get("tickets", "/api/v1/reports/monthly", estate_id=estate["id"], period=month)
    except Refused as refused:
        if refused.status != 404:
            raise
        return page("dashboard_report", status, **context)
    content = report.get("content") or {}
    trend = content.get("trend") or []
    context.update(report=report, content=content, trend=trend, generated=local(report.get("generated_at"),
                                                                                   "%Y-%m-%d %H:%M"),
                   trend_chart=chart_json(_report_trend(trend)))
    return page("dashboard_report", status, **context)


def _report_trend(trend: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 50, "top": 24, "bottom": 50},
        "xAxis": {"type": "category", "data": [m["period"] for m in trend]},
        "yAxis": [{"type": "value", "minInterval": 1, "name": t("rp_complaints")},
                  {"type": "value", "min": 0, "max": 100, "name": "%"}],
        "series": [
            {"type": "bar", "name": t("rp_complaints"), "data": [m.get("complaints") for m in trend],
             "itemStyle": {"color": COLOURS["brand"]}, "label": {"show": True, "position": "top"}, "barMaxWidth": 42},
            {"type": "line", "name": t("rp_compliance"), "yAxisIndex": 1, "itemStyle": {"color": COLOURS["ok"]},
             "data": [None if m.get("sla_compliance") is None else round(float(m["sla_compliance"]) * 100, 1)
                      for m in trend]},
        ],
    }


@blp.route("/console/dashboard/report", methods=["POST"])
@desk_page
@checked_post
def make_report() -> Any:
    """Make an estate's report of a month that has ended (tickets refuses a month not ended yet)."""
    found, estate = _estate(request.form.get("estate"))
    month = (request.form.get("month") or "").strip()
    if not MONTH.match(month):
        return _report(found, estate, month, status=422)
    try:
        backends().call("tickets", "POST", "/api/v1/reports/monthly",
                        json={"estate_id": estate["id"], "period": month})
    except Refused as refused:
        if refused.status in (401, 403, 404):
            raise
        if refused.status != 409:  # 409: it was made meanwhile; show it
            return _report(found, estate, month, error=refused.message, status=422)
    return redirect(f"/console/dashboard/report?estate={estate['id']}&month={month}&made=1", 303)


@blp.route("/console/dashboard/report.<any(xlsx, csv):kind>", methods=["GET"])
@desk_page
def report_file(kind: str) -> Any:
    """The report as tickets' API gives the file: an Excel workbook (with its chart) or CSV."""
    _found, estate = _estate(request.args.get("estate"))
    month = (request.args.get("month") or "").strip()
    if not MONTH.match(month):
        raise PageNotFound()
    content, media = backends().download(
        "tickets", f"/api/v1/reports/monthly?estate_id={estate['id']}&period={month}&format={kind}")
    name = f"complaints-{estate.get('code') or estate['id']}-{month}.{kind}"
    return attachment(content, media, name)
