"""Surveys in the console (issue 24): open a wave of an estate (the share of households asked and the
look-back, as surveys' waves API takes them), see the waves with each one's response rate (live while
it is open), a wave's results (the nine elements by building and the trend against earlier waves, as
charts with the same numbers in tables), and the follow-up visits and rectification actions to work.

Everything comes from surveys' API with the staff member's own token: surveys scopes each list to
their estates and answers 404 for another estate's wave, which the frame shows as "not found"."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime
from typing import Any

from flask import Response, g, redirect, request
from tenancy.roles import MANAGERS
from werkzeug.exceptions import NotFound as PageNotFound

from gateway.console.frame import SHANGHAI, backends, blp, checked_post, desk_page, page, staff_estates, t
from gateway.pages.backends import Refused

# The nine elements of high-standard service (优质服务的九要素) in the textbook's order, as surveys names them.
ELEMENTS = ("attitude", "equipment", "skills", "services", "flexibility", "procedures", "fees", "rules", "efficiency")
PERIOD = re.compile(r"^(19[7-9][0-9]|2[0-9]{3})-Q[1-4]$")
MAX_NOTE = 2000
RATE_POLL = "every 15s"
FORMATS = {"xlsx": "xlsx", "csv": "csv"}


# --- what every surveys page uses ---------------------------------------------------------------

def chosen_estate(found: list[dict[str, Any]], wanted: str | None) -> dict[str, Any] | None:
    """The estate ``wanted`` names among the staff member's; another estate is "not found"."""
    if not wanted:
        return None
    for estate in found:
        if estate["id"] == wanted:
            return estate
    raise PageNotFound()


def element_name(code: str) -> str:
    key = f"sv_element_{code}"
    try:
        return t(key)
    except KeyError:
        return code


def percent(rate: str | float | None) -> str:
    """0.4567 (or "0.4567") as 45.7%; nothing as —."""
    if rate in (None, ""):
        return "—"
    return f"{float(rate) * 100:.1f}%"


