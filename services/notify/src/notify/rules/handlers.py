"""How notify answers the tickets events its rules name (filled by the rules work)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from servicekit.envelope import CloudEvent

# The tickets events notify consumes: each is matched against the rules (notify.rules).
TICKETS_EVENTS = (
    "tickets.ticket.opened.v1", "tickets.ticket.acknowledged.v1", "tickets.ticket.dispatched.v1",
    "tickets.ticket.reassigned.v1", "tickets.ticket.arrived.v1", "tickets.ticket.resolved.v1",
    "tickets.ticket.explained.v1", "tickets.ticket.escalated.v1", "tickets.ticket.promise_slipped.v1",
    "tickets.sla.warned.v1", "tickets.sla.breached.v1",
)

RULE_HANDLERS: dict[str, Callable[[Session, CloudEvent], None]] = {}

from notify.rules.answer import answer_event  # noqa: E402  (it uses TICKETS_EVENTS above)

RULE_HANDLERS.update({event_type: answer_event for event_type in TICKETS_EVENTS})
