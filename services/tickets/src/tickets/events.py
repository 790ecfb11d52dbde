"""Events the tickets service records; their payloads are documented in ``contracts/``.

Every ticket event carries the whole ticket as it is after the change (``data.ticket``, with its
``version``), so a consumer keeps a copy from any one of them; the event's own fields (``data``
beside ``ticket``) say what happened.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The ticket's life (TKT-1, TKT-3, TKT-6)
TICKET_OPENED = "tickets.ticket.opened.v1"
TICKET_ACKNOWLEDGED = "tickets.ticket.acknowledged.v1"
TICKET_DISPATCHED = "tickets.ticket.dispatched.v1"  # assigned, automatically or by hand
TICKET_REASSIGNED = "tickets.ticket.reassigned.v1"
TICKET_ARRIVED = "tickets.ticket.arrived.v1"  # the handler is on site
TICKET_EXPLAINED = "tickets.ticket.explained.v1"  # cannot be solved now: explained, a date promised
TICKET_RESOLVED = "tickets.ticket.resolved.v1"
TICKET_OWNER_INFORMED = "tickets.ticket.owner_informed.v1"  # the owner was told the result
TICKET_EVALUATED = "tickets.ticket.evaluated.v1"  # the owner's opinion recorded
TICKET_ARCHIVED = "tickets.ticket.archived.v1"
TICKET_REOPENED = "tickets.ticket.reopened.v1"
TICKET_MERGED = "tickets.ticket.merged.v1"
TICKET_CANCELLED = "tickets.ticket.cancelled.v1"
TICKET_PAUSED = "tickets.ticket.paused.v1"  # waiting on the owner: SLA clocks stop
TICKET_RESUMED = "tickets.ticket.resumed.v1"

# Service levels and escalation (TKT-4, TKT-5)
SLA_WARNED = "tickets.sla.warned.v1"
SLA_BREACHED = "tickets.sla.breached.v1"
TICKET_ESCALATED = "tickets.ticket.escalated.v1"
PROMISE_SLIPPED = "tickets.ticket.promise_slipped.v1"  # the promised date passed unresolved

# Reports (TKT-12)
MONTHLY_REPORT_GENERATED = "tickets.report.monthly_generated.v1"

# The phone (TKT-9): the call log, dialling through the call-centre system, callbacks
CALL_LOGGED = "tickets.call.logged.v1"  # entered at the desk or pushed by the call-centre system
CALL_UPDATED = "tickets.call.updated.v1"  # notes, recording, links, its end
DIAL_REQUESTED = "tickets.call.dial_requested.v1"  # the call-centre client dials the number
CALLBACK_SCHEDULED = "tickets.callback.scheduled.v1"
CALLBACK_WARNED = "tickets.callback.warned.v1"  # due soon: the assignee is reminded
CALLBACK_MISSED = "tickets.callback.missed.v1"  # still open when due: escalated
CALLBACK_CLOSED = "tickets.callback.closed.v1"  # done (kept or late) or cancelled

# The diary (TKT-8)
DIARY_BOOKED = "tickets.diary.booked.v1"  # an entry made or moved: the staff member and the owner are told
DIARY_CANCELLED = "tickets.diary.cancelled.v1"

# Shifts (TKT-13)
HANDOVER_WRITTEN = "tickets.handover.written.v1"
HANDOVER_SIGNED = "tickets.handover.signed.v1"  # the incoming staff member owns the open items
HANDOVER_UNSIGNED = "tickets.handover.unsigned.v1"  # not signed in time: escalated

# The complaint's outcome (TKT-14): data.outcome is the whole outcome after the change, with its version
COMPLAINT_OUTCOME_RECORDED = "tickets.complaint.outcome_recorded.v1"  # sub-type, cause, commitment, flags
COMPLAINT_REVIEWED = "tickets.complaint.reviewed.v1"  # a manager judged whether it was justified

# A ticket's fee (TKT-11): data.fee is the whole fee after the change, with its version
FEE_CONSENTED = "tickets.fee.consented.v1"  # the owner agreed to (or refused) the fee: billing may bill
FEE_PAID = "tickets.fee.paid.v1"  # billing posted a payment; commissions are earned when paid in full

# Standard procedures (TKT-15): data.application is the whole application after the change
APPLICATION_OPENED = "tickets.application.opened.v1"  # a renovation approval (say) was applied for
APPLICATION_DECIDED = "tickets.application.decided.v1"  # a step approved or refused: the applicant is told
APPLICATION_STEP_OVERDUE = "tickets.application.step_overdue.v1"  # the open step passed its due time (once)
APPLICATION_WITHDRAWN = "tickets.application.withdrawn.v1"  # withdrawn by the applicant or the desk, with why

# Every type above, in one place: what contracts/ documents and the contract tests check.
EVENT_TYPES = (
    TICKET_OPENED, TICKET_ACKNOWLEDGED, TICKET_DISPATCHED, TICKET_REASSIGNED, TICKET_ARRIVED, TICKET_EXPLAINED,
    TICKET_RESOLVED, TICKET_OWNER_INFORMED, TICKET_EVALUATED, TICKET_ARCHIVED, TICKET_REOPENED, TICKET_MERGED,
    TICKET_CANCELLED, TICKET_PAUSED, TICKET_RESUMED,
    SLA_WARNED, SLA_BREACHED, TICKET_ESCALATED, PROMISE_SLIPPED,
    MONTHLY_REPORT_GENERATED,
    CALL_LOGGED, CALL_UPDATED, DIAL_REQUESTED,
    CALLBACK_SCHEDULED, CALLBACK_WARNED, CALLBACK_MISSED, CALLBACK_CLOSED,
    DIARY_BOOKED, DIARY_CANCELLED,
    HANDOVER_WRITTEN, HANDOVER_SIGNED, HANDOVER_UNSIGNED,
    COMPLAINT_OUTCOME_RECORDED, COMPLAINT_REVIEWED,
    FEE_CONSENTED, FEE_PAID,
    APPLICATION_OPENED, APPLICATION_DECIDED, APPLICATION_STEP_OVERDUE, APPLICATION_WITHDRAWN,
)


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def ticket_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    """The whole ticket as its events carry it (``data.ticket``); no contact phone in events."""
    return {
        "ticket_id": str(row["id"]), "number": row["number"], "estate_id": str(row["estate_id"]),
        "building_id": _s(row["building_id"]), "unit_id": _s(row["unit_id"]), "common_area": row["common_area"],
        "department_id": _s(row.get("department_id")), "equipment_id": _s(row.get("equipment_id")),
        "person_id": _s(row["person_id"]), "kind": row["kind"], "channel": row["channel"],
        "category": row["category"], "complaint_class": row["complaint_class"],
        "quality_aspect": row["quality_aspect"], "priority": row["priority"], "major": bool(row["major"]),
        "title": row["title"], "stage": row["stage"], "assignee_id": _s(row["assignee_id"]),
        "escalation_level": row["escalation_level"], "waiting_on_owner": bool(row["waiting_on_owner"]),
        "promised_by": _iso(row["promised_by"]), "created_at": _iso(row["created_at"]),
        "updated_at": _iso(row["updated_at"]), "version": row["version"],
    }


def monthly_report_payload(row: dict[str, Any], trigger: str, *, regenerated: bool) -> dict[str, Any]:
    """The data of MONTHLY_REPORT_GENERATED: which report, and its headline figures."""
    content = row["content"]
    return {
        "report_id": str(row["id"]), "estate_id": str(row["estate_id"]), "period": row["period"],
        "generated_at": row["generated_at"].isoformat(), "trigger": trigger, "regenerated": regenerated,
        "summary": {"complaints": content["totals"]["complaints"], "resolved": content["totals"]["resolved"],
                    "sla_compliance": content["sla_compliance"], "promises_kept_rate": content["promises"]["kept_rate"],
                    "evaluation_average": content["evaluations"]["average"],
                    "repeat_complainants": len(content["repeat_complainants"]),
                    "repeat_units": len(content["repeat_units"])},
    }


def call_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    """The whole call as its events carry it (``data.call``); the other party's number only as its
    last four digits (``number_last4``), never whole."""
    return {
        "call_id": str(row["id"]), "estate_id": str(row["estate_id"]), "direction": row["direction"],
        "number_last4": row["number"][-4:], "desk_line_id": _s(row["desk_line_id"]), "staff_id": _s(row["staff_id"]),
        "person_id": _s(row["person_id"]), "unit_id": _s(row["unit_id"]), "ticket_id": _s(row["ticket_id"]),
        "source": row["source"], "call_centre_ref": row["call_centre_ref"],
        "ring_started_at": _iso(row["ring_started_at"]), "answered_at": _iso(row["answered_at"]),
        "ended_at": _iso(row["ended_at"]), "outcome": row["outcome"],
        "has_recording": bool(row["recording_url"]), "version": row["version"],
    }


def callback_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    """The whole callback as its events carry it (``data.callback``); the number as its last four digits."""
    return {
        "callback_id": str(row["id"]), "estate_id": str(row["estate_id"]), "call_id": _s(row["call_id"]),
        "number_last4": row["number"][-4:], "person_id": _s(row["person_id"]), "unit_id": _s(row["unit_id"]),
        "ticket_id": _s(row["ticket_id"]), "assignee_id": _s(row["assignee_id"]), "reason": row["reason"],
        "state": row["state"], "due_at": _iso(row["due_at"]), "warn_at": _iso(row["warn_at"]),
        "done_at": _iso(row["done_at"]), "kept": row["kept"], "version": row["version"],
    }


def entry_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    """The whole diary entry as its events carry it (``data.entry``)."""
    return {
        "entry_id": str(row["id"]), "estate_id": str(row["estate_id"]), "kind": row["kind"], "title": row["title"],
        "location": row["location"], "staff_id": _s(row["staff_id"]), "team": row["team"],
        "starts_at": _iso(row["starts_at"]), "ends_at": _iso(row["ends_at"]), "unit_id": _s(row["unit_id"]),
        "person_id": _s(row["person_id"]), "ticket_id": _s(row["ticket_id"]), "state": row["state"],
        "version": row["version"],
    }


def handover_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    """The handover as its events carry it (``data.handover``): who hands what to whom."""
    return {
        "handover_id": str(row["id"]), "estate_id": str(row["estate_id"]), "desk": row["desk"],
        "outgoing_staff_id": str(row["outgoing_staff_id"]), "incoming_staff_id": str(row["incoming_staff_id"]),
        "items": len(row["items"]), "state": row["state"], "written_at": _iso(row["written_at"]),
        "sign_by": _iso(row["sign_by"]), "signed_at": _iso(row["signed_at"]), "version": row["version"],
    }


def outcome_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    """A complaint's whole outcome as its events carry it (``data.outcome``)."""
    return {
        "ticket_id": str(row["ticket_id"]), "estate_id": str(row["estate_id"]), "subtype": row["subtype"],
        "root_cause": row["root_cause"], "root_cause_note": row["root_cause_note"],
        "responsible_department_id": _s(row.get("responsible_department_id")),
        "responsible_department": row["responsible_department"], "commitment": row["commitment"],
        "justified": row["justified"], "review_note": row["review_note"], "reviewed_by": row["reviewed_by"],
        "reviewed_at": _iso(row["reviewed_at"]), "media_involved": bool(row["media_involved"]),
        "legal_referral": bool(row["legal_referral"]), "updated_at": _iso(row["updated_at"]),
        "version": row["version"],
    }


