"""What a ticket's page shows, read from the services with the staff member's token: the stage report
(the ticket, its targets, its steps, the evaluation and the promise), its attachments, the staff who
took its steps, whom dispatch would choose and why, the open tickets it could be merged into, and its
unit. Nothing here writes; the page's template lays it out."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from flask import g
from tenancy.roles import TECHNICIAN

from gateway.console import ticket_forms
from gateway.console.frame import DESK_ROLES, clock_text, local, t
from gateway.console.texts import TEXTS
from gateway.pages.backends import Backends, Refused

# The textbook's main path (TKT-3), in order, and the ticket's time each stage was reached.
MAIN_PATH = ("received", "acknowledged", "dispatched", "on_site", "resolved", "owner_informed", "evaluated",
             "archived")
_REACHED_AT = {"received": "created_at", "acknowledged": "acknowledged_at", "dispatched": "dispatched_at",
               "on_site": "arrived_at", "resolved": "resolved_at"}
_REACHED_BY = {"owner_informed": "owner_informed", "evaluated": "evaluated", "archived": "archived"}
TARGETS = ("acknowledge", "arrive", "resolve", "promise")
IMAGES = frozenset({"image/jpeg", "image/png", "image/webp"})
STAFF_PAGE = 100
MERGE_CHOICES = 20


def shown_ticket(backends: Backends, ticket_id: UUID, role: str, now: datetime) -> dict[str, Any]:
    """Everything the page shows of one ticket (a 404 from the tickets API is the frame's "not found")."""
    path = f"/api/v1/tickets/{ticket_id}"
    report = backends.get("tickets", f"{path}/report")
    ticket = report["ticket"]
    offered = ticket_forms.offered(report["allowed_actions"], role)
    staff = _staff_names(backends, ticket["estate_id"])
    desk = role in DESK_ROLES
    return {
        "ticket": ticket, "report": report, "offered": offered, "steps_open": ticket_forms.STEPS,
        "stages": stages(ticket, report["timeline"]),
        "clocks": clocks(report["targets"], now),
        "timeline": [step_shown(step, staff) for step in reversed(report["timeline"])],
        "assignee": staff.get(str(ticket["assignee_id"])) if ticket["assignee_id"] else None,
        "attachments": [{**a, "image": a["content_type"] in IMAGES, "at": local(a["uploaded_at"])}
                        for a in backends.get("tickets", f"{path}/attachments")],
        "suggestion": _suggestion(backends, ticket_id) if desk and {"dispatch", "reassign"} & set(offered) else None,
        "merge_into": _merge_choices(backends, ticket) if "merge" in offered else [],
        "unit": _unit(backends, ticket["unit_id"]),
        "occupants": _occupants(backends, ticket["unit_id"]),
        "is_technician": role == TECHNICIAN, "desk": desk,
        "informed_how": ticket_forms.INFORMED_HOW,
    }


def stages(ticket: dict[str, Any], timeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The main path's stages: each one's time (the last time it was reached), done, now or to come."""
    last_step = {step["action"]: step["at"] for step in timeline}
    current = ticket["stage"]
    reached = MAIN_PATH.index(current) if current in MAIN_PATH else _reached_before(ticket) + 1
    shown = []
    for index, stage in enumerate(MAIN_PATH):
        at = ticket.get(_REACHED_AT[stage]) if stage in _REACHED_AT else last_step.get(_REACHED_BY[stage])
        state = "now" if stage == current else ("done" if index < reached else "todo")
        shown.append({"stage": stage, "name": t(f"stage_{stage}"), "at": local(at) if state != "todo" else "",
                      "state": state})
    return shown


def _reached_before(ticket: dict[str, Any]) -> int:
    """Where on the main path a ticket off it (explained, escalated, merged, cancelled) had come to."""
    for index in range(len(MAIN_PATH) - 1, -1, -1):
        field = _REACHED_AT.get(MAIN_PATH[index])
        if field and ticket.get(field):
            return index
    return 0


def clocks(targets: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Each service-level target as the page counts it down: the seconds left when the page was made
    (business seconds for a business-hours clock, which the browser does not tick), the seconds until
    its warning, and its state in colour and words."""
    shown = []
    for target in sorted(targets, key=lambda x: TARGETS.index(x["target"]) if x["target"] in TARGETS else 9):
        running = target["state"] == "running"
        left = target.get("seconds_left")
        if target["breached"] or (running and left is not None and left < 0) or target["state"] == "missed":
            tone, said = "bad", "clock_breached"
        elif target["warned"]:
            tone, said = "warn", "clock_warned"
        elif target["state"] == "met":
            tone, said = "ok", "clock_met"
        elif target["state"] == "paused":
            tone, said = "", "clock_paused"
        elif target["state"] == "dropped":
            tone, said = "", "clock_dropped"
        else:
            tone, said = "ok", "clock_on_time"
        warn_at = target.get("warn_at")
        warn_in = None
        if running and warn_at and not target["warned"]:
            warn_in = int((datetime.fromisoformat(warn_at.replace("Z", "+00:00")) - now).total_seconds())
        shown.append({
            "target": target["target"], "name": t(f"target_{target['target']}"), "state": target["state"],
            "due": local(target.get("due_at")), "met": local(target.get("met_at")),
            "left": left, "warn_in": warn_in,
            "ticks": running and left is not None and not target.get("business_hours"),
            "business_hours": bool(target.get("business_hours")), "tone": tone, "said": t(said),
            "left_text": clock_text(left),
        })
    return shown


def step_shown(step: dict[str, Any], staff: dict[str, str]) -> dict[str, Any]:
    """One step of the timeline in words: when, what, who, and what it said."""
    details = step.get("details") or {}
    action = step["action"]
    key = f"step_{action}"
    label = t(key) if key in TEXTS else action
    actor = staff.get(step["actor"]) or _role_name(step.get("actor_role"))
    said = []
    reason = details.get("reason") if isinstance(details.get("reason"), dict) else None
    if action in ("dispatched", "reassigned") and details.get("assignee_id"):
        said.append(t("step_to").format(name=staff.get(str(details["assignee_id"]), t("someone"))))
    if reason:
        said.append(reason.get("text_en" if g.language == "en" else "text_zh") or "")
    note = step.get("note") or ""
    if action == "escalation":  # the rule's own words, in the staff member's language (the note is tickets' English)
        said.extend(_said_if_known(f"escalation_by_{details.get('trigger')}"))
        if details.get("level"):
            said.append(t("escalation_level").format(level=details["level"]))
        said.extend(_said_if_known(f"escalation_to_{details.get('action')}"))
        note = "" if f"escalation_by_{details.get('trigger')}" in TEXTS else note
    if details.get("promised_by"):
        said.append(t("step_promised").format(at=local(details["promised_by"], "%Y-%m-%d %H:%M")))
    if details.get("target"):
        said.append(t(f"target_{details['target']}") if f"target_{details['target']}" in TEXTS
                    else str(details["target"]))
    if details.get("score"):
        said.append(t("step_score").format(score=details["score"]))
    if details.get("filename"):
        said.append(str(details["filename"]))
    return {"at": local(step["at"], "%m-%d %H:%M:%S"), "action": action, "label": label, "actor": actor,
            "note": note, "said": [s for s in said if s],
            "stage": t(f"stage_{step['stage_to']}") if step.get("stage_from") and step.get("stage_to") else ""}


def _said_if_known(key: str) -> list[str]:
    return [t(key)] if key in TEXTS else []


def _role_name(role: str | None) -> str:
    if role == "system":
        return t("actor_system")
    if role == "owner":
        return t("actor_owner")
    key = f"role_{role}"
    return t(key) if key in TEXTS else (role or "")


def _staff_names(backends: Backends, estate_id: str) -> dict[str, str]:
    """Staff of the ticket's estate by id (their names on the timeline and beside the assignee)."""
    try:
        found = backends.get("tickets", "/api/v1/staff", estate_id=estate_id, page_size=STAFF_PAGE)
    except Refused:
        return {}
    return {str(member["id"]): member["name"] for member in found.get("items", [])}


def _suggestion(backends: Backends, ticket_id: UUID) -> dict[str, Any] | None:
    return backends.get("tickets", f"/api/v1/dispatch/suggestions/{ticket_id}")  # type: ignore[no-any-return]


def _merge_choices(backends: Backends, ticket: dict[str, Any]) -> list[dict[str, Any]]:
    """The open tickets a duplicate may be merged into: the same unit's, else the estate's latest."""
    place = {"unit_id": ticket["unit_id"]} if ticket.get("unit_id") else {}
    found = backends.get("tickets", "/api/v1/tickets", estate_id=ticket["estate_id"], status="open",
                         page_size=MERGE_CHOICES, **place)
    return [other for other in found.get("items", []) if other["id"] != ticket["id"]]


def _unit(backends: Backends, unit_id: str | None) -> dict[str, Any] | None:
    if not unit_id:
        return None
    try:
        return backends.get("owners", f"/api/v1/units/{unit_id}")  # type: ignore[no-any-return]
    except Refused:
        return None


def _occupants(backends: Backends, unit_id: str | None) -> list[dict[str, Any]]:
    """Who lives in the unit, owners first, their mobiles masked as the tickets API masks them."""
    if not unit_id:
        return []
    try:
        return backends.get("tickets", f"/api/v1/units/{unit_id}/people")["people"]  # type: ignore[no-any-return]
    except Refused:
        return []
