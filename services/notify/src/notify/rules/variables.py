"""The tickets events notify answers with its rules, and the template variables each gives, in the
recipient's language.

Every ticket event gives ``name`` (the recipient's), ``ticket_number`` and ``ticket_title``; some
give more (:data:`EVENT_VARIABLES`). An application's decision (``tickets.application.decided.v1``)
gives ``name``, its number, the procedure's and the step's names in the recipient's language, the
decision and the reason of a refusal. A rule's template may use only the variables of its event type
(checked when the rule is written). Times are shown in the estate's local time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

COMMON = frozenset({"name", "ticket_number", "ticket_title"})
_T, _S = "tickets.ticket.", "tickets.sla."
EVENT_VARIABLES: dict[str, frozenset[str]] = {
    f"{_T}opened.v1": COMMON,
    f"{_T}acknowledged.v1": COMMON,
    f"{_T}dispatched.v1": COMMON,
    f"{_T}reassigned.v1": COMMON | {"reason"},
    f"{_T}arrived.v1": COMMON,
    f"{_T}resolved.v1": COMMON | {"resolution"},
    f"{_T}explained.v1": COMMON | {"promised_by", "explanation"},
    f"{_T}escalated.v1": COMMON | {"trigger", "reason", "level"},
    f"{_T}promise_slipped.v1": COMMON | {"promised_by"},
    f"{_S}warned.v1": COMMON | {"target", "due_at"},
    f"{_S}breached.v1": COMMON | {"target", "due_at"},
    # A step of an application (a renovation approval, TKT-15) decided: no ticket, an application.
    "tickets.application.decided.v1": frozenset({"name", "application_number", "procedure", "step", "decision",
                                                 "reason"}),
}
# The tickets events notify consumes: each is matched against the rules.
TICKETS_EVENTS = tuple(EVENT_VARIABLES)

TARGETS = {
    "acknowledge": {"zh-CN": "受理", "en": "acknowledge"}, "arrive": {"zh-CN": "到场", "en": "arrival"},
    "resolve": {"zh-CN": "解决", "en": "resolution"}, "promise": {"zh-CN": "承诺", "en": "promise"},
}
TRIGGERS = {
    "complaint": {"zh-CN": "投诉", "en": "complaint"}, "major": {"zh-CN": "重大投诉", "en": "major complaint"},
    "sla_warning": {"zh-CN": "即将超时", "en": "SLA warning"}, "sla_breach": {"zh-CN": "超时", "en": "SLA breach"},
    "promise_slipped": {"zh-CN": "承诺逾期", "en": "promise missed"},
    "procedure": {"zh-CN": "上报", "en": "reported upwards"},
}
DECISIONS = {"approved": {"zh-CN": "已通过", "en": "approved"}, "refused": {"zh-CN": "未通过", "en": "refused"}}


def _word(words: Mapping[str, Mapping[str, str]], value: Any, language: str) -> str:
    if value is None:
        return ""
    return words.get(value, {}).get(language) or words.get(value, {}).get("en") or str(value)


def local_time(value: Any, timezone: str) -> str:
    """An ISO instant as the estate reads it: ``2026-12-01 10:03``; anything unparseable as given."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def event_variables(event_type: str, data: Mapping[str, Any], name: str, language: str,
                    timezone: str) -> dict[str, str]:
    """The values of :data:`EVENT_VARIABLES` [``event_type``] for one recipient (all strings)."""
    ticket = data.get("ticket") or {}
    values: dict[str, Any] = {"name": name, "ticket_number": ticket.get("number") or "",
                              "ticket_title": ticket.get("title") or ""}
    extra = {
        "reason": data.get("reason"), "resolution": data.get("resolution"), "explanation": data.get("explanation"),
        "level": data.get("level"), "trigger": _word(TRIGGERS, data.get("trigger"), language),
        "target": _word(TARGETS, data.get("target"), language),
        "due_at": local_time(data.get("due_at"), timezone),
        "promised_by": local_time(data.get("promised_by") or ticket.get("promised_by"), timezone),
    }
    application, step = data.get("application") or {}, data.get("step") or {}
    names = "name_zh" if language.lower().startswith("zh") else "name_en"
    extra.update(application_number=application.get("number"), procedure=application.get(names),
                 step=step.get(names), decision=_word(DECISIONS, data.get("decision"), language))
    for key in EVENT_VARIABLES.get(event_type, COMMON) - COMMON:
        values[key] = extra.get(key)
    return {k: "" if v is None else str(v) for k, v in values.items()}
