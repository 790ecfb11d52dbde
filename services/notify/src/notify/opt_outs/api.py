"""A person's opt-outs (退订) of non-essential notices, per purpose."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import DESK

from notify.access import blueprint
from notify.opt_outs import use_cases
from notify.opt_outs.schemas import OptOutSchema
from notify.opt_outs.views import opt_outs_of
from servicekit.rows import now
from servicekit.webapp import read, unit_of_work

blp = blueprint("opt_outs", __name__, url_prefix="/api/v1/people",
                description="Opt-outs of non-essential notices (退订)")


@blp.route("/<uuid:person_id>/opt-outs", methods=["GET"])
@blp.response(200, OptOutSchema(many=True))
@blp.allow(DESK)
def list_opt_outs(person_id: UUID) -> Any:
    """The purposes the person opted out of"""
    return read(opt_outs_of, person_id)


@blp.route("/<uuid:person_id>/opt-outs/<string:purpose>", methods=["PUT"])
@blp.response(200, OptOutSchema())
@blp.allow(DESK)
def add_opt_out(person_id: UUID, purpose: str) -> Any:
    """Opt the person out of a non-essential purpose (activity, survey, marketing)"""
    return use_cases.opt_out(unit_of_work(), person_id, purpose, now())


@blp.route("/<uuid:person_id>/opt-outs/<string:purpose>", methods=["DELETE"])
@blp.response(204)
@blp.allow(DESK)
def remove_opt_out(person_id: UUID, purpose: str) -> Any:
    """Opt the person back in"""
    use_cases.opt_in(unit_of_work(), person_id, purpose)
    return None
