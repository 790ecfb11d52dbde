"""What follow-ups and actions make visible, read from the database when ``/metrics`` is scraped:
``surveys_follow_up_attention{kind="unassigned"}`` (open follow-up visits no staff member's
territory covered: they reach nobody until someone is assigned) and ``{kind="overdue_actions"}``
(rectification actions still open past their due date)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from servicekit.metrics import QueryGauge
from servicekit.rows import now
from surveys.tables import actions, follow_ups


def attention_counts(session: Any) -> dict[str, int]:  # noqa: ANN401
    unassigned = session.execute(select(func.count()).select_from(follow_ups).where(
        follow_ups.c.state == "open", follow_ups.c.assignee_id.is_(None))).scalar_one()
    overdue = session.execute(select(func.count()).select_from(actions).where(
        actions.c.state == "open", actions.c.due_at < now())).scalar_one()
    return {"unassigned": unassigned, "overdue_actions": overdue}


def collectors(sessions: Callable[[], Any]) -> list[QueryGauge]:
    """What ``Service(collectors=...)`` registers in the web app's ``/metrics``."""
    return [QueryGauge("surveys_follow_up_attention", "Follow-up visits assigned to nobody, actions overdue",
                       "kind", attention_counts, sessions)]
