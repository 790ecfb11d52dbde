"""Tickets: quick entry, the list, one ticket, each step of the procedure, the timeline and the
stage report (TKT-1, TKT-3, TKT-7).

Each step is its own ``POST /api/v1/tickets/{id}/<step>`` (acknowledge, dispatch, reassign, arrive,
explain, escalate, resolve, inform-owner, evaluate, archive, reopen, merge, cancel, pause, resume):
each documents its own body, and answers the ticket after the step, or a 409 problem naming the
ticket's stage and the steps it allows. Desk roles take every step; a technician may mark their own
tickets arrived and resolved; staff read. Owners (residents) are refused (403) for now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from marshmallow import Schema
from tenancy.permissions import REVEAL_PERSONAL_DATA
from tenancy.privacy import mask_phone
from tenancy.roles import DESK, STAFF, TECHNICIAN

from servicekit.paging import page_schema
from servicekit.web import current_principal, refuse
from servicekit.webapp import read, unit_of_work
from tickets import views
from tickets.api import ticket_schemas as s
from tickets.api.access import blueprint
from tickets.timeline import Actor
from tickets.use_cases import entry, procedure

blp = blueprint("tickets", __name__, url_prefix="/api/v1/tickets",
                description="Inquiries, repairs and complaints, and the complaint procedure (投诉处理)")


def actor() -> Actor:
    principal = current_principal()
    return Actor(principal.subject, principal.role)


def shown(ticket: dict[str, Any]) -> dict[str, Any]:
    """The ticket as answered: its contact phone masked unless the caller may see it whole."""
    if current_principal().has(REVEAL_PERSONAL_DATA):
        return ticket
    return {**ticket, "contact_phone": mask_phone(ticket.get("contact_phone"))}


@blp.route("", methods=["POST"])
@blp.arguments(s.IdempotencyHeaders(), location="headers")  # instances: not built again for every request
@blp.arguments(s.NewTicketSchema())
@blp.response(201, s.OpenedTicketSchema())
@blp.alt_response(200, schema=s.OpenedTicketSchema, description="The ticket an earlier call with this key opened")
@blp.allow(DESK, estates=("estate_id",))
def open_ticket(headers: dict[str, Any], data: dict[str, Any]) -> Any:
    """Open a ticket (quick entry); possible_duplicates lists likely duplicates"""
    opened = entry.open_ticket(unit_of_work(), actor(), data, idempotency_key=headers["idempotency_key"])
    body = {**shown(views.with_actions(opened["ticket"])), "possible_duplicates": opened["possible_duplicates"]}
    return body, 201 if opened["created"] else 200


@blp.route("", methods=["GET"])
@blp.arguments(s.TicketListArgs(), location="query")
@blp.response(200, page_schema(s.TicketSchema))
@blp.allow(STAFF, estates=("estate_id",))
def list_tickets(args: dict[str, Any]) -> Any:
    """The tickets of the caller's estates, latest first"""
    page = read(views.ticket_list, current_principal(), args)
    return {**page, "items": [shown(t) for t in page["items"]]}


@blp.route("/<uuid:ticket_id>", methods=["GET"])
@blp.response(200, s.TicketSchema)
@blp.allow(STAFF)
def get_ticket(ticket_id: UUID) -> Any:
    """One ticket"""
    return shown(read(views.ticket, ticket_id))


@blp.route("/<uuid:ticket_id>/timeline", methods=["GET"])
@blp.response(200, s.StepSchema(many=True))
@blp.allow(STAFF)
def ticket_timeline(ticket_id: UUID) -> Any:
    """Every step on the ticket: who did what, when"""
    return read(views.timeline, ticket_id)


@blp.route("/<uuid:ticket_id>/report", methods=["GET"])
@blp.response(200, s.ReportSchema)
@blp.allow(STAFF)
def ticket_report(ticket_id: UUID) -> Any:
    """The stage report (阶段报告): stage, time left to each target, timeline, evaluation, promise"""
    report = read(views.stage_report, ticket_id)
    return {**report, "ticket": shown(report["ticket"])}


def _step(path: str, use_case: Callable[..., dict[str, Any]], body: type[Schema], summary: str, *,
          technician_own: bool = False, rows: tuple[str, ...] = ()) -> None:
    """Route ``POST /{ticket_id}/<path>`` to ``use_case``; a technician may call it on their own tickets."""

    def view(data: dict[str, Any], ticket_id: UUID) -> Any:
        if current_principal().role == TECHNICIAN and str(read(views.assignee_of, ticket_id)) != actor().subject:
            refuse(403, "a technician takes this step on their own tickets only", "维修人员只能处理自己的工单")
        return shown(views.with_actions(use_case(unit_of_work(), ticket_id, actor(), **data)))

    view.__name__, view.__doc__ = path.replace("-", "_") + "_ticket", summary
    roles = DESK | {TECHNICIAN} if technician_own else DESK
    decorated = blp.response(200, s.TicketSchema)(blp.allow(roles, rows=rows)(view))
    blp.route(f"/<uuid:ticket_id>/{path}", methods=["POST"])(blp.arguments(body())(decorated))


_step("acknowledge", procedure.acknowledge, s.NoteSchema, "Take the ticket on (受理)")
_step("dispatch", procedure.dispatch, s.DispatchSchema, "Give it to a handler, by hand or automatically (派工)")
_step("reassign", procedure.reassign, s.ReassignSchema, "Give it to someone else, with a reason (重新分配)")
_step("arrive", procedure.arrive, s.NoteSchema, "The handler is on site (到达现场)", technician_own=True)
_step("explain", procedure.explain, s.ExplainSchema,
      "Cannot be solved now: explained, a date promised (解释并承诺时间)")
_step("escalate", procedure.escalate, s.ReasonSchema, "Report it upwards (上报)")
_step("resolve", procedure.resolve, s.ResolveSchema, "Solved, or answered (处理完毕)", technician_own=True)
_step("inform-owner", procedure.inform_owner, s.InformOwnerSchema, "The owner was told the result (回复业主)")
_step("evaluate", procedure.evaluate, s.EvaluateSchema, "The owner's opinion, 1 to 5 (回访评价)")
_step("archive", procedure.archive, s.NoteSchema, "File it (归档)")
_step("reopen", procedure.reopen, s.ReopenSchema, "Open it again, with a reason (重新打开)")
_step("merge", procedure.merge, s.MergeSchema, "A duplicate: close it into another open ticket (合并)",
      rows=("into_ticket_id",))
_step("cancel", procedure.cancel, s.ReasonSchema, "Withdraw it, with a reason (取消)")
_step("pause", procedure.pause, s.ReasonSchema, "Waiting on the owner: the SLA clocks stop (等待业主)")
_step("resume", procedure.resume, s.NoteSchema, "No longer waiting on the owner (恢复)")
