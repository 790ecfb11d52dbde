"""Cancelling, pausing and resuming a notice. Cancelling also cancels its queued messages (a
message already handed to a provider cannot be called back); pausing holds them (the sender takes
only messages of a ``sending`` notice) and resuming lets them go again."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, update

from notify import events
from notify.domain import messages as states
from notify.domain import notices as statuses
from notify.notices.payloads import notice_payload
from notify.tables import message_history, messages, notices
from servicekit.errors import Conflict
from servicekit.rows import get_row
from servicekit.unit_of_work import UnitOfWork

_TO = {"cancel": statuses.CANCELLED, "pause": statuses.PAUSED, "resume": statuses.SENDING}
_EVENT = {"cancel": events.NOTICE_CANCELLED, "pause": events.NOTICE_PAUSED, "resume": events.NOTICE_RESUMED}
_VERB_ZH = {"cancel": "取消", "pause": "暂停", "resume": "恢复"}


def change_status(uow: UnitOfWork, notice_id: UUID, action: str, now: datetime) -> dict[str, Any]:
    """``action`` (cancel | pause | resume) on the notice; a notice in a status that does not allow it
    is a :class:`Conflict` naming the statuses that do."""
    with uow:
        row = get_row(uow, notices, notice_id, "notice", lock=True)
        allowed = statuses.ALLOWED[action]
        if row["status"] not in allowed:
            named = ", ".join(s for s in statuses.STATUSES if s in allowed)
            raise Conflict(f"a {row['status']} notice cannot {action}; only a notice that is {named} can / "
                           f"{row['status']}状态的通知不能{_VERB_ZH[action]}，只有{named}状态的可以",
                           errors={"status": [f"is {row['status']}; {action} needs {named}"]})
        values = {"status": _TO[action], "version": row["version"] + 1}
        if action == "cancel":
            values["finished_at"] = now
            _cancel_queued(uow, notice_id, now)
        uow.execute(update(notices).where(notices.c.id == notice_id).values(values))
        row.update(values)
        uow.record(_EVENT[action], notice_id, {"notice": notice_payload(row)})
        uow.commit()
        return row


def _cancel_queued(uow: UnitOfWork, notice_id: UUID, now: datetime) -> None:
    cancelled = list(uow.execute(
        update(messages).where(messages.c.notice_id == notice_id, messages.c.state == states.QUEUED)
        .values(state=states.CANCELLED, updated_at=now, version=messages.c.version + 1)
        .returning(messages.c.id)).scalars())
    if cancelled:
        uow.execute(insert(message_history), [{"message_id": m, "at": now, "state": states.CANCELLED,
                                               "detail": "the notice was cancelled"} for m in cancelled])
