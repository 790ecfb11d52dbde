"""Training cases (培训案例, TKT-10): a manager makes a resolved complaint into an anonymised case
with its lesson, for staff training; listed by complaint class and quality aspect."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.web import ProblemSchema, current_principal
from servicekit.webapp import read, unit_of_work
from tickets.access import SCOPE
from tickets.tickets.timeline import Actor
from tickets.training import schemas, use_cases, views

blp = ScopedBlueprint("training", __name__, scope=SCOPE, url_prefix="/api/v1/training-cases",
                      description="Training cases made of complaints, anonymised (培训案例)")


@blp.route("", methods=["GET"])
@blp.arguments(schemas.CaseListArgs, location="query")
@blp.response(200, schemas.CaseSchema(many=True))
@blp.allow(STAFF, estates=("estate_id",))
def list_cases(args: dict[str, Any]) -> Any:
    """The cases of the caller's estates, by class and quality aspect, newest first"""
    return read(views.case_list, current_principal(), args)


@blp.route("", methods=["POST"])
@blp.arguments(schemas.NewCaseSchema)
@blp.response(201, schemas.CaseSchema)
@blp.alt_response(409, schema=ProblemSchema, description="Not a resolved complaint, or a case already")
@blp.allow(MANAGERS, rows=("ticket_id",))
def make_case(data: dict[str, Any]) -> Any:
    """Make a resolved complaint into a training case: its story and lesson, with no name, number or unit"""
    return use_cases.make_case(unit_of_work(), Actor.of(current_principal()), **data)


@blp.route("/<uuid:case_id>", methods=["GET"])
@blp.response(200, schemas.CaseSchema)
@blp.allow(STAFF)
def get_case(case_id: UUID) -> Any:
    """One training case"""
    return read(views.case, case_id)
