"""The in-app inbox: the message itself is the inbox item, so putting it there is delivering it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from notify.domain import channels
from notify.providers.base import Outgoing, SendResult


class InApp:
    provider = "in_app"
    channel = channels.IN_APP

    def plan(self, messages: Sequence[Outgoing]) -> list[list[Outgoing]]:
        return [list(messages)] if messages else []

    def send(self, call_id: UUID, messages: Sequence[Outgoing]) -> SendResult:
        return SendResult(accepted={o.message_id: None for o in messages}, delivered_on_send=True)

    def find_sent(self, call_id: UUID, messages: Sequence[Outgoing], started_at: datetime) -> dict[UUID, str | None]:
        return {o.message_id: None for o in messages}  # nothing leaves the database: it is there
