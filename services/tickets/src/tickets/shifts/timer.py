"""The handovers' part of tickets' timer (``tickets timer``): a handover still unsigned at its
``sign_by`` is escalated once, swept as :mod:`servicekit.sweeps` sweeps such rows.

Whom it tells, one HANDOVER_UNSIGNED event per person (``staff``, with the ``role`` they are told
as): the estate's supervisors (else up the chain, ``fallback`` saying how; past its top ``staff``
is null and notify tells the operator's duty contacts), then the incoming staff member, who has
still to sign, and the outgoing one, whose open items nobody has taken yet (``incoming`` and
``outgoing``; each once: a supervisor who is also the incoming member is told as supervisor).
Every event names both of them (``outgoing``, ``incoming``: staff id and name) so that each
message can say whose handover it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from servicekit.sweeps import RowDeadline
from servicekit.unit_of_work import UnitOfWork
from tickets import events
from tickets.sla.escalation import people_to_tell
from tickets.tables import handovers, staff

h = handovers.c
OUTGOING, INCOMING = "outgoing", "incoming"


def _named(conn: Any, staff_id: Any) -> dict[str, Any]:
    name = conn.execute(select(staff.c.name).where(staff.c.id == staff_id)).scalar()
    return {"staff_id": str(staff_id), "name": name or ""}


def _escalate(uow: UnitOfWork, row: Mapping[str, Any], now: datetime) -> None:
    supervisors, went_up = people_to_tell(uow, row["estate_id"], None, "supervisor")
    pair = {OUTGOING: _named(uow, row["outgoing_staff_id"]), INCOMING: _named(uow, row["incoming_staff_id"])}
    told: list[tuple[dict[str, Any] | None, dict[str, Any] | None]] = [(p, went_up) for p in supervisors]
    seen = {p["staff_id"] for p in supervisors if p is not None}
    for role in (INCOMING, OUTGOING):
        if pair[role]["staff_id"] not in seen:
            told.append(({**pair[role], "role": role}, None))
            seen.add(pair[role]["staff_id"])
    payload = events.handover_payload(row)
    common = {"handover": payload, **pair, "at": now.isoformat(), "trigger_at": payload["sign_by"]}
    for person, fallback in told:
        uow.record(events.HANDOVER_UNSIGNED, row["id"], {**common, "staff": person, "fallback": fallback})


UNSIGNED = RowDeadline(handovers, h.sign_by, h.escalated_at, (h.state == "written",), _escalate)


def sweep(uow_factory: Callable[[], UnitOfWork], now: datetime, *, batch: int = 500) -> int:
    """One sweep of the handovers at ``now``: how many were escalated."""
    return UNSIGNED.sweep(uow_factory, now, batch)


def next_due(conn: Any) -> datetime | None:
    return UNSIGNED.next_due(conn)
