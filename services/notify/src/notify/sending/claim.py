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
# What a claimed message is sent with (notify.sending.calls.outgoings): a round claims 5,000, and the
# other columns (times, ids, state) were most of what fetching a claim cost the sender.
CLAIMED = (m.id, m.estate_id, m.channel, m.address, m.language, m.subject, m.body, m.sms_template_code, m.params)


def due(session: Session, now: datetime, channel: str, limit: int) -> list[Any]:
    live = or_(m.notice_id.is_(None),
               m.notice_id.in_(select(notices.c.id).where(notices.c.status == statuses.SENDING)))
    statement = (select(*CLAIMED).where(m.state == states.QUEUED, m.channel == channel, m.next_attempt_at <= now, live)
                 .order_by(m.urgent.desc(), m.queued_at, m.id).limit(limit)
                 .with_for_update(skip_locked=True, of=messages))
    return list(session.execute(statement).mappings())
