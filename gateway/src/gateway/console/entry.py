"""Quick entry of a call or a walk-in (``/console/entry``): one search box finds the caller by name,
full mobile, the last four digits or the unit (owners' ``GET /api/v1/people``), results as the agent
types; choosing one shows their units and open tickets at once, and the form beside them opens an
inquiry, repair or complaint in a few keystrokes, warning of likely duplicates (an open ticket of the
same unit, kind and category from the last day, as tickets counts them) before and after it is sent.
A caller who is not found is entered by name and number about a place of the estate (tickets needs a
unit or a common area, not a person). One ``Idempotency-Key`` per form: a double submit opens one
ticket. The ticket opens with its SLA running; the page then goes to the ticket's page."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import redirect, request
from werkzeug.exceptions import NotFound as PageNotFound

from gateway.console.frame import backends, blp, checked_post, desk_page, page, staff_estates, t
from gateway.pages.backends import Refused

ENTRY_KINDS = ("complaint", "repair", "inquiry")
CLASSES = ("facilities", "management", "fees", "emergency")
ASPECTS = ("safety", "consistency", "attitude", "completeness", "environment", "convenience", "timeliness")
PRIORITIES = ("urgent", "high", "normal", "low")
CHANNELS = ("phone", "desk")  # a call, or a walk-in at the desk
DUPLICATE_WINDOW = timedelta(hours=24)  # as tickets counts a likely duplicate
COMMON = "common"  # the unit choice "a common area"
PHONE = re.compile(r"^\+?\d{7,20}$")
# The form's fields, in the order an error summary lists them.
FIELDS = ("estate_id", "kind", "unit_id", "common_area", "complaint_class", "quality_aspect", "category", "priority",
          "channel", "title", "description", "contact_name", "contact_phone")


def _uuid(value: str | None) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


# --- the caller: found by the search, then their units and open tickets -----------------------------

def search_hits(q: str) -> tuple[list[dict[str, Any]], str]:
    """Owners' people search for what the agent typed (a short page): the hits, or the refusal's words."""
    if not q.strip():
        return [], ""
    try:
        return backends().get("owners", "/api/v1/people", q=q.strip(), page_size=8)["items"], ""
    except Refused as refused:
        if refused.status == 422:
            return [], t("entry_search_refused")
        raise


def caller_of(person_id: str) -> dict[str, Any]:
    """A person with their current units (number and building) and their open tickets."""
    services = backends()
    person = services.get("owners", f"/api/v1/people/{person_id}")
    today = datetime.now(UTC).date().isoformat()
    units = []
    for occupancy in person.get("occupancies") or []:
        if occupancy.get("moved_out_on") and occupancy["moved_out_on"] <= today:
            continue
        unit = services.get("owners", f"/api/v1/units/{occupancy['unit_id']}")
        units.append({"id": unit["id"], "number": unit["number"], "role": occupancy["role"]})
    open_tickets = services.get("tickets", "/api/v1/tickets", person_id=person_id, status="open", page_size=20)["items"]
    mobiles = [p["value"] for p in person.get("contact_points") or [] if p["kind"] == "mobile"]
    return {"id": person["id"], "name": person["name"], "estate_id": person["estate_id"], "units": units,
            "mobiles": mobiles, "tickets": open_tickets}


def _categories(estate_id: str | None) -> dict[str, list[dict[str, Any]]]:
    """The estate's active categories by kind (the operator's and the estate's own)."""
    if not estate_id:
        return {}
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for category in backends().get("tickets", "/api/v1/categories", estate_id=estate_id):
        by_kind.setdefault(category["kind"], []).append(category)
    return by_kind


def likely_duplicates(unit_id: str | None, kind: str | None, category: str | None) -> list[dict[str, Any]]:
    """Open tickets of the unit, kind and category opened in the last day: what tickets will call a
    likely duplicate of the ticket about to be opened."""
    if not _uuid(unit_id) or kind not in ENTRY_KINDS:
        return []
    since = datetime.now(UTC) - DUPLICATE_WINDOW
    found = backends().get("tickets", "/api/v1/tickets", unit_id=unit_id, kind=kind, status="open", page_size=20)
    return [ticket for ticket in found["items"] if (ticket.get("category") or None) == (category or None)
            and datetime.fromisoformat(ticket["created_at"].replace("Z", "+00:00")) >= since]