def fee_payload(fee: Mapping[str, Any], ticket: Mapping[str, Any]) -> dict[str, Any]:
    """A ticket's whole fee as its events carry it (``data.fee``): amounts as exact strings (yuan)."""
    return {
        "ticket_id": str(ticket["id"]), "number": ticket["number"], "estate_id": str(ticket["estate_id"]),
        "unit_id": _s(ticket["unit_id"]), "person_id": _s(ticket["person_id"]), "total": f"{fee['total']:.2f}",
        "consent": fee["consent"], "paid": f"{fee['paid']:.2f}", "payment_state": fee["payment_state"],
        "paid_at": _iso(fee["paid_at"]),
        "lines": [{"code": line["code"], "name_zh": line["name_zh"], "name_en": line["name_en"],
                   "quantity": f"{line['quantity']:.2f}", "unit_price": f"{line['unit_price']:.2f}",
                   "amount": f"{line['amount']:.2f}"} for line in fee["lines"]],
        "version": fee["version"],
    }


def application_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    """An application as its events carry it (``data.application``)."""
    return {
        "application_id": str(row["id"]), "number": row["number"], "estate_id": str(row["estate_id"]),
        "procedure": row["procedure"], "name_zh": row["name_zh"], "name_en": row["name_en"],
        "unit_id": _s(row["unit_id"]), "person_id": _s(row["person_id"]), "title": row["title"],
        "state": row["state"], "current_step": row["current_step"], "updated_at": _iso(row["updated_at"]),
        "version": row["version"],
    }
