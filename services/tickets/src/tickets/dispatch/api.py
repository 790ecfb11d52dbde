"""Dispatch over HTTP: which skill a kind of ticket, and a complaint class, calls for (complaints to
customer service unless the operator or an estate says otherwise), and whom dispatch would give a
ticket to now and why (the desk's suggestion before it dispatches or reassigns)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import DESK, MANAGERS

from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work
from tickets.access import SCOPE
from tickets.dispatch import schemas, use_cases, views

blp = ScopedBlueprint("dispatch", __name__, scope=SCOPE, url_prefix="/api/v1/dispatch",
                      description="Which skill each kind of ticket calls for, and whom a ticket would go to (派工)")


@blp.route("/skills", methods=["GET"])
@blp.arguments(schemas.SkillListArgs, location="query")
@blp.response(200, page_schema(schemas.SkillSchema))
@blp.allow(MANAGERS, estates=("estate_id",))
def list_skills(args: dict[str, Any]) -> dict[str, Any]:
    """The operator's dispatch skills and the caller's estates' own (without any row: complaints to customer_service)"""
    return read(views.skill_page, current_principal(), args)


@blp.route("/skills", methods=["POST"])
@blp.arguments(schemas.SkillSchema)
@blp.response(201, schemas.SkillSchema)
@blp.allow(MANAGERS, estates=("estate_id",))
def set_skill(data: dict[str, Any]) -> dict[str, Any]:
    """Say which skill tickets of a kind (and complaint class) call for, in an estate or every estate"""
    return use_cases.set_skill(unit_of_work(), current_principal(), data)


@blp.route("/skills/<uuid:dispatch_skill_id>", methods=["DELETE"])
@blp.response(204)
@blp.allow(MANAGERS)
def remove_skill(dispatch_skill_id: UUID) -> None:
    """Remove a row: the next less specific one, or the default, applies"""
    use_cases.remove_skill(unit_of_work(), dispatch_skill_id)


@blp.route("/suggestions/<uuid:ticket_id>", methods=["GET"])
@blp.response(200, schemas.SuggestionSchema)
@blp.allow(DESK)
def suggest_assignee(ticket_id: UUID) -> dict[str, Any]:
    """Whom dispatch would give the ticket to now and why, and who else could take it, best first"""
    return read(views.suggestion, ticket_id)
