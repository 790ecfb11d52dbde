"""A recipient's message on one channel, rendered from the notice's template, and the SMS estimate
of a whole audience."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from notify.audiences.reach import channels_for
from notify.domain.channels import SMS
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


@dataclass
class Estimate:
    recipients: int = 0  # reachable recipients
    excluded: dict[str, int] | None = None
    sms_recipients: int = 0
    sms_parts: int = 0
    cost_fen: int = 0
    max_sms_parts: int = 0  # the longest SMS any recipient could get


def estimate(template: Mapping[str, Any], notice_variables: Mapping[str, Any], recipients: Iterable[Mapping[str, Any]],
             channels: Iterable[str], sign_name: str, price_fen: int) -> Estimate:
    """Renders every reachable recipient's first message (raising on an unknown variable) and sums the
    SMS parts of those whose first channel is SMS; ``max_sms_parts`` covers SMS as a fallback too."""
    channels = tuple(channels)
    result = Estimate(excluded={})
    for recipient in recipients:
        if recipient["excluded"]:
            result.excluded[recipient["excluded"]] = result.excluded.get(recipient["excluded"], 0) + 1
            continue
        result.recipients += 1
        usable = channels_for(recipient, channels)
        first = compose(template, notice_variables, recipient, usable[0], sign_name)
        sms = first if usable[0] == SMS else (compose(template, notice_variables, recipient, SMS, sign_name)
                                              if SMS in usable else None)
        if sms is not None:
            result.max_sms_parts = max(result.max_sms_parts, sms["segments"])
        if usable[0] == SMS:
            result.sms_recipients += 1
            result.sms_parts += first["segments"]
    result.cost_fen = cost_fen(result.sms_parts, price_fen)
    return result
