"""The desk's queue (``/console/queue``): the open tickets of the caller's estates by stage, with
live SLA clocks (time left to acknowledge, arrive and resolve, from the tickets API's deadlines;
counted down each second by ``static/queue.js``), warnings and breaches shown by colour, icon and
word; filters (estate, building, kind, class, priority, assignee, stages) that a staff member names
and saves in the gateway's own database (:mod:`gateway.console.saved_filters`), and the list part
polled every few seconds (``/console/queue/rows``) so new tickets appear, marked new, without a
reload. Everything about tickets, places and staff comes from the services' APIs with the staff
member's own token: another estate's tickets are simply not in the answers."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import g, redirect, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound as PageNotFound

from gateway.console import saved_filters
from gateway.console.frame import backends, blp, checked_post, clock_text, desk_page, page, t
from servicekit.webapp import read, unit_of_work

# The procedure's stages a ticket is open in, in the order the work goes (the queue's groups).
OPEN_STAGES = ("received", "acknowledged", "dispatched", "on_site", "explained", "escalated", "resolved",
               "owner_informed", "evaluated")
KINDS = ("inquiry", "repair", "complaint", "suggestion", "praise")
CLASSES = ("facilities", "management", "fees", "emergency")
PRIORITIES = ("urgent", "high", "normal", "low")
ORDERS = ("stage", "due", "newest")
# The three clocks a queue row shows (the promise's is on the ticket's page).
CLOCKS = ("acknowledge", "arrive", "resolve")
PAGE_SIZE = 100  # the tickets API's largest page
# The filters a saved set keeps, as the queue's query names them (stage may repeat).
FILTERS = ("estate_id", "building_id", "kind", "complaint_class", "priority", "assignee_id", "stage", "order")
UNASSIGNED = "none"


# --- the filters: read from the query, checked, and as the tickets API's parameters ----------------

def _uuid(value: str | None) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def read_filters(query: MultiDict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The queue's filters from a query (or a saved set), and an error per filter that is not one of
    its choices (that filter is then left out, never sent on)."""
    chosen: dict[str, Any] = {"stage": [], "order": "stage"}
    errors: dict[str, str] = {}
    for name in ("estate_id", "building_id"):
        value = query.get(name) or ""
        if value and _uuid(value) is None:
            errors[name] = t("refuse_queue_filter")
        chosen[name] = _uuid(value) or ""
    assignee = query.get("assignee_id") or ""
    if assignee and assignee != UNASSIGNED and _uuid(assignee) is None:
        errors["assignee_id"] = t("refuse_queue_filter")
    chosen["assignee_id"] = assignee if assignee == UNASSIGNED else (_uuid(assignee) or "")
    for name, allowed in (("kind", KINDS), ("complaint_class", CLASSES), ("priority", PRIORITIES),
                          ("order", ORDERS)):
        value = query.get(name) or ""
        if value and value not in allowed:
            errors[name] = t("refuse_queue_filter")
            value = ""
        chosen[name] = value or chosen.get(name, "")
    stages = [s for s in query.getlist("stage") if s]
    if any(s not in OPEN_STAGES for s in stages):
        errors["stage"] = t("refuse_queue_filter")
    chosen["stage"] = [s for s in OPEN_STAGES if s in stages]
    return chosen, errors


def api_params(chosen: dict[str, Any], page_number: int) -> dict[str, Any]:
    """The tickets API's list parameters for the filters: open tickets, a full page."""
    # The stages' groups and "due first" both take the most urgent tickets first, over every page.
    params: dict[str, Any] = {"status": "open", "page_size": PAGE_SIZE, "page": page_number,
                              "order": "newest" if chosen["order"] == "newest" else "due"}
    for name in ("estate_id", "building_id", "kind", "complaint_class", "priority"):
        if chosen[name]:
            params[name] = chosen[name]
    if chosen["assignee_id"] == UNASSIGNED:
        params["unassigned"] = "true"
    elif chosen["assignee_id"]:
        params["assignee_id"] = chosen["assignee_id"]
    if chosen["stage"]:
        params["stage"] = chosen["stage"]
    return params


def query_of(chosen: dict[str, Any], **extra: Any) -> str:
    """The filters as the queue's own query string (for links, the live part, a saved set)."""
    pairs = [(name, value) for name in FILTERS if name != "stage" and (value := chosen.get(name))]
    pairs += [("stage", s) for s in chosen.get("stage", [])]
    pairs += [(name, value) for name, value in extra.items() if value]
    return urlencode(pairs)


# --- what a row shows ---------------------------------------------------------------------------

