"""A notice's message to one recipient over one channel: what start_due queues first, and what a
fallback or a resend queues later over another channel. Rendered from the notice's template in
the recipient's language for that channel (an e-mail gets the subject, an SMS the signature's
part count); a non-urgent SMS waits for the end of the estate's quiet hours."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from notify.audiences.reach import address
from notify.domain import messages as states
from notify.domain.channels import SMS
from notify.notices.composing import compose
from notify.schedule.clock import wall_time, zone
from notify.schedule.quiet_hours import next_allowed


def sms_may_go_at(local: Mapping[str, Any], now: datetime) -> datetime:
    """The first instant at or after ``now`` a non-urgent SMS may go, by the estate's settings ``local``."""
    return next_allowed(now, zone(local["timezone"]), wall_time(local["quiet_start"], "quiet_start"),
                        wall_time(local["quiet_end"], "quiet_end"))


def notice_message(notice: Mapping[str, Any], template: Mapping[str, Any], recipient: Mapping[str, Any],
                   channel: str, local: Mapping[str, Any], now: datetime, *, sms_from: datetime | None = None,
                   fallback_of: uuid.UUID | None = None, code: str | None = None,
                   detail: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The queued message row of ``recipient`` (a ``recipients`` row) and its first history row.
    ``sms_from``: :func:`sms_may_go_at`, when the caller computed it once for many."""
    message = compose(template, notice["variables"], recipient, channel, local["sms_sign_name"])
    due = now
    if channel == SMS and not notice["urgent"]:
        due = sms_from if sms_from is not None else sms_may_go_at(local, now)
    row = {
        "id": uuid.uuid4(), "estate_id": notice["estate_id"], "notice_id": notice["id"],
        "recipient_id": recipient["id"], "rule_id": None, "source_event_id": None,
        "person_id": recipient["person_id"], "staff_id": None, "channel": channel,
        "address": address(recipient, channel), "language": message["language"],
        "subject": message["subject"] or None, "body": message["body"],
        "sms_template_code": template["sms_template_code"] if channel == SMS else None,
        "params": message["params"], "segments": message["segments"], "urgent": notice["urgent"],
        "state": states.QUEUED, "attempts": 0, "next_attempt_at": due, "fallback_of": fallback_of, "call_id": None,
        "provider": None, "provider_ref": None, "failure_code": None, "failure_reason": None, "queued_at": now,
        "sent_at": None, "delivered_at": None, "read_at": None, "updated_at": now, "version": 1}
    held = "held until the end of quiet hours" if due != now else None
    history = {"message_id": row["id"], "at": now, "state": states.QUEUED, "code": code,
               "detail": "; ".join(d for d in (detail, held) if d) or None}
    return row, history
