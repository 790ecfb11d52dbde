"""A wave's invitations (邀请): whom it asked and who answered; reminders to those who have not."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS, STAFF

from servicekit.paging import page_schema
from servicekit.webapp import current_settings, read, unit_of_work
from surveys.access import blueprint
from surveys.invitations import use_cases, views
from surveys.invitations.schemas import InvitationArgs, InvitationSchema, RemindedSchema

blp = blueprint("invitations", __name__, url_prefix="/api/v1/waves",
                description="A wave's invitations (邀请) and reminders")


@blp.route("/<uuid:wave_id>/invitations", methods=["GET"])
@blp.arguments(InvitationArgs(), location="query")
@blp.response(200, page_schema(InvitationSchema))
@blp.allow(STAFF)
def wave_invitations(args: dict[str, Any], wave_id: UUID) -> Any:
    """A wave's invitations by unit: whom, and whether they answered"""
    return read(views.wave_invitations, wave_id, args)


@blp.route("/<uuid:wave_id>/reminders", methods=["POST"])
@blp.response(200, RemindedSchema())
@blp.allow(MANAGERS)
def remind(wave_id: UUID) -> Any:
    """Remind everyone of the wave who has not answered (a new link each; the first stays good)"""
    return use_cases.remind(unit_of_work(), wave_id, current_settings().answer_url)
