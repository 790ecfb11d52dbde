"""Rectification actions (整改措施, SRV-4): opened from a follow-up visit with a responsible person and
a due date; done, verified by a manager, or reopened; the overdue ones listed."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS, STAFF

from servicekit.paging import page_schema
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import current_settings, read, unit_of_work
from surveys.access import blueprint
from surveys.actions import use_cases, views
from surveys.actions.schemas import ActionArgs, ActionSchema, MoveSchema, NewActionSchema, ReopenSchema

blp = blueprint("actions", __name__, url_prefix="/api/v1/actions",
                description="Rectification actions (整改措施): responsible person, due date, state until verified")


@blp.route("", methods=["GET"])
@blp.arguments(ActionArgs(), location="query")
@blp.response(200, page_schema(ActionSchema))
@blp.allow(STAFF, estates=("estate_id",), rows=("follow_up_id", "forum_id"))
def list_actions(args: dict[str, Any]) -> Any:
    """The rectification actions of the caller's estates (overdue=true: those still open past their due date)"""
    return read(views.estate_actions, current_principal(), args, now())


@blp.route("", methods=["POST"])
@blp.arguments(NewActionSchema())
@blp.response(201, ActionSchema())
@blp.allow(STAFF, rows=("follow_up_id",))
def open_action(data: dict[str, Any]) -> Any:
    """A rectification action of a visited follow-up"""
    made = use_cases.open_action(unit_of_work(), current_principal().subject, now(), current_settings().timezone,
                                 **data)
    return read(views.one, made["id"])


@blp.route("/<uuid:action_id>", methods=["GET"])
@blp.response(200, ActionSchema())
@blp.allow(STAFF)
def get_action(action_id: UUID) -> Any:
    """One rectification action with its steps"""
    return read(views.one, action_id)


def _move(action_id: UUID, to: str, data: dict[str, Any]) -> Any:
    use_cases.move(unit_of_work(), action_id, to, current_principal().subject, now(), current_settings().timezone,
                   **data)
    return read(views.one, action_id)


@blp.route("/<uuid:action_id>/done", methods=["POST"])
@blp.arguments(MoveSchema())
@blp.response(200, ActionSchema())
@blp.allow(STAFF)
def mark_done(data: dict[str, Any], action_id: UUID) -> Any:
    """The responsible person (or the desk) says the action is done"""
    return _move(action_id, "done", data)


@blp.route("/<uuid:action_id>/verification", methods=["POST"])
@blp.arguments(MoveSchema())
@blp.response(200, ActionSchema())
@blp.allow(MANAGERS)
def verify(data: dict[str, Any], action_id: UUID) -> Any:
    """A manager verifies a done action: final"""
    return _move(action_id, "verified", data)


@blp.route("/<uuid:action_id>/reopening", methods=["POST"])
@blp.arguments(ReopenSchema())
@blp.response(200, ActionSchema())
@blp.allow(MANAGERS)
def reopen(data: dict[str, Any], action_id: UUID) -> Any:
    """A manager finds a done action not done: open again (with a new due date, if given)"""
    return _move(action_id, "reopened", data)
