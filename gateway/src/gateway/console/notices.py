"""Notices (通知): the estate's notices with their status and reach, composing one (an audience
picker, a template with a live preview for a sample recipient, the SMS parts and the cost, sent now
or at a time), and a notice's delivery page filling live (messages by state, households reached and
not reached) with a button resending to those not reached by another channel.

Everything is notify's API (and owners' for the estate's buildings and units) with the staff
member's own token: notify estimates, renders the preview, refuses what is wrong in the staff
member's language, and scopes every notice to their estates (another estate's is "not found")."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from flask import g, redirect, request
from werkzeug.datastructures import MultiDict

from gateway.console.frame import SHANGHAI, backends, blp, checked_post, page, staff_page, t
from gateway.console.people import desk_only, named
from gateway.pages.backends import Backends, Refused

LIST_PAGE = 20
NOT_REACHED_SHOWN = 50
CHANNELS = ("sms", "email", "in_app")
AUDIENCES = ("estate", "buildings", "units", "list")
ROLES = ("owners", "occupants")
# What notify fills in for each recipient: never asked of the staff member.
PER_RECIPIENT = frozenset({"name", "unit", "estate"})
# A message still on its way: the page keeps polling while any is.
IN_FLIGHT_STATES = ("queued", "sending", "sent")
IN_FLIGHT_STATUSES = ("scheduled", "sending", "paused")
SHOWN_STATES = ("queued", "sent", "delivered", "failed", "read")
_LIST_LINE = re.compile(r"\s*[,，;；\t]\s*")


# --- what the pages read from the services ----------------------------------------------------------

def _all(services: Backends, service: str, path: str, most: int = 10, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paginated list (at most ``most`` pages of 100)."""
    items: list[dict[str, Any]] = []
    for number in range(1, most + 1):
        answer = services.get(service, path, page=number, page_size=100, **params)
        items += answer["items"]
        if not answer.get("has_more"):
            break
    return items


def _estates(services: Backends) -> list[dict[str, Any]]:
    return _all(services, "owners", "/api/v1/estates")


def _chosen_estate(estates: list[dict[str, Any]], wanted: str | None) -> dict[str, Any] | None:
    return next((e for e in estates if e["id"] == wanted), estates[0] if estates else None)


def _templates(services: Backends, estate_id: str) -> list[dict[str, Any]]:
    return _all(services, "notify", "/api/v1/templates", estate_id=estate_id)


def _template_texts(template: dict[str, Any] | None) -> tuple[str, list[str]]:
    """A template's subject in the staff member's language, and the variables the staff fill in."""
    if template is None:
        return "", []
    texts = template.get("texts") or {}
    chosen = texts.get("en" if g.language == "en" else "zh-CN") or next(iter(texts.values()), {})
    return chosen.get("subject", template["code"]), [v for v in template.get("variables", []) if v not in PER_RECIPIENT]


# --- the list -------------------------------------------------------------------------------------

@blp.route("/console/notices", methods=["GET"])
@staff_page
def notice_list() -> Any:
    desk_only()
    services = backends()
    estates = _estates(services)
    estate = _chosen_estate(estates, request.args.get("estate_id"))
    try:
        number = max(1, min(int(request.args.get("page", "1")), 10_000))
    except ValueError:
        number = 1
    found = {"items": [], "page": 1, "has_more": False} if estate is None else services.get(
        "notify", "/api/v1/notices", estate_id=estate["id"], page=number, page_size=LIST_PAGE)
    for notice in found["items"]:
        if notice["status"] == "scheduled":
            notice["reach"] = None
            continue
        totals = services.get("notify", f"/api/v1/notices/{notice['id']}/totals")["recipients"]
        notice["reach"] = {"reached": totals.get("reached", 0),
                           "total": totals.get("total", 0) - totals.get("excluded", 0)}
    return page("notices_list", notices=found, estates=estates, estate=estate, named=named)


# --- compose --------------------------------------------------------------------------------------

def _form_defaults() -> MultiDict:
    return MultiDict([("audience", "estate"), ("role", "owners"), ("channels", "sms"), ("channels", "in_app"),
                      ("when", "now"), ("key", str(uuid.uuid4()))])


def _compose_context(services: Backends, form: MultiDict, errors: dict[str, str]) -> dict[str, Any]:
    estates = _estates(services)
    estate = _chosen_estate(estates, form.get("estate_id"))
    templates = _templates(services, estate["id"]) if estate else []
    template = next((x for x in templates if x["id"] == form.get("template_id")), None)
    buildings = _all(services, "owners", f"/api/v1/estates/{estate['id']}/buildings") if estate else []
    building_id = form.get("building_id") or (buildings[0]["id"] if buildings else "")
    units = _units(services, building_id) if form.get("audience") == "units" and building_id else []
    return {"form": form, "errors": errors, "estates": estates, "estate": estate, "templates": templates,
            "chosen_template": template, "variables": _template_texts(template)[1],
            "subject": lambda x: _template_texts(x)[0], "buildings": buildings,
            "building_id": building_id, "units": units, "channels": CHANNELS, "audiences": AUDIENCES,
            "roles": ROLES, "named": named}


