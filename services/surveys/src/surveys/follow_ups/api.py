"""Follow-up visits (回访, SRV-4): opened by a low score or a complaint in an answer's comment (or by
staff for any answer), assigned to staff of the estate; the visit records what the owner said.
And the low-score thresholds per operator or estate and element."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import DESK, MANAGERS, STAFF

from servicekit.paging import page_schema
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work
from surveys.access import blueprint
from surveys.follow_ups import use_cases, views
from surveys.follow_ups.schemas import (
    AtAGlanceArgs,
    AtAGlanceSchema,
    FlagSchema,
    FollowUpArgs,
    FollowUpSchema,
    SetThresholdsSchema,
    ThresholdArgs,
    ThresholdsInSchema,
    ThresholdsSchema,
    VisitSchema,
)

blp = blueprint("follow_ups", __name__, url_prefix="/api/v1",
                description="Follow-up visits (回访) of unhappy answers, and the low-score thresholds")


@blp.route("/follow-ups", methods=["GET"])
@blp.arguments(FollowUpArgs(), location="query")
@blp.response(200, page_schema(FollowUpSchema))
@blp.allow(STAFF, estates=("estate_id",), rows=("wave_id",))
def list_follow_ups(args: dict[str, Any]) -> Any:
    """The follow-up visits of the caller's estates, the latest first"""
    return read(views.estate_follow_ups, current_principal(), args)


@blp.route("/follow-ups/at-a-glance", methods=["GET"])
@blp.arguments(AtAGlanceArgs(), location="query")
@blp.response(200, AtAGlanceSchema())
@blp.allow(STAFF, rows=("estate_id",))
def follow_ups_at_a_glance(args: dict[str, Any]) -> Any:
    """An estate's follow-up work now (the estate dashboard's part): open follow-up visits (those nobody
    covers, the oldest) and open rectification actions (those overdue, since when)"""
    return read(views.at_a_glance, args["estate_id"], now())


@blp.route("/follow-ups", methods=["POST"])
@blp.arguments(FlagSchema())
@blp.response(201, FollowUpSchema())
@blp.allow(DESK, rows=("answer_id",))
def flag_answer(data: dict[str, Any]) -> Any:
    """Open a follow-up visit of a submitted answer by hand (the staff flag)"""
    made = use_cases.flag(unit_of_work(), current_principal().subject, now(), **data)
    return read(views.one, made["id"])


@blp.route("/follow-ups/<uuid:follow_up_id>", methods=["GET"])
@blp.response(200, FollowUpSchema())
@blp.allow(STAFF)
def get_follow_up(follow_up_id: UUID) -> Any:
    """One follow-up visit with its rectification actions"""
    return read(views.one, follow_up_id)


@blp.route("/follow-ups/<uuid:follow_up_id>/visit", methods=["POST"])
@blp.arguments(VisitSchema())
@blp.response(200, FollowUpSchema())
@blp.allow(STAFF)
def record_visit(data: dict[str, Any], follow_up_id: UUID) -> Any:
    """Record the visit: what the owner said (once)"""
    use_cases.record_visit(unit_of_work(), follow_up_id, current_principal().subject, now(), **data)
    return read(views.one, follow_up_id)


@blp.route("/follow-up-thresholds", methods=["GET"])
@blp.arguments(ThresholdArgs(), location="query")
@blp.response(200, ThresholdsSchema())
@blp.allow(STAFF, estates=("estate_id",))
def get_thresholds(args: dict[str, Any]) -> Any:
    """The low-score thresholds: the operator's, an estate's own, and the default"""
    return read(views.thresholds, args.get("estate_id"))


@blp.route("/follow-up-thresholds", methods=["PUT"])
@blp.arguments(ThresholdsInSchema())
@blp.response(200, SetThresholdsSchema())
@blp.allow(MANAGERS, estates=("estate_id",), operator_wide="estate_id")
def set_thresholds(data: dict[str, Any]) -> Any:
    """Set an estate's thresholds, or (operator admins) the operator's for every estate"""
    return use_cases.set_thresholds(unit_of_work(), current_principal().subject, now(), **data)
