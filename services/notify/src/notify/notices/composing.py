"""A notice's message to one recipient over one channel, rendered from the notice's template, and
the SMS estimate of a whole audience.

The message is what start_due queues first, and what a fallback or a resend queues later over
another channel: rendered in the recipient's language for that channel (an e-mail gets the subject,
an SMS the signature's part count); a non-urgent SMS waits for the end of the estate's quiet hours.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from notify.audiences.reach import address, channels_for
from notify.domain import messages as states
from notify.domain.channels import SMS
from notify.schedule.clock import wall_time, zone
from notify.schedule.quiet_hours import next_allowed
from notify.templates.rendering import language_of, render, text_for, used_variables
from notify.templates.sms import cost_fen, measure, signed


def values_of(notice_variables: Mapping[str, Any], recipient: Mapping[str, Any]) -> dict[str, Any]:
    """A recipient's variables: the built-in ones (name, unit, estate), the notice's, the list entry's."""
    builtin = {k: recipient["variables"][k] for k in ("name", "unit", "estate") if k in recipient["variables"]}
    return {**builtin, **notice_variables, **{k: v for k, v in recipient["variables"].items() if k not in builtin}}


def compose(template: Mapping[str, Any], notice_variables: Mapping[str, Any], recipient: Mapping[str, Any],
            channel: str, sign_name: str) -> dict[str, Any]:
    """``{"channel", "language", "subject", "body", "params", "segments", "encoding", "length"}``."""
    values = values_of(notice_variables, recipient)
    language = language_of(template["texts"], recipient.get("language"))
    text = text_for(template["texts"], language)
    body = render(text["body"], values, "body")
    composed = {"channel": channel, "language": language, "subject": render(text["subject"], values, "subject"),
                "body": body, "params": {n: "" if values[n] is None else str(values[n])
                                         for n in used_variables(template["texts"]) if n in values},
                "segments": 0, "encoding": None, "length": len(body)}
    if channel == SMS:
        length = measure(signed(sign_name, body))
        composed.update(segments=length.segments, encoding=length.encoding, length=length.length)
    return composed


class Composer:
    """:func:`compose` for the many recipients of one notice: a text depends only on the channel,
    the language and the values of the variables the template uses, so recipients alike in those
    (everyone, for a text that names no one) share one rendering."""

    def __init__(self, template: Mapping[str, Any], notice_variables: Mapping[str, Any], sign_name: str) -> None:
        self.template, self.notice_variables, self.sign_name = template, notice_variables, sign_name
        self.used = used_variables(template["texts"])
        self.made: dict[tuple[Any, ...], dict[str, Any]] = {}

    def __call__(self, recipient: Mapping[str, Any], channel: str) -> dict[str, Any]:
        values = values_of(self.notice_variables, recipient)
        if any(name not in values for name in self.used):  # compose says which is missing
            return compose(self.template, self.notice_variables, recipient, channel, self.sign_name)
        key = (channel, language_of(self.template["texts"], recipient.get("language")),
               *((values[name] is None, str(values[name])) for name in self.used))
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = compose(self.template, self.notice_variables, recipient, channel, self.sign_name)
        return made


@dataclass
class Estimate:
    recipients: int = 0  # reachable recipients
    excluded: dict[str, int] | None = None
    sms_recipients: int = 0
    sms_parts: int = 0
    cost_fen: int = 0
    max_sms_parts: int = 0  # the longest SMS any recipient could get


def estimate(template: Mapping[str, Any], notice_variables: Mapping[str, Any],
             groups: Iterable[tuple[Mapping[str, Any], int]], channels: Iterable[str], sign_name: str,
             price_fen: int) -> Estimate:
    """Renders each group's representative recipient's first message (raising on an unknown variable)
    and sums the SMS parts of those whose first channel is SMS, times the group's count
    (:mod:`notify.audiences.counting`); ``max_sms_parts`` covers SMS as a fallback too."""
    channels = tuple(channels)
    result = Estimate(excluded={})
    for recipient, count in groups:
        if recipient["excluded"]:
            result.excluded[recipient["excluded"]] = result.excluded.get(recipient["excluded"], 0) + count
            continue
        result.recipients += count
        usable = channels_for(recipient, channels)
        first = compose(template, notice_variables, recipient, usable[0], sign_name)
        sms = first if usable[0] == SMS else (compose(template, notice_variables, recipient, SMS, sign_name)
                                              if SMS in usable else None)
        if sms is not None:
            result.max_sms_parts = max(result.max_sms_parts, sms["segments"])
        if usable[0] == SMS:
            result.sms_recipients += count
            result.sms_parts += first["segments"] * count
    result.cost_fen = cost_fen(result.sms_parts, price_fen)
    return result


def sms_may_go_at(local: Mapping[str, Any], now: datetime) -> datetime:
    """The first instant at or after ``now`` a non-urgent SMS may go, by the estate's settings ``local``."""
    return next_allowed(now, zone(local["timezone"]), wall_time(local["quiet_start"], "quiet_start"),
                        wall_time(local["quiet_end"], "quiet_end"))


def notice_message(notice: Mapping[str, Any], template: Mapping[str, Any], recipient: Mapping[str, Any],
                   channel: str, local: Mapping[str, Any], now: datetime, *, sms_from: datetime | None = None,
                   fallback_of: uuid.UUID | None = None, code: str | None = None,
                   detail: str | None = None,
                   composer: Composer | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The queued message row of ``recipient`` (a ``recipients`` row) and its first history row.
    ``sms_from``: :func:`sms_may_go_at`, and ``composer``: a :class:`Composer` of the notice, when
    the caller makes many."""
    message = (composer(recipient, channel) if composer is not None
               else compose(template, notice["variables"], recipient, channel, local["sms_sign_name"]))
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
