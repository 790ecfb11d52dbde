"""Reading notices: a page of them, filtered; one with its status and the actions it allows; and what
a notice would send (its preview), rendered for a sample recipient, with its estimate."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.domain.notices import ALLOWED
from notify.notices.composing import compose
from notify.notices.planning import plan, sample
from notify.tables import notices
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import Executes, get_row


def with_actions(row: Mapping[str, Any]) -> dict[str, Any]:
    return {**row, "actions": [action for action, allowed in ALLOWED.items() if row["status"] in allowed]}


def notice_list(session: Session, principal: Principal, args: Mapping[str, Any]) -> dict[str, Any]:
    statement = scoped(select(notices), notices.c.estate_id, principal)
    for name in ("estate_id", "status", "purpose", "series_id"):
        if args.get(name) is not None:
            statement = statement.where(notices.c[name] == args[name])
    page = page_of(session, statement.order_by(notices.c.created_at.desc(), notices.c.id), dict(args))
    return {**page, "items": [with_actions(r) for r in page["items"]]}


def notice(session: Session, notice_id: UUID) -> dict[str, Any]:
    return with_actions(get_row(session, notices, notice_id, "notice", what_zh="通知"))


def preview(session: Executes, data: Mapping[str, Any], settings: Any, now: datetime) -> dict[str, Any]:
    """What the notice would send, rendered for a sample recipient, and the estimate; nothing is saved."""
    planned = plan(session, data, settings, now)
    row, total, local = planned["row"], planned["estimate"], planned["estate_settings"]
    shown = sample(session, planned, now)
    rendered = [compose(planned["template"], row["variables"], shown, channel, local["sms_sign_name"])
                for channel in row["channels"]]
    return {
        "sample": {"name": shown["name"], "unit": shown["unit_label"], "language": shown["language"],
                   "person_id": shown["person_id"]},
        "messages": rendered, "send_at": row["send_at"], "urgent": row["urgent"],
        "estimate": {"recipients": total.recipients, "excluded": total.excluded,
                     "sms_recipients": total.sms_recipients,
                     "sms_parts": total.sms_parts, "cost_fen": total.cost_fen, "max_sms_parts": total.max_sms_parts,
                     "needs_consent_to_split": total.max_sms_parts > settings.sms_max_segments},
    }

