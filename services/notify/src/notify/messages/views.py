"""A message as the desk reads it: its state and its whole history."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from notify.tables import message_history, messages
from servicekit.errors import NotFound


def message_with_history(session: Any, message_id: uuid.UUID) -> dict[str, Any]:
    row = session.execute(select(messages).where(messages.c.id == message_id)).mappings().first()
    if row is None:
        raise NotFound("no such message", "没有此消息")
    history = session.execute(select(message_history).where(message_history.c.message_id == message_id)
                              .order_by(message_history.c.at, message_history.c.id)).mappings().all()
    return {**row, "history": [dict(h) for h in history]}
