"""The phone over HTTP (电话服务, TKT-9): desk lines, the call log, who a number belongs to, and
dialling through the call-centre system.

Calls come in two ways: entered at the desk, or pushed by the call-centre system (an
``integration_client`` token) with an ``Idempotency-Key``, so a retried push is the same call. Staff
read; the desk and the call-centre system log calls; managers give estates their lines.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.privacy import mask_phone
from tenancy.roles import DESK, MANAGERS, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.idempotency import IdempotencyHeaders, KeyedRequest
from servicekit.paging import page_schema
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import current_settings, read, read_session, unit_of_work
from tickets.access import SCOPE
from tickets.calls import ring_length, schemas, statistics, use_cases, views
from tickets.calls.numbers import shown_number, shown_numbers
from tickets.calls.sheets import statistics_columns, statistics_sheet
from tickets.reports.formats import as_asked
from tickets.reports.schemas import files
from tickets.tickets.timeline import Actor

blp = ScopedBlueprint("calls", __name__, scope=SCOPE, url_prefix="/api/v1/calls",
                      description="The call log, desk lines, finding a caller, dialling out (电话服务)")


@blp.route("/lines", methods=["GET"])
@blp.arguments(schemas.LineListArgs, location="query")
@blp.response(200, page_schema(schemas.LineSchema))
@blp.allow(STAFF, estates=("estate_id",))
def list_lines(args: dict[str, Any]) -> dict[str, Any]:
    """The desk lines of the caller's estates and who answers each"""
    return read(views.line_page, current_principal(), args)


@blp.route("/lines", methods=["POST"])
@blp.arguments(schemas.LineSchema)
@blp.response(201, schemas.LineSchema)
@blp.allow(MANAGERS, estates=("estate_id",))
def add_line(data: dict[str, Any]) -> dict[str, Any]:
    """Give an estate a desk line or extension, answered by one of its staff"""
    return use_cases.add_line(unit_of_work(), data)


@blp.route("/lines/<uuid:desk_line_id>", methods=["PATCH"])
@blp.arguments(schemas.LineChangeSchema)
@blp.response(200, schemas.LineSchema)
@blp.allow(MANAGERS)
def change_line(changes: dict[str, Any], desk_line_id: UUID) -> dict[str, Any]:
    """Hand a line to another staff member, relabel it, or take it out of use"""
    return use_cases.change_line(unit_of_work(), desk_line_id, changes)


@blp.route("", methods=["POST"])
@blp.arguments(IdempotencyHeaders(), location="headers")
@blp.arguments(schemas.NewCallSchema())
@blp.response(201, schemas.CallSchema())
@blp.alt_response(200, schema=schemas.CallSchema, description="The call an earlier push with this key logged")
@blp.allow(DESK, estates=("estate_id",))
def log_call(headers: dict[str, Any], data: dict[str, Any]) -> Any:
    """Log a call (the desk, or the call-centre system with an Idempotency-Key); a missed one schedules a callback"""
    principal, settings = current_principal(), current_settings()
    key = KeyedRequest.of(principal, "POST /calls", headers["idempotency_key"], data)
    made, created = use_cases.log_call(unit_of_work(), Actor.of(principal), data, key=key,
                                       due_minutes=settings.callback_due_minutes,
                                       warn_minutes=settings.callback_warn_minutes)
    return shown_number(made, "call.number"), 201 if created else 200


@blp.route("", methods=["GET"])
@blp.arguments(schemas.CallListArgs, location="query")
@blp.response(200, page_schema(schemas.CallSchema))
@blp.allow(STAFF, rows=("desk_line_id", "ticket_id"), estates=("estate_id",))
def list_calls(args: dict[str, Any]) -> dict[str, Any]:
    """The calls of the caller's estates, latest first"""
    page = read(views.call_page, current_principal(), args)
    return {**page, "items": shown_numbers(page["items"], "call.number")}


