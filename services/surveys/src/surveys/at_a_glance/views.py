"""The read side of an estate's surveys at a glance: the follow-up work's view and the latest wave's
view, read in the one session of the request."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from surveys.follow_ups.views import at_a_glance as follow_up_work
from surveys.statistics.views import latest_statistics


def at_a_glance(session, estate_id: UUID, at: datetime) -> dict[str, Any]:  # noqa: ANN001
    """The estate's follow-up work at ``at`` and its latest wave with its statistics."""
    return {**follow_up_work(session, estate_id, at), **latest_statistics(session, estate_id)}
