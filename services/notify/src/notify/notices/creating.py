"""Creating a notice (NTF-1/3/4): checked, its audience resolved to estimate it (recipients, SMS
parts, cost), stored ``scheduled`` with its ``send_at``; and its preview, the same without saving.

The audience is resolved again when the notice starts (the register may change in between); what
is stored now is the estimate. A retried call with the same ``Idempotency-Key`` and body answers
the first notice; the same key with another body is :class:`~servicekit.errors.Invalid`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from notify import events
from notify.audiences import spec
from notify.audiences.resolve import resolve
from notify.domain import notices as statuses
from notify.domain.channels import CHANNELS, DEFAULT_FALLBACK
from notify.domain.purposes import EMERGENCY, PURPOSES
from notify.notices.composing import compose, estimate
from notify.notices.payloads import notice_payload
from notify.schedule import recurrence
from notify.schedule.clock import zone
from notify.schedule.estate_settings import settings_of
from notify.tables import notices
from notify.templates.rendering import BUILTIN_VARIABLES, used_variables
from notify.templates.use_cases import usable_template
from servicekit.errors import Invalid
from servicekit.integrity import violation
from servicekit.rows import Executes
from servicekit.unit_of_work import UnitOfWork

# What a retried call must repeat for its Idempotency-Key to answer the first notice.
_SAME = ("template_id", "purpose", "urgent", "title", "channels", "audience", "variables", "repeat", "consent_to_split")


def _channels(given: Any) -> list[str]:
    channels = list(given or DEFAULT_FALLBACK)
    bad = [c for c in channels if c not in CHANNELS]
    if bad or len(set(channels)) != len(channels):
        raise Invalid("unknown or repeated channels / 渠道无效",
                      errors={"channels": [f"each of {', '.join(CHANNELS)} at most once"]})
    return channels


def plan(session: Executes, data: Mapping[str, Any], settings: Any, now: datetime) -> dict[str, Any]:
    """Everything a notice would be: ``{"row", "recipients", "estimate", "template", "estate_settings"}``;
    every bad input is :class:`Invalid`, nothing is written."""
    estate_id = data["estate_id"]
    purpose = data.get("purpose")
    channels = _channels(data.get("channels"))
    audience = spec.check(data.get("audience"))
    repeat = recurrence.check(data["repeat"]) if data.get("repeat") else None
    template = usable_template(session, data["template_id"], estate_id)
    purpose = purpose or template["purpose"]
    if purpose not in PURPOSES:
        raise Invalid("unknown purpose / 未知的用途", errors={"purpose": [f"one of {', '.join(PURPOSES)}"]})
    variables = dict(data.get("variables") or {})
    known = BUILTIN_VARIABLES | set(template["variables"]) | set(used_variables(template["texts"]))
    unknown = sorted(set(variables) - known)
    if unknown:
        raise Invalid(f"the template has no variable {', '.join(unknown)} / 模板没有变量 {', '.join(unknown)}",
                      errors={"variables": [f"unknown variable {n}" for n in unknown]})
    local = settings_of(session, estate_id)
    tz = zone(local["timezone"])
    recipients = resolve(session, estate_id, audience, purpose=purpose, channels=channels,
                         today=now.astimezone(tz).date())
    if not any(r["excluded"] is None for r in recipients):
        raise Invalid("the audience has no one to send to / 接收范围内没有可发送的对象",
                      errors={"audience": [f"no reachable recipient ({len(recipients)} resolved, all excluded)"
                                           if recipients else "no recipient"]})
    total = estimate(template, variables, recipients, channels, local["sms_sign_name"], settings.sms_price_fen)
    send_at = data.get("send_at")
    if send_at is None:
        send_at = recurrence.next_occurrence(now, repeat, tz) if repeat else now
    send_at = max(send_at, now)
    id_ = uuid.uuid4()
    row = {
        "id": id_, "estate_id": estate_id, "template_id": template["id"], "purpose": purpose,
        "urgent": bool(data.get("urgent")) or purpose == EMERGENCY, "title": data["title"], "channels": channels,
        "audience": spec.as_json(audience), "variables": variables, "status": statuses.SCHEDULED, "send_at": send_at,
        "repeat": repeat, "series_id": id_ if repeat else None, "consent_to_split": bool(data.get("consent_to_split")),
        "estimated_segments": total.sms_parts, "estimated_cost_fen": total.cost_fen,
        "recipients_count": total.recipients, "idempotency_key": None, "created_by": "", "created_at": now,
        "started_at": None, "finished_at": None, "version": 1,
    }
    return {"row": row, "recipients": recipients, "estimate": total, "template": template, "estate_settings": local}


def check_split(planned: Mapping[str, Any], settings: Any) -> None:
    parts, row = planned["estimate"].max_sms_parts, planned["row"]
    if parts > settings.sms_max_segments and not row["consent_to_split"]:
        raise Invalid(f"the SMS is {parts} parts, over the limit of {settings.sms_max_segments}; send with "
                      f"consent_to_split to split it / 短信将拆分为{parts}条，超过{settings.sms_max_segments}条的上限，"
                      "请确认拆分（consent_to_split）",
                      errors={"consent_to_split": [f"the SMS is {parts} parts (limit {settings.sms_max_segments})"]})


def create_notice(uow: UnitOfWork, data: Mapping[str, Any], settings: Any, *, created_by: str, now: datetime,
                  idempotency_key: str | None = None) -> dict[str, Any]:
    """Store a checked, estimated notice ``scheduled``; answers ``{"notice", "created"}``."""
    for _ in range(3):
        try:
            with uow:
                if idempotency_key is not None:
                    earlier = _earlier(uow, data, idempotency_key)
                    if earlier is not None:
                        return {"notice": earlier, "created": False}
                planned = plan(uow, data, settings, now)
                check_split(planned, settings)
                row = {**planned["row"], "created_by": created_by, "idempotency_key": idempotency_key}
                uow.execute(insert(notices).values(row))
                uow.record(events.NOTICE_SCHEDULED, row["id"], {"notice": notice_payload(row)})
                uow.commit()
                return {"notice": row, "created": True}
        except IntegrityError as exc:  # a concurrent call with the same key: read the winner's
            if violation(exc) != "unique" or idempotency_key is None:
                raise
    raise Invalid("this Idempotency-Key is in use / 该幂等键正在使用", errors={"Idempotency-Key": ["retry"]})


def _earlier(uow: UnitOfWork, data: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    row = uow.execute(select(notices).where(notices.c.estate_id == data["estate_id"],
                                            notices.c.idempotency_key == key)).mappings().first()
    if row is None:
        return None
    given = {"template_id": data["template_id"], "title": data["title"], "channels": _channels(data.get("channels")),
             "audience": spec.as_json(spec.check(data.get("audience"))), "variables": dict(data.get("variables") or {}),
             "repeat": recurrence.check(data["repeat"]) if data.get("repeat") else None,
             "consent_to_split": bool(data.get("consent_to_split"))}
    purpose = data.get("purpose") or row["purpose"]
    given.update(purpose=purpose, urgent=bool(data.get("urgent")) or purpose == EMERGENCY)
    moved = (data.get("send_at") is not None and data["send_at"] > row["created_at"]
             and data["send_at"] != row["send_at"])
    if moved or any(given[k] != row[k] for k in _SAME):
        raise Invalid("this Idempotency-Key was used for a different notice / 该幂等键已用于另一条通知",
                      errors={"Idempotency-Key": ["was used before with a different body"]})
    return dict(row)


def preview(session: Executes, data: Mapping[str, Any], settings: Any, now: datetime) -> dict[str, Any]:
    """What the notice would send, rendered for a sample recipient, and the estimate; nothing is saved."""
    planned = plan(session, data, settings, now)
    row, total, local = planned["row"], planned["estimate"], planned["estate_settings"]
    sample = next(r for r in planned["recipients"] if r["excluded"] is None)
    rendered = [compose(planned["template"], row["variables"], sample, channel, local["sms_sign_name"])
                for channel in row["channels"]]
    return {
        "sample": {"name": sample["name"], "unit": sample["unit_label"], "language": sample["language"],
                   "person_id": sample["person_id"]},
        "messages": rendered, "send_at": row["send_at"], "urgent": row["urgent"],
        "estimate": {"recipients": total.recipients, "excluded": total.excluded,
                     "sms_recipients": total.sms_recipients,
                     "sms_parts": total.sms_parts, "cost_fen": total.cost_fen, "max_sms_parts": total.max_sms_parts,
                     "needs_consent_to_split": total.max_sms_parts > settings.sms_max_segments},
    }

