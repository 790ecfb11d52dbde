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

# Every type above, in one place: what contracts/ documents and the contract tests check.
EVENT_TYPES = (
    TICKET_OPENED, TICKET_ACKNOWLEDGED, TICKET_DISPATCHED, TICKET_REASSIGNED, TICKET_ARRIVED, TICKET_EXPLAINED,
    TICKET_RESOLVED, TICKET_OWNER_INFORMED, TICKET_EVALUATED, TICKET_ARCHIVED, TICKET_REOPENED, TICKET_MERGED,
    TICKET_CANCELLED, TICKET_PAUSED, TICKET_RESUMED,
    SLA_WARNED, SLA_BREACHED, TICKET_ESCALATED, PROMISE_SLIPPED,
    MONTHLY_REPORT_GENERATED,
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
