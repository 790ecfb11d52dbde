"""The ticket's timeline: every step, who took it and when (TKT-3, TKT-7)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from servicekit.auth import Principal
from servicekit.ids import new_uuid
from tickets.tables import ticket_steps


@dataclass(frozen=True)
class Actor:
    """Who took a step: a token's subject and role, or the timer (``TIMER``)."""

    subject: str
    role: str

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        """The caller of a request, as its steps record them."""
        return cls(principal.subject, principal.role)


TIMER = Actor("timer", "system")


def add_step(uow: Any, ticket: Mapping[str, Any], action: str, actor: Actor, at: datetime, *,
             stage_from: str | None = None, stage_to: str | None = None, note: str = "",
             details: Mapping[str, Any] | None = None) -> None:
    """Write one step of ``ticket``'s timeline in the caller's transaction."""
    uow.execute(insert(ticket_steps), step_row(  # bound parameters: one cached statement for every step
        ticket, action, actor, at, stage_from=stage_from, stage_to=stage_to, note=note, details=details))


def step_row(ticket: Mapping[str, Any], action: str, actor: Actor, at: datetime, *, stage_from: str | None = None,
             stage_to: str | None = None, note: str = "", details: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The ``ticket_steps`` row of one step (for a caller that writes it with other rows)."""
    return {"id": new_uuid(), "ticket_id": ticket["id"], "estate_id": ticket["estate_id"], "at": at,
            "action": action, "stage_from": stage_from, "stage_to": stage_to, "actor": actor.subject,
            "actor_role": actor.role, "note": note, "details": dict(details or {})}
