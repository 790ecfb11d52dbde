"""The read side of attachments: a ticket's list, and one attachment with its bytes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.errors import NotFound
from servicekit.rows import Executes
from tickets.tables import attachments

_LISTED = [c for c in attachments.c if c.name != "storage_key"]


def ticket_attachments(session: Session, ticket_id: UUID) -> list[dict[str, Any]]:
    """A ticket's attachments, oldest first (the ticket's scope is checked by the caller)."""
    statement = (select(*_LISTED).where(attachments.c.ticket_id == ticket_id)
                 .order_by(attachments.c.uploaded_at, attachments.c.id))
    return [dict(row) for row in session.execute(statement).mappings()]


def ticket_attachment(session: Executes, ticket_id: UUID, attachment_id: UUID) -> dict[str, Any]:
    """One attachment of a ticket, its storage key included; another ticket's is not found."""
    row = session.execute(select(attachments).where(attachments.c.id == attachment_id,
                                                    attachments.c.ticket_id == ticket_id)).mappings().first()
    if row is None:
        raise NotFound("no such attachment", "没有此附件")
    return dict(row)