def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def clock_of(target: dict[str, Any] | None, at: datetime) -> dict[str, Any] | None:
    """One SLA clock of a row: its deadline, state (on_time, warned, breached, paused) and seconds left."""
    if target is None:
        return None
    if target["state"] == "paused" or not target.get("due_at"):
        return {"state": "paused", "due": "", "warn": "", "left": None}
    due, warn = _when(target["due_at"]), _when(target.get("warn_at"))
    left = int((due - at).total_seconds())
    state = "breached" if left <= 0 else "warned" if warn is not None and warn <= at else "on_time"
    return {"state": state, "due": due.isoformat(), "warn": warn.isoformat() if warn else "", "left": left}


def rows_of(items: list[dict[str, Any]], order: str, since: datetime | None,
            at: datetime) -> list[dict[str, Any]]:
    """The API's tickets as queue rows (each with its clocks, whether it is new), grouped by stage
    when asked (the API has ordered them)."""
    rows = []
    for item in items:
        summary = item.get("sla") or {}
        targets = {target["target"]: target for target in summary.get("targets") or []}
        created = _when(item["created_at"])
        rows.append({**item, "clocks": {name: clock_of(targets.get(name), at) for name in CLOCKS},
                     "sla_state": summary.get("state") or "none",
                     "new": since is not None and created is not None and created > since})
    if order == "stage":  # grouped by stage, each group in the API's order (the most urgent first)
        position = {stage: index for index, stage in enumerate(OPEN_STAGES)}
        rows.sort(key=lambda r: position.get(r["stage"], len(position)))
    return rows


def groups_of(rows: list[dict[str, Any]], order: str) -> list[tuple[str | None, list[dict[str, Any]]]]:
    """Rows grouped by stage (order ``stage``), else one group without a heading."""
    if order != "stage":
        return [(None, rows)]
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["stage"], []).append(row)
    return list(grouped.items())


# --- the services' answers the page needs ----------------------------------------------------------

