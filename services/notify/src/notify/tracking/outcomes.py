"""A recipient's outcome, computed in SQL from their messages (one aggregate per notice).

``per_recipient(notice_id)`` reads the notice's messages through the ``(notice_id, state)`` index
and says, per recipient, whether a message reached them and whether one is still on its way; the
totals, the recipient list and the completion join it to ``recipients``.

Outcomes: ``reached`` (an SMS or e-mail delivered, an in-app message read: see
:func:`notify.domain.messages.reaches`), ``pending`` (not reached yet: a message still queued,
sending or sent, or an in-app message in the inbox unread), ``unreached`` (every message final,
none reached them, or none made), ``excluded`` (opted out or no contact point: never sent to).

A household whose in-app message lies unread is pending, not reached: the desk still sees it among
the not reached, the notice's completion names it among those to call, and a resend (by e-mail,
say) may reach it. Only a message still on its way (``in_transit``) holds a resend back.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, literal, or_, select

from notify.domain import messages as states
from notify.domain.channels import IN_APP
from notify.tables import messages, recipients

REACHED, PENDING, UNREACHED, EXCLUDED = "reached", "pending", "unreached", "excluded"
OUTCOMES = (REACHED, PENDING, UNREACHED, EXCLUDED)
# The outcome filters of the list: one of the outcomes, or "not_reached" (pending or unreached).
NOT_REACHED = "not_reached"
OUTCOME_FILTERS = (*OUTCOMES, NOT_REACHED)
OPEN_STATES = tuple(s for s in states.STATES if s not in states.FINAL)


def reaching() -> ColumnElement[bool]:
    """SQL for :func:`notify.domain.messages.reaches` on a row of ``messages``."""
    c = messages.c
    return or_(and_(c.channel == IN_APP, c.state == states.READ),
               and_(c.channel != IN_APP, c.state.in_(sorted(states.REACHED))))


def unread() -> ColumnElement[bool]:
    """SQL for :func:`notify.domain.messages.unread` on a row of ``messages``."""
    return and_(messages.c.channel == IN_APP, messages.c.state == states.DELIVERED)


def per_recipient(notice_id: UUID) -> Subquery:
    """``recipient_id, reached, in_transit, unread (each 0|1), messages`` of one notice's messages."""
    return _per_recipient(messages.c.notice_id == notice_id)


def per_recipient_of(recipient_ids: Select[Any]) -> Subquery:
    """The same as :func:`per_recipient` for the recipients ``recipient_ids`` selects, of any notices (a
    person's households: read through the ``recipient_id`` index, never a whole notice's messages)."""
    return _per_recipient(messages.c.recipient_id.in_(recipient_ids))


def _per_recipient(which: ColumnElement[bool]) -> Subquery:
    reached = case((reaching(), 1), else_=0)
    in_transit = case((messages.c.state.in_(OPEN_STATES), 1), else_=0)
    waiting = case((unread(), 1), else_=0)
    return (select(messages.c.recipient_id, func.max(reached).label("reached"),
                   func.max(in_transit).label("in_transit"), func.max(waiting).label("unread"),
                   func.count().label("messages"))
            .where(which, messages.c.recipient_id.is_not(None))
            .group_by(messages.c.recipient_id).subquery("per_recipient"))


def outcome_of(agg: Subquery) -> ColumnElement[Any]:
    """The outcome of a row of ``recipients`` left-joined to :func:`per_recipient`."""
    return case(
        (recipients.c.excluded.is_not(None), literal(EXCLUDED)),
        (func.coalesce(agg.c.reached, 0) == 1, literal(REACHED)),
        (func.coalesce(agg.c.in_transit, 0) == 1, literal(PENDING)),
        (func.coalesce(agg.c.unread, 0) == 1, literal(PENDING)),
        else_=literal(UNREACHED),
    )


def to_chase(agg: Subquery) -> ColumnElement[bool]:
    """Not reached, not excluded, nothing on its way to them: whom the desk calls or resends to
    (every message failed, none was made, or an in-app message lies unread)."""
    return and_(recipients.c.excluded.is_(None), func.coalesce(agg.c.reached, 0) == 0,
                func.coalesce(agg.c.in_transit, 0) == 0)


def outcome_filter(agg: Subquery, wanted: str) -> ColumnElement[bool]:
    outcome = outcome_of(agg)
    if wanted == NOT_REACHED:
        return outcome.in_((PENDING, UNREACHED))
    return outcome == wanted
