"""Owners' forums (业户座谈会, SRV-6): held with households invited in turn (never invited before
first), their attendance, and the suggestions raised, each tracked as a rectification action."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import DESK, STAFF

from servicekit.paging import page_schema
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import current_settings, read, unit_of_work
from surveys.access import blueprint
from surveys.actions import use_cases as actions
from surveys.actions import views as action_views
from surveys.actions.schemas import ActionSchema
from surveys.forums import use_cases, views
from surveys.forums.schemas import (
    AttendanceSchema,
    ForumArgs,
    ForumSchema,
    ForumSummarySchema,
    NewForumSchema,
    SuggestionSchema,
)

blp = blueprint("forums", __name__, url_prefix="/api/v1/forums",
                description="Owners' forums (业户座谈会): invited households in turn, attendance, suggestions")


@blp.route("", methods=["GET"])
@blp.arguments(ForumArgs(), location="query")
@blp.response(200, page_schema(ForumSummarySchema))
@blp.allow(STAFF, estates=("estate_id",))
def list_forums(args: dict[str, Any]) -> Any:
    """The forums of the caller's estates, the latest first"""
    return read(views.estate_forums, current_principal(), args)


@blp.route("", methods=["POST"])
@blp.arguments(NewForumSchema())
@blp.response(201, ForumSchema())
@blp.allow(DESK, estates=("estate_id",))
def hold_forum(data: dict[str, Any]) -> Any:
    """A forum with its households invited in turn"""
    made = use_cases.hold(unit_of_work(), current_principal().subject, now(), **data)
    return read(views.one, made["id"])


@blp.route("/<uuid:forum_id>", methods=["GET"])
@blp.response(200, ForumSchema())
@blp.allow(STAFF)
def get_forum(forum_id: UUID) -> Any:
    """One forum: its invitees (who attended) and its suggestions"""
    return read(views.one, forum_id)


@blp.route("/<uuid:forum_id>/attendance", methods=["POST"])
@blp.arguments(AttendanceSchema())
@blp.response(200, ForumSchema())
@blp.allow(DESK)
def record_attendance(data: dict[str, Any], forum_id: UUID) -> Any:
    """Record which invited households came"""
    use_cases.attended(unit_of_work(), forum_id, **data)
    return read(views.one, forum_id)


@blp.route("/<uuid:forum_id>/suggestions", methods=["POST"])
@blp.arguments(SuggestionSchema())
@blp.response(201, ActionSchema())
@blp.allow(DESK)
def raise_suggestion(data: dict[str, Any], forum_id: UUID) -> Any:
    """A suggestion raised at the forum, tracked as a rectification action (done, verified, reopened)"""
    made = actions.open_suggestion(unit_of_work(), current_principal().subject, now(), current_settings().timezone,
                                   forum_id=forum_id, **data)
    return read(action_views.one, made["id"])