def _units(services: Backends, building_id: str) -> list[dict[str, Any]]:
    try:
        UUID(building_id)
    except ValueError:
        return []
    return _all(services, "owners", f"/api/v1/buildings/{building_id}/units")


def read_notice(form: MultiDict, templates: list[dict[str, Any]],
                now: datetime) -> tuple[dict[str, Any], dict[str, str]]:
    """The body of notify's ``POST /notices`` from the compose form, and what is wrong with the form
    (each field's message in the staff member's language); nothing is sent while anything is."""
    errors: dict[str, str] = {}
    template = next((x for x in templates if x["id"] == form.get("template_id")), None)
    if template is None:
        errors["template_id"] = t("bad_template")
    title = (form.get("title") or "").strip()
    if not title or len(title) > 200:
        errors["title"] = t("bad_title")
    variables = {}
    for name in _template_texts(template)[1]:
        value = (form.get(f"var.{name}") or "").strip()
        if not value:
            errors[f"var.{name}"] = t("bad_variable").format(name=name)
        variables[name] = value
    audience = _audience(form, errors)
    channels = [c for c in CHANNELS if c in form.getlist("channels")]
    if not channels:
        errors["channels"] = t("bad_channels")
    send_at = None
    if form.get("when") == "later":
        try:
            send_at = datetime.fromisoformat(form.get("send_at") or "").replace(tzinfo=SHANGHAI)
        except ValueError:
            send_at = None
        if send_at is None or send_at <= now:
            errors["send_at"] = t("bad_send_at")
    body = {"estate_id": form.get("estate_id"), "template_id": form.get("template_id"), "title": title,
            "channels": channels, "audience": audience, "variables": variables,
            "urgent": form.get("urgent") == "on", "consent_to_split": form.get("consent_to_split") == "on"}
    if send_at is not None:
        body["send_at"] = send_at.isoformat()
    return body, errors


def _audience(form: MultiDict, errors: dict[str, str]) -> dict[str, Any]:
    kind, role = form.get("audience"), form.get("role") if form.get("role") in ROLES else "owners"
    if kind == "estate":
        return {"estate": True, "role": role}
    if kind in ("buildings", "units"):
        ids = []
        for value in form.getlist(kind):
            try:
                ids.append(str(UUID(value)))
            except ValueError:
                continue
        if not ids:
            errors[kind] = t(f"bad_{kind}")
        return {kind: ids, "role": role}
    if kind == "list":
        entries = []
        lines = [line for line in (form.get("list") or "").splitlines() if line.strip()]
        for number, line in enumerate(lines, start=1):
            parts = _LIST_LINE.split(line.strip())
            if len(parts) not in (2, 3) or not all(parts):
                errors.setdefault("list", t("bad_list_line").format(n=number))
                continue
            entry = {"name": parts[0], "mobile": parts[1]}
            if len(parts) == 3:
                entry["email"] = parts[2]
            entries.append(entry)
        if not lines:
            errors["list"] = t("bad_list")
        return {"list": entries}
    errors["audience"] = t("bad_audience")
    return {}


@blp.route("/console/notices/new", methods=["GET"])
@staff_page
def compose_page() -> Any:
    desk_only()
    form = _form_defaults()
    for name in ("estate_id", "template_id"):
        if request.args.get(name):
            form[name] = request.args[name]
    return page("notices_new", **_compose_context(backends(), form, {}))


@blp.route("/console/notices/new/variables", methods=["GET"])
@staff_page
def template_variables() -> Any:
    """The variable fields of the chosen template (htmx swaps them in as the template changes)."""
    desk_only()
    services = backends()
    templates = _templates(services, request.args.get("estate_id", ""))
    template = next((x for x in templates if x["id"] == request.args.get("template_id")), None)
    return page("notices_variables", form=MultiDict(), errors={}, variables=_template_texts(template)[1])


@blp.route("/console/notices/new/units", methods=["GET"])
@staff_page
def building_units() -> Any:
    """A building's units as boxes to tick (htmx swaps them in as the building changes)."""
    desk_only()
    return page("notices_units", form=MultiDict(), units=_units(backends(), request.args.get("building_id", "")))


