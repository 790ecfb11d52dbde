"""Tickets: quick entry, the list, one ticket, each step of the procedure, the timeline and the
stage report (TKT-1, TKT-3, TKT-7).

Each step is its own ``POST /api/v1/tickets/{id}/<step>`` (acknowledge, dispatch, reassign, arrive,
explain, escalate, resolve, inform-owner, evaluate, archive, reopen, merge, cancel, pause, resume):
each documents its own body, and answers the ticket after the step, or a 409 problem naming the
ticket's stage and the steps it allows. Desk roles take every step; a technician may mark their own
tickets arrived and resolved; staff read. An owner (a resident, their token's ``sub`` their owners
person id) opens tickets for a unit they live in (or a common area of their estate), as themselves,
and reads the tickets they reported and those of their units; anyone else's is 404 to them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from tenancy.permissions import REVEAL_PERSONAL_DATA
from tenancy.privacy import mask_phone
from tenancy.roles import DESK, MANAGERS, OWNER, STAFF, TECHNICIAN

from servicekit.access import ScopedBlueprint
from servicekit.audit import Reveal, audit_reveals
from servicekit.idempotency import IdempotencyHeaders, KeyedRequest
from servicekit.paging import page_schema
from servicekit.web import ProblemSchema, current_principal, refuse
from servicekit.webapp import read, unit_of_work
from tickets.access import SCOPE
from tickets.outcomes import views as outcome_views
from tickets.tables import pii_reveals
from tickets.tickets import schemas, views
from tickets.tickets.timeline import Actor
from tickets.tickets.use_cases import entry, procedure

blp = ScopedBlueprint("tickets", __name__, scope=SCOPE, url_prefix="/api/v1/tickets",
                      description="Inquiries, repairs and complaints, and the complaint procedure (投诉处理)")

DESK_OR_TECHNICIAN = DESK | {TECHNICIAN}
DESK_OR_OWNER = DESK | {OWNER}
READERS = STAFF | {OWNER}
# Every step documents its 409: a client generated from the document must expect it.
STEP_REFUSED = {"schema": ProblemSchema, "description": (
    "The step is not allowed in the ticket's stage (or the ticket changed meanwhile): errors.stage "
    "names the stage and errors.allowed_actions the steps it allows")}


def shown(ticket: dict[str, Any]) -> dict[str, Any]:
    """The ticket as answered: its contact phone masked unless the caller may see it whole."""
    return shown_all([ticket])[0]


def shown_all(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tickets as answered: contact phones masked, or shown whole to a caller with the permission
    after one audit row per phone shown (servicekit.audit)."""
    if current_principal().has(REVEAL_PERSONAL_DATA):
        audit_reveals(pii_reveals, [Reveal("ticket.contact_phone", t["estate_id"], t.get("person_id"), t["id"])
                                    for t in found if t.get("contact_phone")])
        return found
    return [{**t, "contact_phone": mask_phone(t.get("contact_phone"))} for t in found]


@blp.route("", methods=["POST"])
@blp.arguments(IdempotencyHeaders(), location="headers")  # instances: not built again for every request
@blp.arguments(schemas.NewTicketSchema())
@blp.response(201, schemas.OpenedTicketSchema())
@blp.alt_response(200, schema=schemas.OpenedTicketSchema, description="The ticket an earlier call with this key opened")
@blp.allow(DESK_OR_OWNER, estates=("estate_id",), rows=("department_id", "equipment_id"))
def open_ticket(headers: dict[str, Any], data: dict[str, Any]) -> Any:
    """Open a ticket (quick entry); possible_duplicates lists likely duplicates. An owner reports for a
    unit they live in or a common area of their estate, as themselves, through the app"""
    principal = current_principal()
    if principal.role == OWNER:
        data = as_owner(principal, data)
    key = KeyedRequest.of(principal, "POST /tickets", headers["idempotency_key"], data)
    opened = entry.open_ticket(unit_of_work(), Actor.of(principal), data, key=key)
    body = {**shown(views.with_actions(opened["ticket"])), "possible_duplicates": opened["possible_duplicates"]}
    return body, 201 if opened["created"] else 200


def as_owner(principal: Any, data: dict[str, Any]) -> dict[str, Any]:
    """An owner's report: about a unit they live in (another unit is 404, as if it did not exist) or a
    common area; they are the person who reported it, through the app."""
    try:
        person_id = UUID(principal.subject)
    except ValueError:
        refuse(403, "an owner's token names their person (sub)", "业主令牌须指明本人（sub）")
    if data.get("unit_id") is not None and not read(views.lives_in, principal, data["unit_id"]):
        refuse(404, "no such unit", "没有此房屋")
    if data.get("person_id") not in (None, person_id):
        refuse(422, "an owner reports as themselves: leave person_id out", "业主只能以本人身份报事：请勿填写 person_id",
               errors={"json": {"person_id": ["an owner reports as themselves"]}})
    return {**data, "person_id": person_id, "channel": "app"}