def chart_json(option: dict[str, Any]) -> str:
    """An ECharts option for static/charts.js, safe inside ``<script type="application/json">``."""
    return json.dumps(option, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def may_open_waves() -> bool:
    return g.staff.role in MANAGERS


def current_quarter() -> str:
    today = datetime.now(SHANGHAI).date()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def next_quarter(period: str) -> str:
    year, quarter = int(period[:4]), int(period[-1])
    return f"{year + 1}-Q1" if quarter == 4 else f"{year}-Q{quarter + 1}"


# --- the waves ----------------------------------------------------------------------------------

@blp.route("/console/surveys", methods=["GET"])
@desk_page
def surveys_page() -> Any:
    """The waves of the staff member's estates (or one), each with its response rate; the form to open one."""
    found = staff_estates()
    estate = chosen_estate(found, request.args.get("estate"))
    form = {"estate": estate["id"] if estate else (found[0]["id"] if len(found) == 1 else ""),
            "period": current_quarter(), "percent": "20", "lookback": "4", "opens_on": "", "closes_on": "",
            "key": str(uuid.uuid4())}
    return _waves_page(found, estate, form, {}, 200, opened=False, suggest=True)


def _waves_page(found: list[dict[str, Any]], estate: dict[str, Any] | None, form: dict[str, str],
                errors: dict[str, str], status: int, *, opened: bool, suggest: bool = False) -> Any:
    params: dict[str, Any] = {"page_size": 20}
    if estate:
        params["estate_id"] = estate["id"]
    waves = backends().get("surveys", "/api/v1/waves", **params)["items"]
    if suggest:  # the first quarter from this one on that the chosen estate has no wave of
        taken = {wave["period"] for wave in waves if wave["estate_id"] == form["estate"]}
        while form["period"] in taken:
            form["period"] = next_quarter(form["period"])
    names = {e["id"]: e["name"] for e in found}
    rows = [{**wave, "estate_name": names.get(wave["estate_id"], ""), "rate": _rate(wave["id"])} for wave in waves]
    return page("surveys_waves", status, estates=found, estate=estate, waves=rows, form=form, errors=errors,
                may_open=may_open_waves(), percent=percent, poll=RATE_POLL, opened=opened)


def _rate(wave_id: str) -> dict[str, Any]:
    stats = backends().get("surveys", f"/api/v1/waves/{wave_id}/statistics")
    return {"invited": stats["invited"], "answered": stats["answered"], "rate": stats["response_rate"]}


@blp.route("/console/surveys/<uuid:wave_id>/rate", methods=["GET"])
@desk_page
def wave_rate(wave_id: uuid.UUID) -> Any:
    """A wave's response rate alone: the live part of the waves' list and of a wave's page."""
    wave = backends().get("surveys", f"/api/v1/waves/{wave_id}")
    return page("surveys_rate", wave=wave, rate=_rate(str(wave_id)), percent=percent, poll=RATE_POLL)


@blp.route("/console/surveys/waves", methods=["POST"])
@desk_page
@checked_post
def open_wave() -> Any:
    """Open a wave: the form is checked here first (a clear refusal in the staff member's language,
    nothing sent); surveys checks it again and its refusal is shown the same way."""
    found = staff_estates()
    sent = {name: (request.form.get(name) or "").strip()
            for name in ("estate", "period", "percent", "lookback", "opens_on", "closes_on", "key")}
    sent["key"] = sent["key"] or str(uuid.uuid4())
    if not may_open_waves():
        raise PageNotFound()
    errors: dict[str, str] = {}
    if sent["estate"] not in {e["id"] for e in found}:
        errors["estate"] = t("sv_error_estate")
    if not PERIOD.match(sent["period"]):
        errors["period"] = t("sv_error_period")
    share = _whole(sent["percent"], 1, 100)
    if share is None:
        errors["percent"] = t("sv_error_percent")
    lookback = _whole(sent["lookback"], 0, 20)
    if lookback is None:
        errors["lookback"] = t("sv_error_lookback")
    days = {name: _day(sent[name]) for name in ("opens_on", "closes_on") if sent[name]}
    for name, day in days.items():
        if day is None:
            errors[name] = t("sv_error_day")
    if not errors and days.get("opens_on") and days.get("closes_on") and days["closes_on"] <= days["opens_on"]:
        errors["closes_on"] = t("sv_error_closes_on")
    if errors:
        return _waves_page(found, None, sent, errors, 422, opened=False)
    body = {"estate_id": sent["estate"], "period": sent["period"], "percent": share, "lookback": lookback,
            **{name: day.isoformat() for name, day in days.items() if day}}
    try:
        wave = backends().call("surveys", "POST", "/api/v1/waves", headers={"Idempotency-Key": sent["key"]}, json=body)
    except Refused as refused:
        if refused.status in (401, 403, 404):
            raise
        field = next((name for name in ("period", "percent", "lookback", "opens_on", "closes_on")
                      if name in (refused.errors or {})), "period")
        sent["key"] = str(uuid.uuid4())  # what is sent again after a correction is a new request
        return _waves_page(found, None, sent, {field: refused.message}, 422, opened=False)
    return redirect(f"/console/surveys/{wave['id']}?opened=1", 303)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) else None
    except ValueError:
        return None


def _whole(text: str, low: int, high: int) -> int | None:
    if not re.fullmatch(r"[0-9]{1,3}", text):
        return None
    value = int(text)
    return value if low <= value <= high else None


# --- a wave's results ---------------------------------------------------------------------------

@blp.route("/console/surveys/<uuid:wave_id>", methods=["GET"])
@desk_page
def wave_page(wave_id: uuid.UUID) -> Any:
    """A wave's results: the response rate, the nine elements by building and the trend against the
    estate's earlier waves, as charts and as tables."""
    wave = backends().get("surveys", f"/api/v1/waves/{wave_id}")
    stats = backends().get("surveys", f"/api/v1/waves/{wave_id}/statistics")
    estate = backends().get("owners", f"/api/v1/estates/{wave['estate_id']}")
    buildings = _by_building(stats)
    trend = _trend(stats)
    return page("surveys_results", wave=wave, stats=stats, estate=estate, buildings=buildings, trend=trend,
                elements=ELEMENTS, element_name=element_name, percent=percent, poll=RATE_POLL,
                rate={"invited": stats["invited"], "answered": stats["answered"], "rate": stats["response_rate"]},
                estate_means={e["element"]: e for e in stats.get("elements") or []},
                building_chart=chart_json(_heatmap(buildings)), trend_chart=chart_json(_trend_chart(trend)),
                opened=request.args.get("opened") == "1")


