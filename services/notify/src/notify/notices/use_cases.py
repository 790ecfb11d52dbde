"""What callers do with notices: create one (NTF-1/3/4: checked, estimated, stored ``scheduled``
with its ``send_at``), and cancel, pause or resume it.

A retried create with the same ``Idempotency-Key`` and body answers the first notice; the same key
with another body is :class:`~servicekit.errors.Invalid` (:mod:`servicekit.idempotency`).
Cancelling also cancels the notice's queued messages (a message already handed to a provider
cannot be called back); pausing holds them (the sender takes only messages of a ``sending``
notice) and resuming lets them go again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, update

from notify import events
from notify.domain import messages as states
from notify.domain import notices as statuses
from notify.events import notice_payload
from notify.notices.planning import check_split, plan
from notify.tables import idempotency_keys, message_history, messages, notices
from servicekit.errors import Conflict
from servicekit.idempotency import KeyedRequest, once
from servicekit.rows import get_row
from servicekit.unit_of_work import UnitOfWork


def create_notice(uow: UnitOfWork, data: Mapping[str, Any], settings: Any, *, created_by: str, now: datetime,
                  keyed: KeyedRequest | None = None) -> dict[str, Any]:
    """Store a checked, estimated notice ``scheduled``; answers ``{"notice", "created"}``. A ``keyed``
    request made before answers its notice (``created`` False) and changes nothing."""
    def make() -> dict[str, Any]:
        planned = plan(uow, data, settings, now)
        check_split(planned, settings)
        row = {**planned["row"], "created_by": created_by}
        uow.execute(insert(notices).values(row))
        uow.record(events.NOTICE_SCHEDULED, row["id"], {"notice": notice_payload(row)})
        return row

    row, created = once(uow, idempotency_keys, keyed, make=make, answer_of=lambda made: str(made["id"]),
                        earlier=lambda answer: get_row(uow, notices, UUID(answer), "notice", what_zh="通知"))
    return {"notice": row, "created": created}


_TO = {"cancel": statuses.CANCELLED, "pause": statuses.PAUSED, "resume": statuses.SENDING}
_EVENT = {"cancel": events.NOTICE_CANCELLED, "pause": events.NOTICE_PAUSED, "resume": events.NOTICE_RESUMED}
_VERB_ZH = {"cancel": "取消", "pause": "暂停", "resume": "恢复"}
_STATUS_ZH = {statuses.SCHEDULED: "待发送", statuses.SENDING: "发送中", statuses.PAUSED: "已暂停",
              statuses.SENT: "已发送", statuses.CANCELLED: "已取消"}


def change_status(uow: UnitOfWork, notice_id: UUID, action: str, now: datetime) -> dict[str, Any]:
    """``action`` (cancel | pause | resume) on the notice; a notice in a status that does not allow it
    is a :class:`Conflict` naming the statuses that do."""
    with uow:
        row = get_row(uow, notices, notice_id, "notice", what_zh="通知", lock=True)
        allowed = statuses.ALLOWED[action]
        if row["status"] not in allowed:
            named = ", ".join(s for s in statuses.STATUSES if s in allowed)
            named_zh = "、".join(_STATUS_ZH[s] for s in statuses.STATUSES if s in allowed)
            raise Conflict(f"a {row['status']} notice cannot {action}; only a notice that is {named} can",
                           f"{_STATUS_ZH[row['status']]}的通知不能{_VERB_ZH[action]}，只有{named_zh}的通知可以",
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