@blp.route("", methods=["GET"])
@blp.arguments(schemas.TicketListArgs(), location="query")
@blp.response(200, page_schema(schemas.TicketSchema))
@blp.allow(READERS, estates=("estate_id",), rows=("department_id", "equipment_id"))
def list_tickets(args: dict[str, Any]) -> Any:
    """The tickets of the caller's estates, latest first, or the most urgent first with order=due (an owner's:
    their own and their units'; a technician's: those assigned to them, or a department's queue asked for
    with unassigned=true)"""
    page = read(views.ticket_list, current_principal(), args)
    return {**page, "items": shown_all(page["items"])}


def owners_own_only(ticket_id: UUID) -> None:
    """An owner reaches only a ticket they reported or one of a unit they live in, and a technician
    only one assigned to them: any other is a 404, as another estate's (the desk passes)."""
    principal = current_principal()
    if principal.role == OWNER and not read(views.owner_may_see, principal, ticket_id):
        refuse(404, "no such ticket", "没有此工单")
    if principal.role == TECHNICIAN and str(read(views.assignee_of, ticket_id)) != principal.subject:
        refuse(404, "no such ticket", "没有此工单")


@blp.route("/<uuid:ticket_id>", methods=["GET"])
@blp.response(200, schemas.TicketSchema)
@blp.allow(READERS)
def get_ticket(ticket_id: UUID) -> Any:
    """One ticket (to an owner: theirs or their unit's; to a technician: one assigned to them; any other is 404)"""
    owners_own_only(ticket_id)
    return shown(read(views.ticket, ticket_id))


@blp.route("/<uuid:ticket_id>/timeline", methods=["GET"])
@blp.response(200, schemas.StepSchema(many=True))
@blp.allow(READERS)
def ticket_timeline(ticket_id: UUID) -> Any:
    """Every step on the ticket: who did what, when (to an owner or a technician: their own tickets' only)"""
    owners_own_only(ticket_id)
    return read(views.timeline, ticket_id)


@blp.route("/<uuid:ticket_id>/report", methods=["GET"])
@blp.response(200, schemas.ReportSchema)
@blp.allow(READERS)
def ticket_report(ticket_id: UUID) -> Any:
    """The stage report (阶段报告): stage, time left to each target, timeline, evaluation, promise (to an
    owner or a technician: their own tickets' only)"""
    owners_own_only(ticket_id)
    report = read(views.stage_report, ticket_id)
    return {**report, "ticket": shown(report["ticket"])}


# --- the steps of the procedure: each parses its body and takes one step (take_step) -------------

def take_step(step: Callable[..., dict[str, Any]], ticket_id: UUID, data: dict[str, Any]) -> dict[str, Any]:
    """Take ``step`` (a use case of :mod:`tickets.tickets.use_cases.procedure`) as the caller; a
    technician (let through only where a route allows them) on their own tickets only."""
    principal = current_principal()
    if principal.role == TECHNICIAN and str(read(views.assignee_of, ticket_id)) != principal.subject:
        refuse(403, "a technician takes this step on their own tickets only", "维修人员只能处理自己的工单")
    return shown(views.with_actions(step(unit_of_work(), ticket_id, Actor.of(principal), **data)))


@blp.route("/<uuid:ticket_id>/acknowledge", methods=["POST"])
@blp.arguments(schemas.NoteSchema)
@blp.response(200, schemas.TicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK)
def acknowledge_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """Take the ticket on (受理)"""
    return take_step(procedure.acknowledge, ticket_id, data)


@blp.route("/<uuid:ticket_id>/dispatch", methods=["POST"])
@blp.arguments(schemas.DispatchSchema)
@blp.response(200, schemas.DispatchedTicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK, rows=("department_id",))
def dispatch_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """Give it to a handler, by hand or automatically (派工)"""
    return take_step(procedure.dispatch, ticket_id, data)


@blp.route("/<uuid:ticket_id>/take", methods=["POST"])
@blp.arguments(schemas.TakeSchema)
@blp.response(200, schemas.DispatchedTicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK_OR_TECHNICIAN)
def take_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """A member of its department takes it from the department's queue (领取); a technician takes it themselves"""
    principal = current_principal()
    if principal.role == TECHNICIAN:
        if data["staff_id"] not in (None, _staff_id(principal.subject)):
            refuse(403, "a technician takes a ticket for themselves only", "维修人员只能为自己领取工单")
        data = {**data, "staff_id": _staff_id(principal.subject)}
    elif data["staff_id"] is None:
        refuse(422, "name the member of staff who takes it", "请指定领取工单的员工")
    return shown(views.with_actions(procedure.take(unit_of_work(), ticket_id, Actor.of(principal), **data)))


