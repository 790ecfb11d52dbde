"""Which messages a sender takes now: due queued ones of notices that are sending (or of no notice).

On PostgreSQL the rows are taken ``FOR UPDATE SKIP LOCKED``: replicas share the queue and none
waits on, or takes, a row another holds. Urgent messages first (a one-time code, an emergency),
then the oldest. SQLite has one writer at a time, so the lock clause is simply not rendered there;
the recording that follows is conditional on the state in any case (``calls.record``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from notify.domain import messages as states
from notify.domain import notices as statuses
from notify.tables import messages, notices

m = messages.c


def due(session: Session, now: datetime, channel: str, limit: int) -> list[Any]:
    live = or_(m.notice_id.is_(None),
               m.notice_id.in_(select(notices.c.id).where(notices.c.status == statuses.SENDING)))
    statement = (select(messages).where(m.state == states.QUEUED, m.channel == channel, m.next_attempt_at <= now, live)
                 .order_by(m.urgent.desc(), m.queued_at, m.id).limit(limit)
                 .with_for_update(skip_locked=True, of=messages))
    return list(session.execute(statement).mappings())