# --- the form: checked here first (the agent's language), then sent to tickets ----------------------

def checked(form: dict[str, str], known_caller: bool, categories: dict[str, list[dict[str, Any]]],
            unit_ids: set[str]) -> dict[str, str]:
    """An error per field the form gets wrong, in the agent's language (empty: send it)."""
    errors: dict[str, str] = {}
    kind = form.get("kind", "")
    if kind not in ENTRY_KINDS:
        errors["kind"] = t("refuse_entry_kind")
    if not _uuid(form.get("estate_id")):
        errors["estate_id"] = t("refuse_entry_estate")
    unit = form.get("unit_id", "")
    if unit == COMMON or not unit:
        if not form.get("common_area", "").strip():
            errors["common_area" if unit == COMMON or not known_caller else "unit_id"] = t("refuse_entry_place")
        elif len(form["common_area"].strip()) > 200:
            errors["common_area"] = t("refuse_entry_too_long").format(most=200)
    elif unit not in unit_ids:
        errors["unit_id"] = t("refuse_entry_place")
    klass = form.get("complaint_class", "")
    if kind == "complaint" and klass not in CLASSES:
        errors["complaint_class"] = t("refuse_entry_class")
    aspect = form.get("quality_aspect", "")
    if kind == "complaint" and klass == "management" and aspect not in ASPECTS:
        errors["quality_aspect"] = t("refuse_entry_aspect")
    category = form.get("category", "")
    codes = {c["code"] for c in categories.get(kind, [])}
    if kind == "repair" and not category:
        errors["category"] = t("refuse_entry_category")
    elif category and category not in codes:
        errors["category"] = t("refuse_entry_category_kind")
    if form.get("priority") and form["priority"] not in PRIORITIES:
        errors["priority"] = t("refuse_entry_choice")
    if form.get("channel") not in CHANNELS:
        errors["channel"] = t("refuse_entry_choice")
    title = form.get("title", "").strip()
    if not title:
        errors["title"] = t("refuse_entry_title")
    elif len(title) > 200:
        errors["title"] = t("refuse_entry_too_long").format(most=200)
    if len(form.get("description", "")) > 5000:
        errors["description"] = t("refuse_entry_too_long").format(most=5000)
    if not known_caller:
        if not form.get("contact_name", "").strip():
            errors["contact_name"] = t("refuse_entry_contact_name")
        elif len(form["contact_name"].strip()) > 100:
            errors["contact_name"] = t("refuse_entry_too_long").format(most=100)
        if not PHONE.match(form.get("contact_phone", "").strip().replace(" ", "").replace("-", "")):
            errors["contact_phone"] = t("refuse_entry_phone")
    return {name: errors[name] for name in FIELDS if name in errors}


def ticket_body(form: dict[str, str], person_id: str | None) -> dict[str, Any]:
    """The tickets API's new ticket for a checked form."""
    kind, unit = form["kind"], form.get("unit_id", "")
    body: dict[str, Any] = {"estate_id": form["estate_id"], "kind": kind, "channel": form["channel"],
                            "title": form["title"].strip(), "description": form.get("description", "").strip()}
    if unit and unit != COMMON:
        body["unit_id"] = unit
    else:
        body["common_area"] = form["common_area"].strip()
    if person_id:
        body["person_id"] = person_id
    else:
        body["contact_name"] = form["contact_name"].strip()
        body["contact_phone"] = form["contact_phone"].strip().replace(" ", "").replace("-", "")
    if kind == "complaint":
        body["complaint_class"] = form["complaint_class"]
        if form["complaint_class"] == "management":
            body["quality_aspect"] = form["quality_aspect"]
    for name in ("category", "priority"):
        if form.get(name):
            body[name] = form[name]
    return body


