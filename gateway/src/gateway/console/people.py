"""A person's page (OWN-3): their profile, units and occupancy, their contacts in order (masked as
owners masks them; showing them in full is a deliberate POST that owners audits), the activity
timeline (newest first, by page, filtered by kind and period, each entry linked to its record's
page) and "did X get Y": the notices sent to them and whether and how each reached them (notify).

Everything comes from owners' and notify's APIs with the staff member's own token: a person of
another estate is owners' 404, this console's "not found"."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from flask import request

from gateway.console.frame import DESK_ROLES, SHANGHAI, backends, blp, checked_post, page, require_role, staff_page, t
from gateway.console.texts import TEXTS
from gateway.pages.backends import Refused

TIMELINE_PAGE = 20
NOTICES_SHOWN = 20
# The timeline's kinds as the page offers them: owners' sources (tickets, notify, surveys).
SOURCES = ("tickets", "notify", "surveys")


def named(prefix: str, value: Any) -> str:
    """A value of the services (a channel, a role, a state) in the staff member's words, or as it is."""
    key = f"{prefix}_{value}"
    return t(key) if key in TEXTS else str(value or "")


def entry_link(entry: dict[str, Any]) -> str | None:
    """Where a timeline entry's record is read in the console: a ticket's page, a notice's delivery."""
    link, record = entry.get("link") or "", entry.get("record_id")
    if link.startswith("/tickets/api/v1/tickets/"):
        return f"/console/tickets/{record}"
    if link.startswith("/notify/api/v1/notices/"):
        return f"/console/notices/{record}"
    return None


def _day(value: str, field: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = t("person_date_bad")
        return None


def _timeline_filters(args: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """The timeline's query to owners, the filters as the form shows them, and what is wrong with them."""
    errors: dict[str, str] = {}
    shown = {"source": args.get("source", ""), "since": args.get("since", ""), "until": args.get("until", "")}
    try:
        number = max(1, min(int(args.get("page", "1")), 10_000))
    except ValueError:
        number = 1
    query: dict[str, Any] = {"page": number, "page_size": TIMELINE_PAGE}
    if shown["source"] in SOURCES:
        query["source"] = shown["source"]
    since, until = _day(shown["since"], "since", errors), _day(shown["until"], "until", errors)
    if since and until and since > until:
        errors["until"] = t("person_period_bad")
    if not errors:
        if since:
            query["since"] = datetime.combine(since, time.min, SHANGHAI).isoformat()
        if until:  # the whole of the last day
            query["until"] = datetime.combine(until, time.max, SHANGHAI).isoformat()
    return query, shown, errors


def _person_page(person_id: UUID, reveal: bool, status: int = 200, revealed_note: str = "") -> Any:
    require_role(DESK_ROLES)
    services = backends()
    person = services.get("owners", f"/api/v1/people/{person_id}", **({"reveal": "true"} if reveal else {}))
    query, filters, errors = _timeline_filters(request.args)
    timeline = {"items": [], "page": 1, "has_more": False} if errors else services.get(
        "owners", f"/api/v1/people/{person_id}/timeline", **query)
    for entry in timeline["items"]:
        entry["console_link"] = entry_link(entry)
    units = []
    for occupancy in person.get("occupancies", []):
        unit = services.get("owners", f"/api/v1/units/{occupancy['unit_id']}")
        contacts = services.get("owners", f"/api/v1/units/{occupancy['unit_id']}/contacts")["contacts"]
        position = next((c["position"] for c in contacts if c["person_id"] == str(person_id)), None)
        units.append({**occupancy, "number": unit["number"], "position": position})
    try:
        notices = services.get("notify", f"/api/v1/notices/for-person/{person_id}", page_size=NOTICES_SHOWN)["items"]
    except Refused as refused:
        if refused.status != 404:  # notify's copy not yet holding the person: nothing sent to them
            raise
        notices = []
    return page("person_show", status, person=person, units=units, timeline=timeline, filters=filters,
                errors=errors, notices=notices, sources=SOURCES, named=named, revealed=reveal,
                revealed_note=revealed_note)


@blp.route("/console/people/<uuid:person_id>", methods=["GET"])
@staff_page
def person_page(person_id: UUID) -> Any:
    return _person_page(person_id, reveal=False)


@blp.route("/console/people/<uuid:person_id>/reveal", methods=["POST"])
@staff_page
@checked_post
def reveal_contacts(person_id: UUID) -> Any:
    """The person's numbers in full: owners checks the permission and audits the reveal. Shown on
    this answer only; the page read again masks them."""
    try:
        return _person_page(person_id, reveal=True, revealed_note=t("person_revealed"))
    except Refused as refused:
        if refused.status != 403:
            raise
        # Not permitted: owners' 403 (not the person's absence: reading them without a reveal works).
        return _person_page(person_id, reveal=False, status=403, revealed_note=t("person_reveal_refused"))
