"""What a notice would be (NTF-1/3/4): checked, its audience counted to estimate it (recipients,
SMS parts, cost) and its ``send_at``; what creating it stores and what its preview shows, written once.

Every bad input is :class:`~servicekit.errors.Invalid`; nothing is written here. The audience is
counted, not resolved (:mod:`notify.audiences.counting`): a notice to 100,000 households is
created in well under a second. It is resolved once, when the notice starts (the register may
change in between); what is stored when it is created is the estimate.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from notify.audiences import spec
from notify.audiences.counting import counted
from notify.audiences.resolve import resolve
from notify.domain import notices as statuses
from notify.domain.channels import CHANNELS, DEFAULT_FALLBACK
from notify.domain.purposes import EMERGENCY, PURPOSES
from notify.estate_settings.views import settings_of
from notify.notices.composing import estimate
from notify.schedule import recurrence
from notify.schedule.clock import zone
from notify.templates.bounds import check_fits
from notify.templates.rendering import BUILTIN_VARIABLES, used_variables
from notify.templates.views import usable_template
from servicekit.errors import Invalid
from servicekit.rows import Executes


def _channels(given: Any) -> list[str]:
    channels = list(given or DEFAULT_FALLBACK)
    bad = [c for c in channels if c not in CHANNELS]
    if bad or len(set(channels)) != len(channels):
        raise Invalid("unknown or repeated channels", "渠道无效或重复",
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
    check_fits({language: text["body"] for language, text in template["texts"].items()}, channels, "template_id")
    purpose = purpose or template["purpose"]
    if purpose not in PURPOSES:
        raise Invalid("unknown purpose", "未知的用途", errors={"purpose": [f"one of {', '.join(PURPOSES)}"]})
    variables = dict(data.get("variables") or {})
    known = BUILTIN_VARIABLES | set(template["variables"]) | set(used_variables(template["texts"]))
    unknown = sorted(set(variables) - known)
    if unknown:
        raise Invalid(f"the template has no variable {', '.join(unknown)}", f"模板没有变量 {', '.join(unknown)}",
                      errors={"variables": [f"unknown variable {n}" for n in unknown]})
    local = settings_of(session, estate_id)
    tz = zone(local["timezone"])
    groups = counted(session, estate_id, audience, purpose=purpose, channels=channels, today=now.astimezone(tz).date())
    if not any(r["excluded"] is None for r, _ in groups):
        everyone = sum(count for _, count in groups)
        raise Invalid("the audience has no one to send to", "接收范围内没有可发送的对象",
                      errors={"audience": [f"no reachable recipient ({everyone} resolved, all excluded)"
                                           if everyone else "no recipient"]})
    total = estimate(template, variables, groups, channels, local["sms_sign_name"], settings.sms_price_fen)
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
        "recipients_count": total.recipients, "created_by": "", "created_at": now,
        "started_at": None, "finished_at": None, "version": 1,
    }
    return {"row": row, "audience": audience, "groups": groups, "estimate": total, "template": template,
            "estate_settings": local}


def sample(session: Executes, planned: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The first reachable recipient of a planned notice, in the audience's order (what its preview
    shows): of a list, its first reachable entry; of the register, found among its first occupancies."""
    row, groups = planned["row"], planned["groups"]
    if "list" in planned["audience"]:
        return next(r for r, _ in groups if r["excluded"] is None)
    today = now.astimezone(zone(planned["estate_settings"]["timezone"])).date()
    for first in (SAMPLE_LOOKAHEAD, None):
        found = resolve(session, row["estate_id"], planned["audience"], purpose=row["purpose"],
                        channels=row["channels"], today=today, first=first)
        reachable = next((r for r in found if r["excluded"] is None), None)
        if reachable is not None:
            return reachable
    raise AssertionError("plan() refuses an audience with no one reachable")  # pragma: no cover


SAMPLE_LOOKAHEAD = 200  # occupancies read for a sample before the whole audience is


def check_split(planned: Mapping[str, Any], settings: Any) -> None:
    parts, row = planned["estimate"].max_sms_parts, planned["row"]
    if parts > settings.sms_max_segments and not row["consent_to_split"]:
        raise Invalid(f"the SMS is {parts} parts, over the limit of {settings.sms_max_segments}; send with "
                      "consent_to_split to split it",
                      f"短信将拆分为{parts}条，超过{settings.sms_max_segments}条的上限，请确认拆分（consent_to_split）",
                      errors={"consent_to_split": [f"the SMS is {parts} parts (limit {settings.sms_max_segments})"]})