class _Kept:
    """Owners' answers a queue shows beside its tickets (estates, buildings, staff: they change
    rarely), kept a short while per access token, so the live part polled every few seconds by every
    desk asks owners again only once a minute. Keyed by the token: a staff member never sees what
    another's token was answered."""

    SECONDS = 60.0
    MOST = 512

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}

    def get(self, key: tuple[str, str], make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        now = time.monotonic()
        with self._lock:
            found = self._kept.get(key)
        if found is not None and now - found[0] < self.SECONDS:
            return found[1]
        made = make()
        with self._lock:
            if len(self._kept) >= self.MOST:
                self._kept = {k: v for k, v in self._kept.items() if now - v[0] < self.SECONDS}
                if len(self._kept) >= self.MOST:
                    self._kept.clear()
            self._kept[key] = (now, made)
        return made


_KEPT = _Kept()


def _places_and_staff(chosen: dict[str, Any]) -> dict[str, Any]:
    """The caller's estates, the buildings (of the estate chosen, or of the caller's only estate) and
    the staff who may be assigned, from owners (kept a minute per token: :class:`_Kept`)."""
    found = _KEPT.get((g.staff.access, chosen["estate_id"]), lambda: _asked_owners(chosen["estate_id"]))
    return {**found, "options": _options(found)}


def _asked_owners(chosen_estate: str) -> dict[str, Any]:
    services = backends()
    estates = services.get("owners", "/api/v1/estates", page_size=100)["items"]
    estate = chosen_estate or (estates[0]["id"] if len(estates) == 1 else "")
    buildings = services.get("owners", f"/api/v1/estates/{estate}/buildings", page_size=100)["items"] if estate else []
    staff_query: dict[str, Any] = {"page_size": 100, "active": "true"}
    if estate:
        staff_query["estate_id"] = estate
    staff = services.get("owners", "/api/v1/staff", **staff_query)["items"]
    return {"estates": estates, "buildings": buildings, "staff_list": staff,
            "estate_names": {e["id"]: e["name"] for e in estates},
            "building_codes": {b["id"]: b["name"] for b in buildings},
            "staff_names": {s["id"]: s["name"] for s in staff}}


def _options(found: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """The filters' choices, in the staff member's language."""
    estates, buildings, staff = found["estates"], found["buildings"], found["staff_list"]
    return {
        "estate_id": [(e["id"], e["name"]) for e in estates],
        "building_id": [(b["id"], b["name"]) for b in buildings],
        "kind": [(k, t(f"kind_{k}")) for k in KINDS],
        "complaint_class": [(c, t(f"class_{c}")) for c in CLASSES],
        "priority": [(p, t(f"priority_{p}")) for p in PRIORITIES],
        "assignee_id": [(UNASSIGNED, t("queue_unassigned")), *((s["id"], s["name"]) for s in staff)],
        "order": [(o, t(f"order_{o}")) for o in ORDERS if o != "stage"],
    }


def _since(value: str | None) -> datetime | None:
    """When the page was first shown (an ISO time; one without a zone is UTC); None when unreadable."""
    try:
        when = _when(value) if value else None
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) <= 1000 else 1


def listed(chosen: dict[str, Any], errors: dict[str, str], page_number: int,
           since: datetime | None) -> dict[str, Any]:
    """The queue's rows for the filters (none while a filter is wrong)."""
    at = datetime.now(UTC)
    if errors:
        return {"groups": [], "count": 0, "has_more": False, "at": at}
    answer = backends().get("tickets", "/api/v1/tickets", **api_params(chosen, page_number))
    rows = rows_of(answer["items"], chosen["order"], since, at)
    return {"groups": groups_of(rows, chosen["order"]), "count": len(rows), "has_more": answer["has_more"],
            "new_count": sum(1 for r in rows if r["new"]), "at": at}


def _context(chosen: dict[str, Any], errors: dict[str, str], since: datetime) -> dict[str, Any]:
    page_number = _page_number(request.args.get("page"))
    return {"chosen": chosen, "errors": errors, "page_number": page_number, "since": since.isoformat(),
            "query": query_of(chosen), "live_query": query_of(chosen, since=since.isoformat(),
                                                                page=str(page_number) if page_number > 1 else ""),
            "left_text": clock_text, "stages": OPEN_STAGES, "kinds": KINDS, "classes": CLASSES,
            "priorities": PRIORITIES, "orders": ORDERS, "clocks": CLOCKS, "unassigned": UNASSIGNED,
            **listed(chosen, errors, page_number, since)}


# --- the pages ------------------------------------------------------------------------------------

@blp.route("/console/queue", methods=["GET"])
@desk_page
def queue() -> Any:
    """The queue: the filters of the query, or of a saved set (``?saved=<id>``), or with no query at
    all the set saved last; ``?clear=1`` shows every open ticket."""
    sets = read(saved_filters.listed, g.staff.account_id)
    applied = None
    query: MultiDict[str, str] = request.args
    if request.args.get("saved"):
        applied = next((s for s in sets if str(s["id"]) == request.args["saved"]), None)
        if applied is None:
            raise PageNotFound()
    elif not request.args and sets:
        applied = sets[0]
    if applied is not None:
        query = _as_query(applied["filters"])
    chosen, errors = read_filters(query)
    context = _context(chosen, errors, datetime.now(UTC))
    return page("queue_page", 422 if errors else 200, sets=sets, applied=applied, save_errors={}, save_name="",
                **_places_and_staff(chosen), **context)


@blp.route("/console/queue/rows", methods=["GET"])
@desk_page
def queue_rows() -> Any:
    """The live part of the queue: its rows for the same filters, those opened since the page was
    first shown (``since``) marked new. Polled every few seconds by htmx."""
    chosen, errors = read_filters(request.args)
    since = _since(request.args.get("since")) or datetime.now(UTC)
    return page("queue_rows", 422 if errors else 200, **_places_and_staff(chosen), **_context(chosen, errors, since))


def _as_query(filters: dict[str, Any]) -> MultiDict[str, str]:
    pairs = [(name, value) for name, value in filters.items() if name != "stage" and isinstance(value, str)]
    pairs += [("stage", s) for s in filters.get("stage") or [] if isinstance(s, str)]
    return MultiDict(pairs)


@blp.route("/console/queue/filters", methods=["POST"])
@desk_page
@checked_post
def save_filters() -> Any:
    """Save the filters now shown under a name of the staff member's choosing (the same name again
    replaces that set)."""
    name = (request.form.get("name") or "").strip()
    chosen, errors = read_filters(request.form)
    save_errors = {}
    if not name:
        save_errors["name"] = t("refuse_queue_set_name")
    elif len(name) > 60:
        save_errors["name"] = t("refuse_queue_set_name_long")
    if errors:
        save_errors["name"] = t("refuse_queue_filter")
    if not save_errors:
        kept = saved_filters.save(unit_of_work(), g.staff.account_id, name,
                                  {key: chosen[key] for key in FILTERS if chosen.get(key)})
        if kept is not None:
            return redirect(f"/console/queue?saved={kept['id']}", 303)
        save_errors["name"] = t("refuse_queue_set_full").format(most=saved_filters.MAX_SETS)
    sets = read(saved_filters.listed, g.staff.account_id)
    return page("queue_page", 422, sets=sets, applied=None, save_errors=save_errors, save_name=name,
                **_places_and_staff(chosen), **_context(chosen, errors, datetime.now(UTC)))


@blp.route("/console/queue/filters/<uuid:set_id>/delete", methods=["POST"])
@desk_page
@checked_post
def delete_filters(set_id: uuid.UUID) -> Any:
    """Remove one of the staff member's saved sets (another's is not found)."""
    if not saved_filters.remove(unit_of_work(), g.staff.account_id, set_id):
        raise PageNotFound()
    return redirect("/console/queue?clear=1", 303)

