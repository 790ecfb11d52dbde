"""A person's in-app inbox: their in_app messages put in it (delivered or read), newest first,
with the unread count; opening one records the read receipt (``read``, ``read_at`` and a history
row), once; "mark all read" does it for every unread one."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select, update

from notify.domain import channels
from notify.domain import messages as states
from notify.tables import message_history, messages
from servicekit.errors import NotFound
from servicekit.paging import page_of
from servicekit.unit_of_work import UnitOfWork

IN_INBOX = (states.DELIVERED, states.READ)
INBOX_COLUMNS = (messages.c.id, messages.c.notice_id, messages.c.person_id, messages.c.language,
                 messages.c.subject, messages.c.body, messages.c.state, messages.c.urgent,
                 messages.c.delivered_at, messages.c.read_at)


def _of(person_id: UUID) -> tuple[Any, ...]:
    return (messages.c.person_id == person_id, messages.c.channel == channels.IN_APP,
            messages.c.state.in_(IN_INBOX))


def inbox(session: Any, person_id: UUID, args: dict[str, Any]) -> dict[str, Any]:
    """One page of the person's inbox, newest first, and how many are unread."""
    statement = select(*INBOX_COLUMNS).where(*_of(person_id))
    if args.get("unread"):
        statement = statement.where(messages.c.state == states.DELIVERED)
    statement = statement.order_by(func.coalesce(messages.c.delivered_at, messages.c.queued_at).desc(),
                                   messages.c.id.desc())
    page = page_of(session, statement, args)
    unread = session.execute(select(func.count()).where(*_of(person_id), messages.c.state == states.DELIVERED))
    return {**page, "unread": unread.scalar_one()}


def _one(execute: Any, person_id: UUID, message_id: UUID) -> dict[str, Any]:
    row = execute(select(*INBOX_COLUMNS).where(messages.c.id == message_id, *_of(person_id))).mappings().first()
    if row is None:
        raise NotFound("no such message in this inbox")
    return dict(row)


def message(session: Any, person_id: UUID, message_id: UUID) -> dict[str, Any]:
    return _one(session.execute, person_id, message_id)


def open_message(uow: UnitOfWork, person_id: UUID, message_id: UUID, now: datetime) -> dict[str, Any]:
    """The message, marked read (the read receipt) the first time it is opened."""
    with uow:
        _one(uow.execute, person_id, message_id)
        _mark_read(uow, [message_id], now)
        opened = _one(uow.execute, person_id, message_id)
        uow.commit()
    return opened


def mark_all_read(uow: UnitOfWork, person_id: UUID, now: datetime) -> dict[str, Any]:
    with uow:
        unread = [id_ for (id_,) in uow.execute(select(messages.c.id).where(
            *_of(person_id), messages.c.state == states.DELIVERED))]
        marked = _mark_read(uow, unread, now)
        uow.commit()
    return {"marked": marked}


def _mark_read(uow: UnitOfWork, ids: list[UUID], now: datetime) -> int:
    """Delivered → read, each once (a conditional update: two opens at once record one receipt)."""
    marked = 0
    for message_id in ids:
        done = uow.execute(update(messages)
                           .where(messages.c.id == message_id, messages.c.state == states.DELIVERED)
                           .values(state=states.READ, read_at=now, updated_at=now, version=messages.c.version + 1))
        if done.rowcount == 1:
            uow.execute(insert(message_history).values(message_id=message_id, at=now, state=states.READ,
                                                       code="read", detail="opened in the inbox"))
            marked += 1
    return marked
