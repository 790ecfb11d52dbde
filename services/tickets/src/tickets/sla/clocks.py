"""The SLA clocks of a ticket, kept in step with its life (to be built by the SLA work)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any


def on_ticket_changed(uow: Any, ticket: Mapping[str, Any], action: str, at: datetime) -> None:
    """Start, meet, pause, resume or drop ``ticket``'s deadlines after ``action`` (in its transaction)."""
