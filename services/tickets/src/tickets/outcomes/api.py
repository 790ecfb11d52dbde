"""A complaint's outcome (投诉结果, TKT-14): what it was within its class, why it happened, who was
responsible, what was promised to the owner, the media and legal flags (the desk), and whether it
proved justified (a manager, on review, once it is resolved)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import DESK, MANAGERS, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.web import ProblemSchema, current_principal
from servicekit.webapp import read, unit_of_work
from tickets.access import SCOPE
from tickets.outcomes import schemas, use_cases, views
from tickets.tickets.timeline import Actor

blp = ScopedBlueprint("outcomes", __name__, scope=SCOPE, url_prefix="/api/v1/tickets",
                      description="A complaint's outcome: sub-type, root cause, commitment, review (投诉结果)")

NOT_A_COMPLAINT = {"schema": ProblemSchema, "description": "The ticket is not a complaint"}


@blp.route("/<uuid:ticket_id>/outcome", methods=["GET"])
@blp.response(200, schemas.OutcomeSchema)
@blp.allow(STAFF)
def get_outcome(ticket_id: UUID) -> Any:
    """The complaint's outcome (its defaults until one is recorded)"""
    return read(views.outcome, ticket_id)


@blp.route("/<uuid:ticket_id>/outcome", methods=["PATCH"])
@blp.arguments(schemas.OutcomeChangeSchema)
@blp.response(200, schemas.OutcomeSchema)
@blp.alt_response(409, **NOT_A_COMPLAINT)
@blp.allow(DESK)
def record_outcome(data: dict[str, Any], ticket_id: UUID) -> Any:
    """Record the sub-type, root cause, responsible department, commitment and the media and legal flags"""
    return use_cases.record(unit_of_work(), ticket_id, Actor.of(current_principal()), data)


@blp.route("/<uuid:ticket_id>/outcome/review", methods=["POST"])
@blp.arguments(schemas.OutcomeReviewSchema)
@blp.response(200, schemas.OutcomeSchema)
@blp.alt_response(409, schema=ProblemSchema, description="Not a complaint, or not resolved yet")
@blp.allow(MANAGERS)
def review_outcome(data: dict[str, Any], ticket_id: UUID) -> Any:
    """Judge whether the resolved complaint proved justified (for the statistics)"""
    return use_cases.review(unit_of_work(), ticket_id, Actor.of(current_principal()), **data)
