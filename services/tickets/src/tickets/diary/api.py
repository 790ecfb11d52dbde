"""The diary over HTTP (时间管理, TKT-8): entries of a person's or a team's diary (colleagues'
schedules visible to the team), booking with a clash warning (or refusal, ``TICKETS_DIARY_CONFLICTS``),
a ticket's visit booked with its dispatch in one step, and a person's diary as iCalendar."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response
from tenancy.roles import DESK, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import current_settings, read, unit_of_work
from tickets.access import SCOPE
from tickets.diary import schemas, use_cases, views
from tickets.domain.diary import ics
from tickets.reports.schemas import PROBLEM
from tickets.tickets.timeline import Actor

blp = ScopedBlueprint("diary", __name__, scope=SCOPE, url_prefix="/api/v1/diary",
                      description="Appointments, meetings, planned calls, tasks and memos (时间管理)")
CLASH = {"409": {"description": "The booking clashes (configured to refuse): errors.conflicts says with what",
                 **PROBLEM}}


@blp.route("", methods=["GET"])
@blp.arguments(schemas.EntryListArgs, location="query")
@blp.response(200, page_schema(schemas.EntrySchema))
@blp.allow(STAFF, rows=("staff_id", "ticket_id"), estates=("estate_id",))
def list_entries(args: dict[str, Any]) -> dict[str, Any]:
    """Diary entries of the caller's estates: a person's, a team's, or everyone's, by start"""
    return read(views.entry_page, current_principal(), args)


@blp.route("", methods=["POST"])
@blp.arguments(schemas.NewEntrySchema)
@blp.response(201, schemas.EntrySchema)
@blp.doc(responses=CLASH)
@blp.allow(DESK, estates=("estate_id",))
def book(data: dict[str, Any]) -> dict[str, Any]:
    """Book an entry; conflicts lists a double booking or an entry off shift"""
    return use_cases.book(unit_of_work(), Actor.of(current_principal()), data,
                          on_conflict=current_settings().diary_conflicts)


@blp.route("/visits", methods=["POST"])
@blp.arguments(schemas.VisitSchema)
@blp.response(201, schemas.EntrySchema)
@blp.doc(responses=CLASH)
@blp.allow(DESK, rows=("ticket_id", "staff_id"))
def book_visit(data: dict[str, Any]) -> dict[str, Any]:
    """Dispatch a ticket to a staff member and book their visit to its unit in one step (the owner gets the window)"""
    return use_cases.book_visit(unit_of_work, Actor.of(current_principal()), data,
                                on_conflict=current_settings().diary_conflicts)


@blp.route("/<uuid:entry_id>", methods=["GET"])
@blp.response(200, schemas.EntrySchema)
@blp.allow(STAFF)
def one_entry(entry_id: UUID) -> dict[str, Any]:
    """One diary entry"""
    return read(views.entry, entry_id)


@blp.route("/<uuid:entry_id>/state", methods=["POST"])
@blp.arguments(schemas.StateSchema)
@blp.response(200, schemas.EntrySchema)
@blp.allow(DESK)
def set_state(data: dict[str, Any], entry_id: UUID) -> dict[str, Any]:
    """Mark a planned entry done, or cancel it"""
    return use_cases.set_state(unit_of_work(), entry_id, data["state"])


@blp.route("/staff/<uuid:staff_id>/calendar.ics", methods=["GET"])
@blp.arguments(schemas.CalendarArgs, location="query")
@blp.doc(responses={"200": {"description": "The person's diary as iCalendar (RFC 5545)",
                            "content": {"text/calendar": {"schema": {"type": "string"}}}}})
@blp.allow(STAFF)
def calendar(args: dict[str, Any], staff_id: UUID) -> Response:
    """A staff member's diary as an iCalendar file (.ics), for a phone's or a desktop's calendar"""
    name, entries = read(views.staff_diary, staff_id, args)
    return Response(ics(f"{name} 日程", entries, now()), mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="diary.ics"'})