@blp.route("/callers", methods=["GET"])
@blp.arguments(schemas.CallerArgs, location="query")
@blp.response(200, schemas.CallersSchema)
@blp.allow(STAFF, estates=("estate_id",))
def find_callers(args: dict[str, Any]) -> dict[str, Any]:
    """Who a number belongs to (the whole number, or its last four digits), with the units they live in"""
    found = read(views.callers, current_principal(), args)
    return {"people": [{**p, "mobile": mask_phone(p["mobile"])} for p in found]}


@blp.route("/statistics", methods=["GET"])
@blp.arguments(schemas.StatisticsArgs, location="query")
@blp.response(200, schemas.StatisticsSchema)
@blp.doc(responses=files("Statistics"))
@blp.allow(DESK, estates=("estate_id",))
def call_statistics(args: dict[str, Any]) -> Any:
    """Call statistics by estate, desk line or staff: within three rings, time to answer, missed, callbacks kept"""
    if args["ring_seconds"] is None:
        args = {**args, "ring_seconds": read(ring_length.ring_seconds_of, args.get("estate_id"))}
    with read_session(transaction=True) as session:  # its SET LOCAL work_mem needs a transaction
        rows = statistics.call_figures(session, current_principal(), args, now())
    answer = {**{name: args[name] for name in ("since", "until", "by", "ring_seconds")}, "rows": rows}
    name = f"calls-{args['since']:%Y%m%d}-{args['until']:%Y%m%d}-by-{args['by']}"
    return as_asked(args, name, answer, lambda: (statistics_columns(args["by"]), rows),
                    lambda: [statistics_sheet(args["by"], rows)])


@blp.route("/dial", methods=["POST"])
@blp.arguments(schemas.DialSchema)
@blp.response(202, schemas.DialedSchema)
@blp.allow(DESK, rows=("desk_line_id", "ticket_id"), estates=("estate_id",))
def dial(data: dict[str, Any]) -> dict[str, Any]:
    """Ask the call-centre system to dial a person from their record (自动拨号)"""
    dialled = use_cases.request_dial(unit_of_work(), Actor.of(current_principal()), data)
    return {**dialled, "number": mask_phone(dialled["number"])}


@blp.route("/<uuid:call_id>", methods=["GET"])
@blp.response(200, schemas.CallSchema)
@blp.allow(STAFF)
def one_call(call_id: UUID) -> dict[str, Any]:
    """One call"""
    return shown_number(read(views.call, call_id), "call.number")


@blp.route("/<uuid:call_id>", methods=["PATCH"])
@blp.arguments(schemas.CallChangeSchema)
@blp.response(200, schemas.CallSchema)
@blp.allow(DESK)
def change_call(changes: dict[str, Any], call_id: UUID) -> dict[str, Any]:
    """Add the agent's notes or the recording link, link a person, unit or ticket, or end the call"""
    return shown_number(use_cases.change_call(unit_of_work(), call_id, changes), "call.number")


@blp.route("/phone-settings/<uuid:estate_id>", methods=["GET"])
@blp.response(200, schemas.PhoneSettingsSchema)
@blp.allow(STAFF)
def phone_settings(estate_id: UUID) -> dict[str, Any]:
    """The estate's phone settings: how long one ring lasts (6 s unless it set another)"""
    return read(ring_length.phone_settings_of, estate_id)


@blp.route("/phone-settings/<uuid:estate_id>", methods=["PUT"])
@blp.arguments(schemas.PhoneSettingsSchema)
@blp.response(200, schemas.PhoneSettingsSchema)
@blp.allow(MANAGERS)
def set_phone_settings(data: dict[str, Any], estate_id: UUID) -> dict[str, Any]:
    """Set how long one ring lasts in the estate, for its call statistics and monthly report"""
    return ring_length.set_ring_length(unit_of_work(), estate_id, data["ring_seconds"])
