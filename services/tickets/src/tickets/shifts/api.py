"""Shifts over HTTP (TKT-13): the handover record written by the outgoing staff member and signed by
the incoming one, who then owns its open items; and the duty logbook."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import DESK, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import current_settings, read, unit_of_work
from tickets.access import SCOPE
from tickets.shifts import schemas, use_cases, views
from tickets.tickets.timeline import Actor

blp = ScopedBlueprint("shifts", __name__, scope=SCOPE, url_prefix="/api/v1/shifts",
                      description="Shift handovers (交接班记录) and the duty logbook (岗位记事本)")


@blp.route("/handovers", methods=["GET"])
@blp.arguments(schemas.HandoverListArgs, location="query")
@blp.response(200, page_schema(schemas.HandoverSchema))
@blp.allow(STAFF, rows=("staff_id",), estates=("estate_id",))
def list_handovers(args: dict[str, Any]) -> dict[str, Any]:
    """Handovers of the caller's estates, the latest first"""
    return read(views.handover_page, current_principal(), args)


@blp.route("/handovers", methods=["POST"])
@blp.arguments(schemas.NewHandoverSchema)
@blp.response(201, schemas.HandoverSchema)
@blp.allow(DESK, estates=("estate_id",))
def write_handover(data: dict[str, Any]) -> dict[str, Any]:
    """Write the handover: the outgoing staff member's open tickets and callbacks, and notes"""
    return use_cases.write(unit_of_work(), data, sign_minutes=current_settings().handover_sign_minutes)


@blp.route("/handovers/<uuid:handover_id>", methods=["GET"])
@blp.response(200, schemas.HandoverSchema)
@blp.allow(STAFF)
def one_handover(handover_id: UUID) -> dict[str, Any]:
    """One handover"""
    return read(views.handover, handover_id)


@blp.route("/handovers/<uuid:handover_id>/sign", methods=["POST"])
@blp.arguments(schemas.SignSchema)
@blp.response(200, schemas.HandoverSchema)
@blp.allow(STAFF, rows=("staff_id",))
def sign(data: dict[str, Any], handover_id: UUID) -> dict[str, Any]:
    """The incoming staff member signs, and owns the open items from now on"""
    return use_cases.sign(unit_of_work, Actor.of(current_principal()), handover_id, data["staff_id"])


@blp.route("/logbook", methods=["GET"])
@blp.arguments(schemas.LogbookListArgs, location="query")
@blp.response(200, page_schema(schemas.LogbookEntrySchema))
@blp.allow(STAFF, rows=("staff_id",), estates=("estate_id",))
def list_logbook(args: dict[str, Any]) -> dict[str, Any]:
    """The duty logbook of the caller's estates, the latest first"""
    return read(views.logbook_page, current_principal(), args)


@blp.route("/logbook", methods=["POST"])
@blp.arguments(schemas.LogbookEntrySchema)
@blp.response(201, schemas.LogbookEntrySchema)
@blp.allow(STAFF, estates=("estate_id",))
def log(data: dict[str, Any]) -> dict[str, Any]:
    """Write what was abnormal in the shift in the duty logbook"""
    return use_cases.log(unit_of_work(), Actor.of(current_principal()), data)
