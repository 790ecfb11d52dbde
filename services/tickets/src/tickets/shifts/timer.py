"""The handovers' part of tickets' timer (``tickets timer``): a handover still unsigned at its
``sign_by`` is escalated once (HANDOVER_UNSIGNED, one event per person told: the estate's
supervisors, else up the chain), swept as :mod:`servicekit.sweeps` sweeps such rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from servicekit.sweeps import RowDeadline
from servicekit.unit_of_work import UnitOfWork
from tickets import events
from tickets.sla.escalation import people_to_tell
from tickets.tables import handovers

h = handovers.c


def _escalate(uow: UnitOfWork, row: Mapping[str, Any], now: datetime) -> None:
    told, went_up = people_to_tell(uow, row["estate_id"], None, "supervisor")
    payload = events.handover_payload(row)
    for person in told:
        uow.record(events.HANDOVER_UNSIGNED, row["id"], {"handover": payload, "staff": person, "fallback": went_up,
                                                         "at": now.isoformat()})


UNSIGNED = RowDeadline(handovers, h.sign_by, h.escalated_at, (h.state == "written",), _escalate)


def sweep(uow_factory: Callable[[], UnitOfWork], now: datetime, *, batch: int = 500) -> int:
    """One sweep of the handovers at ``now``: how many were escalated."""
    return UNSIGNED.sweep(uow_factory, now, batch)


def next_due(conn: Any) -> datetime | None:
    return UNSIGNED.next_due(conn)