@blp.route("/console/notices/preview", methods=["POST"])
@staff_page
@checked_post
def preview() -> Any:
    """What a sample recipient gets, the recipients, SMS parts and cost (notify renders and counts;
    nothing is saved). An incomplete form shows what is missing instead."""
    desk_only()
    services = backends()
    form = request.form
    templates = _templates(services, form.get("estate_id", "")) if form.get("estate_id") else []
    body, errors = read_notice(form, templates, datetime.now(SHANGHAI))
    if "template_id" in errors or "audience" in errors or any(k in errors for k in ("buildings", "units", "list")):
        return page("notices_preview", shown=None, problem=None, waiting=True)
    try:
        shown = services.call("notify", "POST", "/api/v1/notices/preview", json=_previewed(body))
    except Refused as refused:
        if refused.status in (403, 404):
            raise
        return page("notices_preview", shown=None, problem=refused.message, waiting=False)
    return page("notices_preview", shown=shown, problem=None, waiting=False, named=named)


def _previewed(body: dict[str, Any]) -> dict[str, Any]:
    """A preview of a half-filled form: a title and variables notify can render."""
    return {**body, "title": body["title"] or "—",
            "variables": {k: v or f"${{{k}}}" for k, v in body["variables"].items()}}


@blp.route("/console/notices/new", methods=["POST"])
@staff_page
@checked_post
def create_notice() -> Any:
    desk_only()
    services = backends()
    form = request.form
    estates = _estates(services)
    errors: dict[str, str] = {}
    if form.get("estate_id") not in {e["id"] for e in estates}:
        errors["estate_id"] = t("bad_estate")
    templates = [] if errors else _templates(services, form["estate_id"])
    body, found = read_notice(form, templates, datetime.now(SHANGHAI))
    errors.update(found)
    if not errors:
        try:
            made = services.call("notify", "POST", "/api/v1/notices", json=body,
                                 headers={"Idempotency-Key": form.get("key") or str(uuid.uuid4())})
        except Refused as refused:
            if refused.status in (401, 403, 404):
                raise
            errors["form"] = t("notify_refused").format(reason=refused.message)
        else:
            return redirect(f"/console/notices/{made['id']}", code=303)
    return page("notices_new", 422, **_compose_context(services, form, errors))


# --- delivery -------------------------------------------------------------------------------------

def _delivery(services: Backends, notice_id: UUID) -> dict[str, Any]:
    notice = services.get("notify", f"/api/v1/notices/{notice_id}")
    totals = services.get("notify", f"/api/v1/notices/{notice_id}/totals")
    not_reached = services.get("notify", f"/api/v1/notices/{notice_id}/recipients", outcome="not_reached",
                               page_size=NOT_REACHED_SHOWN)
    recipients = totals.get("recipients", {})
    messages = totals.get("messages", {})
    counted = recipients.get("total", 0) - recipients.get("excluded", 0)
    in_flight = notice["status"] in IN_FLIGHT_STATUSES or any(messages.get(s, 0) for s in IN_FLIGHT_STATES)
    return {"notice": notice, "totals": totals, "recipients": recipients, "messages": messages,
            "counted": counted, "not_reached": not_reached, "in_flight": in_flight, "states": SHOWN_STATES,
            "resend_channels": CHANNELS, "named": named}


@blp.route("/console/notices/<uuid:notice_id>", methods=["GET"])
@staff_page
def delivery_page(notice_id: UUID) -> Any:
    desk_only()
    resent = None
    if request.args.get("resent", "").isdigit():
        resent = t("delivery_resent").format(queued=request.args["resent"],
                                             channel=named("channel", request.args.get("channel", "")),
                                             skipped=request.args.get("skipped", "0"))
    return page("notices_show", resent=resent, resend_error=None, **_delivery(backends(), notice_id))


@blp.route("/console/notices/<uuid:notice_id>/live", methods=["GET"])
@staff_page
def delivery_live(notice_id: UUID) -> Any:
    """The live part of the delivery page (htmx polls it while messages are on their way)."""
    desk_only()
    return page("notices_live", **_delivery(backends(), notice_id))


@blp.route("/console/notices/<uuid:notice_id>/resend", methods=["POST"])
@staff_page
@checked_post
def resend(notice_id: UUID) -> Any:
    """Send again, over the chosen channel, to every household the notice has not reached."""
    desk_only()
    services = backends()
    channel = request.form.get("channel")
    error = None
    if channel not in CHANNELS:
        error = t("bad_resend_channel")
    else:
        try:
            done = services.call("notify", "POST", f"/api/v1/notices/{notice_id}/resend", json={"channel": channel})
        except Refused as refused:
            if refused.status in (401, 403, 404):
                raise
            error = refused.message
        else:
            return redirect(f"/console/notices/{notice_id}?resent={done['queued']}&channel={channel}"
                            f"&skipped={len(done.get('skipped') or [])}", code=303)
    return page("notices_show", 422, resent=None, resend_error=error, **_delivery(services, notice_id))
