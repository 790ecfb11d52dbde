"""Desk work (``/console/desk``): the diary's appointments, the call log and callbacks, the knowledge
base and call scripts, the shift handover and the service catalogue, each a list and the one form
the desk uses most. Every page reads and writes through tickets' API with the agent's own token, so
another estate's record is as absent here as there."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import redirect, request

from gateway.console.desk_forms import (
    Field,
    chosen_estate,
    desk_staff,
    options,
    phrase_options,
    read_form,
    refused_on_fields,
    staff_id,
)
from gateway.console.frame import (
    DESK_ROLES,
    SHANGHAI,
    backends,
    blp,
    checked_post,
    page,
    require_role,
    staff_estates,
    staff_page,
    t,
)
from gateway.pages.backends import Refused

DESK_TEAM = "desk"  # an entry for nobody in particular: the service desk's diary
DIARY_KINDS = ("appointment", "meeting", "activity", "call", "task", "memo")
DIRECTIONS = ("inbound", "outbound")
OUTCOMES = ("answered", "missed", "abandoned", "voicemail")
# What a redirect after a change may say (?done=...): only these phrases, never the query's text.
DONE = ("booked", "recorded", "called_back", "written", "signed")

APPOINTMENT = (
    Field("estate_id", "desk_estate", "id", required=True),
    Field("kind", "desk_kind", "choice", required=True, choices=DIARY_KINDS),
    Field("title", "desk_title", required=True),
    Field("staff_id", "desk_whose", "id"),
    Field("starts_at", "desk_starts_at", "when"),
    Field("ends_at", "desk_ends_at", "when"),
    Field("location", "desk_location"),
    Field("notes", "desk_notes", longest=5000),
)
CALL = (
    Field("estate_id", "desk_estate", "id", required=True),
    Field("direction", "desk_direction", "choice", required=True, choices=DIRECTIONS),
    Field("number", "desk_number", "phone", required=True, longest=32),
    Field("outcome", "desk_outcome", "choice", required=True, choices=OUTCOMES),
    Field("ring_started_at", "desk_ring_started_at", "when"),
    Field("notes", "desk_call_notes", longest=10000),
)
HANDOVER = (
    Field("estate_id", "desk_estate", "id", required=True),
    Field("incoming_staff_id", "desk_incoming", "id", required=True),
    Field("desk", "desk_post", longest=100),
    Field("note", "desk_handover_note", longest=5000),
    Field("notes", "desk_open_items", "lines", longest=500),
)


def _desk_page(template: str, status: int = 200, **context: Any) -> Any:
    require_role(DESK_ROLES)
    done = request.args.get("done")
    return page(template, status, done=t(f"desk_done_{done}") if done in DONE else None, options=options,
                phrase_options=phrase_options, **context)


def _now_local() -> datetime:
    return datetime.now(SHANGHAI).replace(second=0, microsecond=0)


@blp.route("/console/desk", methods=["GET"])
@staff_page
def desk_home() -> Any:
    """The desk's landing page: the next appointments, today's calls, callbacks due, a handover to sign."""
    require_role(DESK_ROLES)
    now = _now_local()
    api = backends()
    upcoming = api.get("tickets", "/api/v1/diary", since=now.isoformat(), state="planned", page_size=50)["items"]
    upcoming.sort(key=lambda e: e.get("starts_at") or "")
    calls = api.get("tickets", "/api/v1/calls", since=(now - timedelta(hours=24)).isoformat(),
                    page_size=100)["items"]
    callbacks = api.get("tickets", "/api/v1/callbacks", state="open", page_size=100)["items"]
    me = staff_id()
    waiting = api.get("tickets", "/api/v1/shifts/handovers", state="written", staff_id=me,
                      page_size=20)["items"] if me else []
    return _desk_page("desk_home", upcoming=upcoming[:8], calls=calls, callbacks=callbacks,
                      answered=sum(1 for c in calls if c["outcome"] == "answered"),
                      to_sign=[h for h in waiting if h["incoming_staff_id"] == me])


# --- the diary's appointments ----------------------------------------------------------------------

@blp.route("/console/desk/appointments", methods=["GET"])
@staff_page
def desk_appointments() -> Any:
    require_role(DESK_ROLES)
    start = _now_local()
    return _appointments({"kind": "appointment", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                          "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")}, {})


def _appointments(values: dict[str, Any], errors: dict[str, str], status: int = 200) -> Any:
    mine = staff_estates()
    estate = chosen_estate(request.values.get("estate_id"), mine)
    day = _now_local().replace(hour=0, minute=0)
    entries = backends().get("tickets", "/api/v1/diary", since=day.isoformat(), state="planned",
                             page_size=50)["items"]
    entries.sort(key=lambda e: e.get("starts_at") or "")
    staff = desk_staff(estate)
    return _desk_page("desk_appointments", status, entries=entries, estates=mine, colleagues=staff,
                      names={s["id"]: s["name"] for s in staff}, values={"estate_id": estate, **values},
                      errors=errors, kinds=DIARY_KINDS)


@blp.route("/console/desk/appointments", methods=["POST"])
@staff_page
@checked_post
def desk_book() -> Any:
    require_role(DESK_ROLES)
    values, errors = read_form(APPOINTMENT, request.form)
    if not errors and values.get("kind") in DIARY_KINDS[:4]:
        if "starts_at" not in values or "ends_at" not in values:
            errors["starts_at"] = t("desk_times_needed")
        elif values["ends_at"] <= values["starts_at"]:
            errors["ends_at"] = t("desk_ends_before")
    if not errors:
        if "staff_id" not in values:
            values["team"] = DESK_TEAM
        try:
            backends().call("tickets", "POST", "/api/v1/diary", json=values)
        except Refused as refused:
            if refused.status != 422:
                raise
            errors = refused_on_fields(refused, APPOINTMENT)
    if errors:
        return _appointments(dict(request.form), errors, 422)
    return redirect("/console/desk/appointments?done=booked")


# --- calls and callbacks ---------------------------------------------------------------------------

@blp.route("/console/desk/calls", methods=["GET"])
@staff_page
def desk_calls() -> Any:
    require_role(DESK_ROLES)
    return _calls({"direction": "inbound", "outcome": "answered",
                   "ring_started_at": _now_local().strftime("%Y-%m-%dT%H:%M")}, {})


def _calls(values: dict[str, Any], errors: dict[str, str], status: int = 200, callback_refused: str = "") -> Any:
    mine = staff_estates()
    api = backends()
    calls = api.get("tickets", "/api/v1/calls", page_size=30)["items"]
    callbacks = api.get("tickets", "/api/v1/callbacks", state="open", page_size=30)["items"]
    estate = chosen_estate(request.values.get("estate_id"), mine)
    names = {s["id"]: s["name"] for s in desk_staff(estate)}
    return _desk_page("desk_calls", status, calls=calls, callbacks=callbacks, estates=mine, names=names,
                      values={"estate_id": estate, **values}, errors=errors, directions=DIRECTIONS,
                      outcomes=OUTCOMES, callback_refused=callback_refused)


@blp.route("/console/desk/calls", methods=["POST"])
@staff_page
@checked_post
def desk_record_call() -> Any:
    require_role(DESK_ROLES)
    values, errors = read_form(CALL, request.form)
    if not errors:
        values.setdefault("ring_started_at", _now_local().isoformat())
        if values["outcome"] == "answered":
            values["answered_at"] = values["ring_started_at"]
        values["staff_id"] = staff_id()
        try:
            backends().call("tickets", "POST", "/api/v1/calls", json=values)
        except Refused as refused:
            if refused.status != 422:
                raise
            errors = refused_on_fields(refused, CALL)
    if errors:
        return _calls(dict(request.form), errors, 422)
    return redirect("/console/desk/calls?done=recorded")


@blp.route("/console/desk/callbacks/<uuid:callback_id>/done", methods=["POST"])
@staff_page
@checked_post
def desk_callback_done(callback_id: Any) -> Any:
    """The caller was called back: the callback is done (kept when by its due time)."""
    require_role(DESK_ROLES)
    try:
        backends().call("tickets", "POST", f"/api/v1/callbacks/{callback_id}/finish", json={"state": "done"})
    except Refused as refused:
        if refused.status not in (409, 422):
            raise
        return _calls({}, {}, refused.status, callback_refused=refused.message)
    return redirect("/console/desk/calls?done=called_back")


# --- the knowledge base and call scripts -----------------------------------------------------------

@blp.route("/console/desk/knowledge", methods=["GET"])
@staff_page
def desk_knowledge() -> Any:
    """Prepared replies while on the phone: articles with every word asked, and the call scripts."""
    require_role(DESK_ROLES)
    asked = (request.args.get("q") or "").strip()
    if len(asked) > 200:
        return _desk_page("desk_knowledge", 422, asked=asked[:200], articles=[], scripts=[],
                          errors={"q": t("desk_too_long").format(label=t("desk_search"), longest=200)})
    api = backends()
    articles = api.get("tickets", "/api/v1/knowledge/search", q=asked, limit=20) if asked else []
    scripts = api.get("tickets", "/api/v1/scripts", page_size=50)["items"]
    if asked:
        words = asked.lower().split()
        scripts = [s for s in scripts if all(w in _script_text(s) for w in words)]
    return _desk_page("desk_knowledge", asked=asked, articles=articles, scripts=scripts, errors={})


def _script_text(script: dict[str, Any]) -> str:
    parts = [script["name"], script["opening"], script.get("apology", ""), script.get("thanks", ""),
             *script.get("questions", []), *(r["problem"] + r["reply"] for r in script.get("replies", []))]
    return " ".join(parts).lower()


# --- the shift handover ----------------------------------------------------------------------------

@blp.route("/console/desk/handover", methods=["GET"])
@staff_page
def desk_handover() -> Any:
    require_role(DESK_ROLES)
    return _handover({"desk": t("desk_post_default")}, {})


def _handover(values: dict[str, Any], errors: dict[str, str], status: int = 200) -> Any:
    mine = staff_estates()
    estate = chosen_estate(request.values.get("estate_id"), mine)
    handovers = backends().get("tickets", "/api/v1/shifts/handovers", page_size=20)["items"]
    staff = desk_staff(estate)
    me = staff_id()
    return _desk_page("desk_handover", status, handovers=handovers, estates=mine, me=me,
                      colleagues=[s for s in staff if s["id"] != me], names={s["id"]: s["name"] for s in staff},
                      to_sign=[h for h in handovers if h["state"] == "written" and h["incoming_staff_id"] == me],
                      values={"estate_id": estate, **values}, errors=errors)


@blp.route("/console/desk/handover", methods=["POST"])
@staff_page
@checked_post
def desk_write_handover() -> Any:
    require_role(DESK_ROLES)
    values, errors = read_form(HANDOVER, request.form)
    me = staff_id()
    if me is None:
        errors["form"] = t("desk_no_staff")
    if not errors:
        try:
            backends().call("tickets", "POST", "/api/v1/shifts/handovers",
                            json={**values, "outgoing_staff_id": me})
        except Refused as refused:
            if refused.status not in (404, 422):  # 404: a staff member not of the estate
                raise
            errors = refused_on_fields(refused, HANDOVER)
    if errors:
        return _handover(dict(request.form), errors, 422)
    return redirect("/console/desk/handover?done=written")


@blp.route("/console/desk/handover/<uuid:handover_id>/sign", methods=["POST"])
@staff_page
@checked_post
def desk_sign_handover(handover_id: Any) -> Any:
    """The incoming staff member signs the handover and takes over its open items."""
    require_role(DESK_ROLES)
    me = staff_id()
    if me is None:
        return _handover({}, {"form": t("desk_no_staff")}, 422)
    try:
        backends().call("tickets", "POST", f"/api/v1/shifts/handovers/{handover_id}/sign", json={"staff_id": me})
    except Refused as refused:
        if refused.status not in (409, 422):
            raise
        return _handover({}, {"form": refused.message}, refused.status)
    return redirect("/console/desk/handover?done=signed")


# --- the service catalogue -------------------------------------------------------------------------

@blp.route("/console/desk/catalogue", methods=["GET"])
@staff_page
def desk_catalogue() -> Any:
    require_role(DESK_ROLES)
    mine = staff_estates()
    estate = chosen_estate(request.args.get("estate_id"), mine)
    items = backends().get("tickets", "/api/v1/catalogue/items", estate_id=estate) if estate else []
    return _desk_page("desk_catalogue", items=items, estates=mine, estate=estate)
