"""The read receipts of a person's inbox: opening a message records it (``read``, ``read_at`` and a
history row), once; "mark all read" does it for every unread one."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from notify.domain import messages as states
from notify.inbox.views import in_inbox_of, message
from notify.tables import message_history, messages
from notify.tracking import kept_reach
from servicekit.unit_of_work import UnitOfWork


def open_message(uow: UnitOfWork, person_id: UUID, message_id: UUID, now: datetime) -> dict[str, Any]:
    """The message, marked read (the read receipt) the first time it is opened."""
    with uow:
        message(uow, person_id, message_id)
        _mark_read(uow, [message_id], now)
        opened = message(uow, person_id, message_id)
        uow.commit()
    return opened


def mark_all_read(uow: UnitOfWork, person_id: UUID, now: datetime) -> dict[str, Any]:
    with uow:
        unread = [id_ for (id_,) in uow.execute(select(messages.c.id).where(
            *in_inbox_of(person_id), messages.c.state == states.DELIVERED))]
        marked = _mark_read(uow, unread, now)
        uow.commit()
    return {"marked": marked}


def _mark_read(uow: UnitOfWork, ids: list[UUID], now: datetime) -> int:
    """Delivered → read, each once (a conditional update: two opens at once record one receipt); a
    read that reaches a recipient of a completed notice is added to its kept reach."""
    read = []
    for message_id in ids:
        done = uow.execute(update(messages)
                           .where(messages.c.id == message_id, messages.c.state == states.DELIVERED)
                           .values(state=states.READ, read_at=now, updated_at=now, version=messages.c.version + 1)
                           .returning(messages.c.notice_id, messages.c.recipient_id)).first()
        if done is not None:
            uow.execute(insert(message_history).values(message_id=message_id, at=now, state=states.READ,
                                                       code="read", detail="opened in the inbox"))
            read.append((message_id, done.notice_id, done.recipient_id))
    kept_reach.count_late_reads(uow, read)
    return len(read)
