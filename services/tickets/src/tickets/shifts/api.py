"""Shifts over HTTP (TKT-13): the handover record written by the outgoing staff member and signed by
the incoming one, who then owns its open items; the duty logbook; and the duty roster (who works
when, which the diary's "off shift" reads)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import DESK, MANAGERS, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import current_settings, read, unit_of_work
from tickets.access import SCOPE
from tickets.shifts import roster, schemas, use_cases, views
from tickets.tickets.timeline import Actor

blp = ScopedBlueprint("shifts", __name__, scope=SCOPE, url_prefix="/api/v1/shifts",
                      description="Shift handovers (交接班记录), the duty logbook (岗位记事本) and the duty "
                                  "roster (排班表)")


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


@blp.route("/roster", methods=["GET"])
@blp.arguments(schemas.RosterListArgs, location="query")
@blp.response(200, page_schema(schemas.ShiftSchema))
@blp.allow(STAFF, rows=("staff_id",), estates=("estate_id",))
def list_roster(args: dict[str, Any]) -> dict[str, Any]:
    """The duty roster of the caller's estates: who works when"""
    return read(views.roster_page, current_principal(), args)


@blp.route("/roster", methods=["POST"])
@blp.arguments(schemas.ShiftSchema)
@blp.response(201, schemas.ShiftSchema)
@blp.allow(MANAGERS, estates=("estate_id",))
def add_shift(data: dict[str, Any]) -> dict[str, Any]:
    """Roster a staff member for a shift (another shift of theirs at that time: 409)"""
    return roster.add_shift(unit_of_work(), Actor.of(current_principal()), data)


@blp.route("/roster/<uuid:shift_id>", methods=["DELETE"])
@blp.response(204)
@blp.allow(MANAGERS)
def remove_shift(shift_id: UUID) -> None:
    """Take a shift off the roster"""
    roster.remove_shift(unit_of_work(), shift_id)
