"""A person's in-app inbox as read: their in_app messages put in it (delivered or read), newest
first, with the unread count; and one message of it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func, literal_column, select

from notify.domain import channels
from notify.domain import messages as states
from notify.tables import messages
from servicekit.errors import NotFound
from servicekit.paging import page_of
from servicekit.rows import Executes

IN_INBOX = (states.DELIVERED, states.READ)
INBOX_COLUMNS = (messages.c.id, messages.c.notice_id, messages.c.person_id, messages.c.language,
                 messages.c.subject, messages.c.body, messages.c.state, messages.c.urgent,
                 messages.c.delivered_at, messages.c.read_at)


def in_inbox_of(person_id: UUID) -> tuple[Any, ...]:
    # The channel as a literal: the partial index ix_messages_inbox (in-app only) matches any plan.
    return (messages.c.person_id == person_id, messages.c.channel == literal_column(f"'{channels.IN_APP}'"),
            messages.c.state.in_(IN_INBOX))


def inbox(session: Any, person_id: UUID, args: dict[str, Any]) -> dict[str, Any]:
    """One page of the person's inbox, newest first, and how many are unread."""
    statement = select(*INBOX_COLUMNS).where(*in_inbox_of(person_id))
    if args.get("unread"):
        statement = statement.where(messages.c.state == states.DELIVERED)
    statement = statement.order_by(func.coalesce(messages.c.delivered_at, messages.c.queued_at).desc(),
                                   messages.c.id.desc())
    page = page_of(session, statement, args)
    unread = session.execute(select(func.count()).where(*in_inbox_of(person_id), messages.c.state == states.DELIVERED))
    return {**page, "unread": unread.scalar_one()}


def message(session: Executes, person_id: UUID, message_id: UUID) -> dict[str, Any]:
    """One message of the person's inbox (another person's is not found)."""
    row = session.execute(select(*INBOX_COLUMNS).where(messages.c.id == message_id, *in_inbox_of(person_id)))
    found = row.mappings().first()
    if found is None:
        raise NotFound("no such message in this inbox", "站内信中没有此消息")
    return dict(found)
