"""Callbacks over HTTP (安排回电): the list (an assignee's due callbacks), one callback, scheduling
one, handing it to someone else, and marking it done or cancelled. Staff read; the desk writes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import DESK, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import current_settings, read, unit_of_work
from tickets.access import SCOPE
from tickets.callbacks import schemas, use_cases, views
from tickets.calls.numbers import shown_number, shown_numbers
from tickets.tickets.timeline import Actor

blp = ScopedBlueprint("callbacks", __name__, scope=SCOPE, url_prefix="/api/v1/callbacks",
                      description="Callbacks promised to callers, reminded and escalated by the timer (安排回电)")


@blp.route("", methods=["GET"])
@blp.arguments(schemas.CallbackListArgs, location="query")
@blp.response(200, page_schema(schemas.CallbackSchema))
@blp.allow(STAFF, rows=("call_id",), estates=("estate_id",))
def list_callbacks(args: dict[str, Any]) -> dict[str, Any]:
    """The callbacks of the caller's estates, soonest due first"""
    page = read(views.callback_page, current_principal(), args)
    return {**page, "items": shown_numbers(page["items"], "callback.number")}


@blp.route("", methods=["POST"])
@blp.arguments(schemas.NewCallbackSchema)
@blp.response(201, schemas.CallbackSchema)
@blp.allow(DESK, estates=("estate_id",))
def schedule(data: dict[str, Any]) -> dict[str, Any]:
    """Promise a caller a callback at a time, assigned to a staff member"""
    made = use_cases.schedule(unit_of_work(), Actor.of(current_principal()), data,
                              warn_minutes=current_settings().callback_warn_minutes)
    return shown_number(made, "callback.number")


@blp.route("/<uuid:callback_id>", methods=["GET"])
@blp.response(200, schemas.CallbackSchema)
@blp.allow(STAFF)
def one_callback(callback_id: UUID) -> dict[str, Any]:
    """One callback"""
    return shown_number(read(views.callback, callback_id), "callback.number")


@blp.route("/<uuid:callback_id>/reassign", methods=["POST"])
@blp.arguments(schemas.CallbackReassignSchema)
@blp.response(200, schemas.CallbackSchema)
@blp.allow(DESK)
def reassign(data: dict[str, Any], callback_id: UUID) -> dict[str, Any]:
    """Give an open callback to another staff member of its estate"""
    return shown_number(use_cases.reassign(unit_of_work(), callback_id, data["assignee_id"]), "callback.number")


@blp.route("/<uuid:callback_id>/finish", methods=["POST"])
@blp.arguments(schemas.FinishSchema)
@blp.response(200, schemas.CallbackSchema)
@blp.allow(DESK)
def finish(data: dict[str, Any], callback_id: UUID) -> dict[str, Any]:
    """Mark an open callback done (kept when by its due time) or cancelled"""
    return shown_number(use_cases.finish(unit_of_work(), callback_id, data), "callback.number")