def _staff_id(subject: str) -> UUID:
    try:
        return UUID(subject)
    except ValueError:
        refuse(403, "this token names no member of staff", "此令牌未对应任何员工")


@blp.route("/<uuid:ticket_id>/reassign", methods=["POST"])
@blp.arguments(schemas.ReassignSchema)
@blp.response(200, schemas.DispatchedTicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK)
def reassign_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """Give it to someone else, with a reason (重新分配)"""
    return take_step(procedure.reassign, ticket_id, data)


@blp.route("/<uuid:ticket_id>/arrive", methods=["POST"])
@blp.arguments(schemas.NoteSchema)
@blp.response(200, schemas.TicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK_OR_TECHNICIAN)
def arrive_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """The handler is on site (到达现场)"""
    return take_step(procedure.arrive, ticket_id, data)


@blp.route("/<uuid:ticket_id>/explain", methods=["POST"])
@blp.arguments(schemas.ExplainSchema)
@blp.response(200, schemas.TicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK)
def explain_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """Cannot be solved now: explained, a date promised (解释并承诺时间)"""
    return take_step(procedure.explain, ticket_id, data)


@blp.route("/<uuid:ticket_id>/escalate", methods=["POST"])
@blp.arguments(schemas.ReasonSchema)
@blp.response(200, schemas.TicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK)
def escalate_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """Report it upwards (上报)"""
    return take_step(procedure.escalate, ticket_id, data)


@blp.route("/<uuid:ticket_id>/resolve", methods=["POST"])
@blp.arguments(schemas.ResolveSchema)
@blp.response(200, schemas.TicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK_OR_TECHNICIAN)
def resolve_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """Solved, or answered (处理完毕)"""
    return take_step(procedure.resolve, ticket_id, data)


@blp.route("/<uuid:ticket_id>/inform-owner", methods=["POST"])
@blp.arguments(schemas.InformOwnerSchema)
@blp.response(200, schemas.TicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK)
def inform_owner_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """The owner was told the result (回复业主); with the media involved, by a manager only"""
    if current_principal().role not in MANAGERS and read(outcome_views.media_involved, ticket_id):
        refuse(403, "the media are involved: only a manager replies to the owner", "媒体介入的投诉只能由负责人答复业主")
    return take_step(procedure.inform_owner, ticket_id, data)


@blp.route("/<uuid:ticket_id>/evaluate", methods=["POST"])
@blp.arguments(schemas.EvaluateSchema)
@blp.response(200, schemas.TicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK_OR_OWNER)
def evaluate_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """The owner's opinion, 1 to 5 (回访评价): taken by the desk, or given by the owner themselves on
    their own ticket (channel ``owner``; anyone else's is a 404)"""
    if current_principal().role == OWNER:
        owners_own_only(ticket_id)
        data = {**data, "channel": "owner"}
    return take_step(procedure.evaluate, ticket_id, data)


@blp.route("/<uuid:ticket_id>/archive", methods=["POST"])
@blp.arguments(schemas.NoteSchema)
@blp.response(200, schemas.TicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK)
def archive_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """File it (归档)"""
    return take_step(procedure.archive, ticket_id, data)


@blp.route("/<uuid:ticket_id>/reopen", methods=["POST"])
@blp.arguments(schemas.ReopenSchema)
@blp.response(200, schemas.TicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK)
def reopen_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """Open it again, with a reason (重新打开)"""
    return take_step(procedure.reopen, ticket_id, data)


@blp.route("/<uuid:ticket_id>/merge", methods=["POST"])
@blp.arguments(schemas.MergeSchema)
@blp.response(200, schemas.TicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK, rows=("into_ticket_id",))
def merge_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """A duplicate: close it into another open ticket (合并)"""
    return take_step(procedure.merge, ticket_id, data)


@blp.route("/<uuid:ticket_id>/cancel", methods=["POST"])
@blp.arguments(schemas.ReasonSchema)
@blp.response(200, schemas.TicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK)
def cancel_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """Withdraw it, with a reason (取消)"""
    return take_step(procedure.cancel, ticket_id, data)


@blp.route("/<uuid:ticket_id>/pause", methods=["POST"])
@blp.arguments(schemas.ReasonSchema)
@blp.response(200, schemas.TicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK)
def pause_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """Waiting on the owner: the SLA clocks stop (等待业主)"""
    return take_step(procedure.pause, ticket_id, data)


@blp.route("/<uuid:ticket_id>/resume", methods=["POST"])
@blp.arguments(schemas.NoteSchema)
@blp.response(200, schemas.TicketSchema)
@blp.alt_response(409, **STEP_REFUSED)
@blp.allow(DESK)
def resume_ticket(data: dict[str, Any], ticket_id: UUID) -> Any:
    """No longer waiting on the owner (恢复)"""
    return take_step(procedure.resume, ticket_id, data)