def _by_building(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """Each building's mean per element (None where nobody scored it), by name."""
    rows = []
    for building in stats.get("buildings") or []:
        means = {e["element"]: e.get("mean") for e in building.get("elements") or []}
        rows.append({"name": building.get("building_name") or "—", "answers": building.get("answers"),
                     "mean": building.get("mean"), "means": means})
    return sorted(rows, key=lambda row: row["name"])


def _trend(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """The estate's earlier waves and this one, the oldest first: each element's mean."""
    waves = [{"period": w["period"], "means": {e["element"]: e.get("mean") for e in w.get("elements") or []}}
             for w in stats.get("trend") or []]
    waves = [w for w in waves if w["period"] != stats["period"]]
    waves.sort(key=lambda w: w["period"])
    this = {e["element"]: e.get("mean") for e in stats.get("elements") or []}
    waves.append({"period": stats["period"], "means": this})
    return waves


def _number(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


def _heatmap(buildings: list[dict[str, Any]]) -> dict[str, Any]:
    names = [element_name(code) for code in ELEMENTS]
    cells = [[x, y, _number(row["means"].get(code))] for y, row in enumerate(buildings)
             for x, code in enumerate(ELEMENTS) if row["means"].get(code) not in (None, "")]
    return {
        "tooltip": {"position": "top"},
        "grid": {"left": 90, "right": 20, "top": 10, "bottom": 80},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": {"type": "category", "data": [row["name"] for row in buildings], "inverse": True},
        "visualMap": {"min": 1, "max": 5, "calculable": False, "orient": "horizontal", "left": "center",
                      "bottom": 0, "itemHeight": 140, "inRange": {"color": ["#b3261e", "#f2c14e", "#1e6b26"]}},
        "series": [{"type": "heatmap", "data": cells, "label": {"show": True},
                    "emphasis": {"itemStyle": {"borderColor": "#1f2933", "borderWidth": 1}}}],
    }


def _trend_chart(trend: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 40, "right": 20, "top": 20, "bottom": 50},
        "xAxis": {"type": "category", "data": [w["period"] for w in trend]},
        "yAxis": {"type": "value", "min": 1, "max": 5},
        "series": [{"type": "line", "name": element_name(code), "connectNulls": True, "symbolSize": 7,
                    "data": [_number(w["means"].get(code)) for w in trend]} for code in ELEMENTS],
    }


@blp.route("/console/surveys/<uuid:wave_id>/statistics.<any(xlsx, csv):kind>", methods=["GET"])
@desk_page
def wave_statistics_file(wave_id: uuid.UUID, kind: str) -> Any:
    """A wave's statistics as surveys' API gives the file (Excel with a chart, or CSV)."""
    content, media = backends().download("surveys", f"/api/v1/waves/{wave_id}/statistics?format={FORMATS[kind]}")
    return Response(content, mimetype=media.split(";")[0], headers={
        "Content-Disposition": f'attachment; filename="survey-{wave_id}.{kind}"'})


# --- follow-up visits and rectification actions -------------------------------------------------

@blp.route("/console/surveys/follow-ups", methods=["GET"])
@desk_page
def follow_ups_page() -> Any:
    """The follow-up visits to make (visited too, when asked) and the rectification actions under way."""
    return _work_page({}, {}, 200, done=request.args.get("done"))


def _work_page(errors: dict[str, str], kept: dict[str, str], status: int, done: str | None = None) -> Any:
    found = staff_estates()
    estate = chosen_estate(found, request.values.get("estate"))
    visited = request.values.get("visited") == "1"
    params: dict[str, Any] = {"page_size": 50}
    if estate:
        params["estate_id"] = estate["id"]
    if request.values.get("wave"):
        params["wave_id"] = request.values["wave"]
    follow_ups = backends().get("surveys", "/api/v1/follow-ups", **params, **({} if visited else {"state": "open"}))
    action_params = {k: v for k, v in params.items() if k != "wave_id"}
    open_actions = backends().get("surveys", "/api/v1/actions", **action_params, state="open")["items"]
    done_actions = backends().get("surveys", "/api/v1/actions", **action_params, state="done")["items"]
    names = {e["id"]: e["name"] for e in found} if len(found) > 1 else {}
    visited_estates = {f["estate_id"] for f in follow_ups["items"] if f["state"] == "visited"}
    roster = {estate_id: _staff(estate_id) for estate_id in visited_estates}
    today = datetime.now(SHANGHAI).date().isoformat()
    return page("surveys_follow_ups", status, estates=found, estate=estate, visited=visited,
                wave=request.values.get("wave") or "", follow_ups=follow_ups["items"], more=follow_ups["has_more"],
                actions=sorted(open_actions, key=lambda a: a["due_on"]) + done_actions, names=names, today=today,
                errors=errors, kept=kept, done=done, reason=_reason, may_verify=g.staff.role in MANAGERS,
                roster=roster)


def _staff(estate_id: str) -> list[dict[str, Any]]:
    """The estate's active staff, who may answer for a rectification action."""
    return backends().get("owners", "/api/v1/staff", estate_id=estate_id, active="true", page_size=100)["items"]


def _reason(reason: dict[str, Any]) -> str:
    kind = reason.get("kind")
    if kind == "low_score":
        return t("sv_reason_low_score").format(element=element_name(str(reason.get("element") or reason.get("code"))),
                                               score=reason.get("score"), threshold=reason.get("threshold"))
    if kind == "complaint":
        return t("sv_reason_complaint").format(text=reason.get("text") or ", ".join(reason.get("words") or []))
    if kind == "staff":
        return t("sv_reason_staff").format(note=reason.get("note") or "")
    return str(kind or "")


def _back_to_work(done: str) -> Any:
    keep = {name: request.form[name] for name in ("estate", "visited", "wave") if request.form.get(name)}
    query = "&".join(f"{name}={value}" for name, value in {**keep, "done": done}.items())
    return redirect(f"/console/surveys/follow-ups?{query}", 303)


@blp.route("/console/surveys/follow-ups/<uuid:follow_up_id>/visit", methods=["POST"])
@desk_page
@checked_post
def record_visit(follow_up_id: uuid.UUID) -> Any:
    """Record a follow-up visit: what the owner said (required, at most 2,000 characters)."""
    said = (request.form.get("owner_said") or "").strip()
    field = f"owner_said-{follow_up_id}"
    if not said or len(said) > MAX_NOTE:
        return _work_page({field: t("sv_error_owner_said")}, {field: said}, 422)
    body: dict[str, Any] = {"owner_said": said}
    if (request.form.get("version") or "").isdigit():
        body["version"] = int(request.form["version"])
    try:
        backends().call("surveys", "POST", f"/api/v1/follow-ups/{follow_up_id}/visit", json=body)
    except Refused as refused:
        if refused.status in (401, 403, 404):
            raise
        return _work_page({field: refused.message}, {field: said}, 422 if refused.status == 422 else 409)
    return _back_to_work("visit")


@blp.route("/console/surveys/actions/<uuid:action_id>/<any(done, verification):step>", methods=["POST"])
@desk_page
@checked_post
def move_action(action_id: uuid.UUID, step: str) -> Any:
    """An action's progress: done (with a note), or verified by a manager."""
    note = (request.form.get("note") or "").strip()
    field = f"note-{action_id}"
    if len(note) > MAX_NOTE:
        return _work_page({field: t("sv_error_note")}, {field: note}, 422)
    body: dict[str, Any] = {"note": note or None}
    if (request.form.get("version") or "").isdigit():
        body["version"] = int(request.form["version"])
    try:
        backends().call("surveys", "POST", f"/api/v1/actions/{action_id}/{step}", json=body)
    except Refused as refused:
        if refused.status in (401, 403, 404):
            raise
        return _work_page({field: refused.message}, {field: note}, 422 if refused.status == 422 else 409)
    return _back_to_work("action")


@blp.route("/console/surveys/follow-ups/<uuid:follow_up_id>/actions", methods=["POST"])
@desk_page
@checked_post
def open_action(follow_up_id: uuid.UUID) -> Any:
    """A rectification action of a visited follow-up: what is to be done, who answers for it (one of
    the estate's active staff) and by when (today or later)."""
    follow_up = backends().get("surveys", f"/api/v1/follow-ups/{follow_up_id}")
    sent = {name: (request.form.get(name) or "").strip() for name in ("description", "responsible", "due_on")}
    fields = {name: f"action-{name}-{follow_up_id}" for name in sent}
    errors: dict[str, str] = {}
    if not sent["description"] or len(sent["description"]) > MAX_NOTE:
        errors[fields["description"]] = t("sv_error_description")
    if sent["responsible"] not in {person["id"] for person in _staff(follow_up["estate_id"])}:
        errors[fields["responsible"]] = t("sv_error_responsible")
    due = _day(sent["due_on"])
    if due is None or due < datetime.now(SHANGHAI).date():
        errors[fields["due_on"]] = t("sv_error_due_on")
    kept = {fields[name]: value for name, value in sent.items()}
    if errors:
        return _work_page(errors, kept, 422)
    try:
        backends().call("surveys", "POST", "/api/v1/actions", json={
            "follow_up_id": str(follow_up_id), "description": sent["description"],
            "responsible_id": sent["responsible"], "due_on": due.isoformat()})
    except Refused as refused:
        if refused.status in (401, 403, 404):
            raise
        return _work_page({fields["description"]: refused.message}, kept, 422 if refused.status == 422 else 409)
    return _back_to_work("action_opened")
