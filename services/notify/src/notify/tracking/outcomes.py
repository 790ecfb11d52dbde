"""A recipient's outcome, computed in SQL from their messages (one aggregate per notice).

``per_recipient(notice_id)`` reads the notice's messages through the ``(notice_id, state)`` index
and says, per recipient, whether a message reached them and whether one is still on its way; the
totals, the recipient list and the completion join it to ``recipients``.

Outcomes: ``reached`` (a message delivered or read), ``pending`` (not reached yet, a message still
queued, sending or sent), ``unreached`` (every message final, none reached them, or none made),
``excluded`` (opted out or no contact point: never sent to).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Subquery, case, func, literal, select

from notify.domain import messages as states
from notify.tables import messages, recipients

REACHED, PENDING, UNREACHED, EXCLUDED = "reached", "pending", "unreached", "excluded"
OUTCOMES = (REACHED, PENDING, UNREACHED, EXCLUDED)
# The outcome filters of the list: one of the outcomes, or "not_reached" (pending or unreached).
NOT_REACHED = "not_reached"
OUTCOME_FILTERS = (*OUTCOMES, NOT_REACHED)
OPEN_STATES = tuple(s for s in states.STATES if s not in states.FINAL)


def per_recipient(notice_id: UUID) -> Subquery:
    """``recipient_id, reached (0|1), pending (0|1), messages`` of one notice's messages."""
    reached = case((messages.c.state.in_(sorted(states.REACHED)), 1), else_=0)
    pending = case((messages.c.state.in_(OPEN_STATES), 1), else_=0)
    return (select(messages.c.recipient_id, func.max(reached).label("reached"),
                   func.max(pending).label("pending"), func.count().label("messages"))
            .where(messages.c.notice_id == notice_id, messages.c.recipient_id.is_not(None))
            .group_by(messages.c.recipient_id).subquery("per_recipient"))


def outcome_of(agg: Subquery) -> ColumnElement[Any]:
    """The outcome of a row of ``recipients`` left-joined to :func:`per_recipient`."""
    return case(
        (recipients.c.excluded.is_not(None), literal(EXCLUDED)),
        (func.coalesce(agg.c.reached, 0) == 1, literal(REACHED)),
        (func.coalesce(agg.c.pending, 0) == 1, literal(PENDING)),
        else_=literal(UNREACHED),
    )


def outcome_filter(agg: Subquery, wanted: str) -> ColumnElement[bool]:
    outcome = outcome_of(agg)
    if wanted == NOT_REACHED:
        return outcome.in_((PENDING, UNREACHED))
    return outcome == wanted