def _form_context(caller: dict[str, Any] | None, form: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    estate = caller["estate_id"] if caller else (form.get("estate_id") or "")
    estates = staff_estates()
    if not estate and len(estates) == 1:
        estate = estates[0]["id"]
    return {"caller": caller, "form": {"estate_id": estate, "channel": "phone", "kind": "complaint", **form},
            "errors": errors, "estates": estates, "categories": _categories(estate),
            "key": form.get("idempotency_key") or str(uuid.uuid4()), "kinds": ENTRY_KINDS, "classes": CLASSES,
            "aspects": ASPECTS, "priorities": PRIORITIES, "channels": CHANNELS, "common": COMMON}


def _caller_or_404(person_id: str | None) -> dict[str, Any] | None:
    if not person_id:
        return None
    if not _uuid(person_id):
        raise PageNotFound()
    return caller_of(person_id)  # another estate's person: owners says 404, the console "not found"


# --- the pages ------------------------------------------------------------------------------------

@blp.route("/console/entry", methods=["GET"])
@desk_page
def entry() -> Any:
    """The quick entry: the search (``q``), and once a caller is chosen (``person``), their units and
    open tickets beside the form; ``?walk_in=1``: the form for a caller who is not found."""
    q = request.args.get("q", "")
    hits, search_error = search_hits(q)
    caller = _caller_or_404(request.args.get("person"))
    walk_in = caller is None and request.args.get("walk_in") == "1"
    return page("entry_page", q=q, hits=hits, search_error=search_error, walk_in=walk_in,
                **_form_context(caller, {}, {}))


@blp.route("/console/entry/search", methods=["GET"])
@desk_page
def entry_search() -> Any:
    """The hits for what the agent has typed so far (the live part of the search box)."""
    q = request.args.get("q", "")
    hits, search_error = search_hits(q)
    return page("entry_hits", q=q, hits=hits, search_error=search_error)


@blp.route("/console/entry/caller", methods=["GET"])
@desk_page
def entry_caller() -> Any:
    """The caller chosen: their units and open tickets, and the form (the live part of the page)."""
    caller = _caller_or_404(request.args.get("person"))
    return page("entry_caller", walk_in=caller is None, **_form_context(caller, {}, {}))


@blp.route("/console/entry/duplicates", methods=["GET"])
@desk_page
def entry_duplicates() -> Any:
    """The likely duplicates of the ticket as the form stands (asked again as it changes)."""
    args = request.args
    found = likely_duplicates(args.get("unit_id"), args.get("kind"), args.get("category"))
    return page("entry_duplicates", duplicates=found)


@blp.route("/console/entry", methods=["POST"])
@desk_page
@checked_post
def open_ticket() -> Any:
    """Open the ticket the form describes (once per form: its idempotency key), then go to its page;
    likely duplicates are shown first, with the new ticket's link."""
    form = {name: value for name, value in request.form.items() if name != "csrf"}
    caller = _caller_or_404(form.get("person_id"))
    if caller is not None:
        form["estate_id"] = caller["estate_id"]
    context = _form_context(caller, form, {})
    unit_ids = {u["id"] for u in caller["units"]} if caller else set()
    errors = checked(context["form"], caller is not None, context["categories"], unit_ids)
    key = _uuid(form.get("idempotency_key"))
    if key is None:
        errors = {**errors, "title": errors.get("title") or t("refuse_entry_key")}
    if errors:
        return _refused(caller, context, errors)
    try:
        opened = backends().call("tickets", "POST", "/api/v1/tickets", json=ticket_body(context["form"],
                                 caller["id"] if caller else None), headers={"Idempotency-Key": key})
    except Refused as refused:
        if refused.status not in (409, 422):
            raise
        return _refused(caller, context, {_field_of(refused): refused.message})
    if opened.get("possible_duplicates"):
        return page("entry_opened", 201, ticket=opened, duplicates=opened["possible_duplicates"])
    return redirect(f"/console/tickets/{opened['id']}", 303)


def _field_of(refused: Refused) -> str:
    """The form's field a tickets refusal names (its errors by field), else the title."""
    named = refused.errors if isinstance(refused.errors, dict) else {}
    named = named.get("json", named) if isinstance(named.get("json", named), dict) else named
    return next((name for name in FIELDS if name in named), "title")


def _refused(caller: dict[str, Any] | None, context: dict[str, Any], errors: dict[str, str]) -> Any:
    return page("entry_page", 422, q="", hits=[], search_error="", walk_in=caller is None,
                **{**context, "errors": errors})

