"""Notices (通知): the estate's notices with their status and reach, composing one (an audience
picker, a template with a live preview for a sample recipient, the SMS parts and the cost, sent now
or at a time), and a notice's delivery page filling live (messages by state, households reached and
not reached) with a button resending to those not reached by another channel.

Everything is notify's API (and owners' for the estate's buildings and units) with the staff
member's own token: notify estimates, renders the preview, refuses what is wrong in the staff
member's language, and scopes every notice to their estates (another estate's is "not found")."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from flask import g, redirect, request
from werkzeug.datastructures import MultiDict

from gateway.console.frame import (
    DESK_ROLES,
    SHANGHAI,
    attachment,
    backends,
    blp,
    checked_post,
    page,
    require_role,
    staff_estates,
    staff_page,
    t,
)
from gateway.console.notice_form import AUDIENCES, CHANNELS, ROLES, read_notice, template_texts
from gateway.console.people import named
from gateway.pages.backends import Backends, Refused

LIST_PAGE = 20
NOT_REACHED_SHOWN = 50
# A message still on its way: the page keeps polling while any is (and the notice is not paused).
IN_FLIGHT_STATES = ("queued", "sending", "sent")
# A notice scheduled within this long is polled for (sent now, it is scheduled until the sender takes it);
# one scheduled later is not: nothing moves until then.
SOON = timedelta(minutes=10)
SHOWN_STATES = ("queued", "sent", "delivered", "failed", "read")


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


def _chosen_estate(estates: list[dict[str, Any]], wanted: str | None) -> dict[str, Any] | None:
    return next((e for e in estates if e["id"] == wanted), estates[0] if estates else None)


def _templates(services: Backends, estate_id: str) -> list[dict[str, Any]]:
    return _all(services, "notify", "/api/v1/templates", estate_id=estate_id)


# --- the list -------------------------------------------------------------------------------------

@blp.route("/console/notices", methods=["GET"])
@staff_page
def notice_list() -> Any:
    require_role(DESK_ROLES)
    services = backends()
    estates = staff_estates()
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
    estates = staff_estates()
    estate = _chosen_estate(estates, form.get("estate_id"))
    templates = _templates(services, estate["id"]) if estate else []
    template = next((x for x in templates if x["id"] == form.get("template_id")), None)
    buildings = _all(services, "owners", f"/api/v1/estates/{estate['id']}/buildings") if estate else []
    building_id = form.get("building_id") or (buildings[0]["id"] if buildings else "")
    units = _units(services, building_id) if form.get("audience") == "units" and building_id else []
    return {"form": form, "errors": errors, "estates": estates, "estate": estate, "templates": templates,
            "chosen_template": template, "variables": template_texts(template)[1],
            "subject": lambda x: template_texts(x)[0], "buildings": buildings,
            "building_id": building_id, "units": units, "channels": CHANNELS, "audiences": AUDIENCES,
            "roles": ROLES, "named": named}


def _units(services: Backends, building_id: str) -> list[dict[str, Any]]:
    try:
        UUID(building_id)
    except ValueError:
        return []
    return _all(services, "owners", f"/api/v1/buildings/{building_id}/units")


@blp.route("/console/notices/new", methods=["GET"])
@staff_page
def compose_page() -> Any:
    require_role(DESK_ROLES)
    form = _form_defaults()
    for name in ("estate_id", "template_id"):
        if request.args.get(name):
            form[name] = request.args[name]
    return page("notices_new", **_compose_context(backends(), form, {}))


@blp.route("/console/notices/new/variables", methods=["GET"])
@staff_page
def template_variables() -> Any:
    """The variable fields of the chosen template (htmx swaps them in as the template changes)."""
    require_role(DESK_ROLES)
    services = backends()
    templates = _templates(services, request.args.get("estate_id", ""))
    template = next((x for x in templates if x["id"] == request.args.get("template_id")), None)
    return page("notices_variables", form=MultiDict(), errors={}, variables=template_texts(template)[1], named=named)


@blp.route("/console/notices/new/units", methods=["GET"])
@staff_page
def building_units() -> Any:
    """A building's units as boxes to tick (htmx swaps them in as the building changes)."""
    require_role(DESK_ROLES)
    return page("notices_units", form=MultiDict(), units=_units(backends(), request.args.get("building_id", "")))


@blp.route("/console/notices/preview", methods=["POST"])
@staff_page
@checked_post
def preview() -> Any:
    """What a sample recipient gets, the recipients, SMS parts and cost (notify renders and counts;
    nothing is saved). An incomplete form shows what is missing instead."""
    require_role(DESK_ROLES)
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
    require_role(DESK_ROLES)
    services = backends()
    form = request.form
    estates = staff_estates()
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
    in_flight = _in_flight(notice, messages)
    return {"notice": notice, "totals": totals, "recipients": recipients, "messages": messages,
            "counted": counted, "not_reached": not_reached, "in_flight": in_flight, "states": SHOWN_STATES,
            "resend_channels": CHANNELS, "named": named}


def _in_flight(notice: dict[str, Any], messages: dict[str, int]) -> bool:
    """Whether the delivery page should keep asking: the notice is being sent (or about to be)."""
    if notice["status"] == "paused":
        return False
    if notice["status"] == "scheduled":
        send_at = datetime.fromisoformat(str(notice["send_at"]).replace("Z", "+00:00"))
        return send_at.replace(tzinfo=send_at.tzinfo or UTC) <= datetime.now(UTC) + SOON
    return notice["status"] == "sending" or any(messages.get(state, 0) for state in IN_FLIGHT_STATES)


@blp.route("/console/notices/<uuid:notice_id>", methods=["GET"])
@staff_page
def delivery_page(notice_id: UUID) -> Any:
    require_role(DESK_ROLES)
    resent = None
    if request.args.get("resent", "").isdigit():
        resent = t("delivery_resent").format(queued=request.args["resent"],
                                             channel=named("channel", request.args.get("channel", "")),
                                             skipped=request.args.get("skipped", "0"))
    return page("notices_show", resent=resent, resend_error=None, **_delivery(backends(), notice_id))


@blp.route("/console/notices/<uuid:notice_id>/not-reached.<any(xlsx, csv):kind>", methods=["GET"])
@staff_page
def not_reached_file(notice_id: UUID, kind: str) -> Any:
    """Every household the notice has not reached (the page shows the first 50), as notify exports
    them, headed in the staff member's language: the list to call."""
    require_role(DESK_ROLES)
    content, media = backends().download("notify", f"/api/v1/notices/{notice_id}/recipients/export"
                                                   f"?outcome=not_reached&format={kind}&lang={g.language}")
    return attachment(content, media, f"notice-{notice_id}-not-reached.{kind}")


@blp.route("/console/notices/<uuid:notice_id>/live", methods=["GET"])
@staff_page
def delivery_live(notice_id: UUID) -> Any:
    """The live part of the delivery page (htmx polls it while messages are on their way)."""
    require_role(DESK_ROLES)
    return page("notices_live", **_delivery(backends(), notice_id))


@blp.route("/console/notices/<uuid:notice_id>/resend", methods=["POST"])
@staff_page
@checked_post
def resend(notice_id: UUID) -> Any:
    """Send again, over the chosen channel, to every household the notice has not reached."""
    require_role(DESK_ROLES)
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
