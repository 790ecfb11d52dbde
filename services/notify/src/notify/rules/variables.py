"""The events notify answers with its rules (tickets' and surveys' invitations), and the template
variables each gives, in the recipient's language.

Every tickets event gives ``name`` (the recipient's), ``ticket_number`` and ``ticket_title``; some
give more (:data:`EVENT_VARIABLES`). A survey invitation or reminder gives ``name``, ``link`` (the
personal link to answer by), ``period`` (the wave's quarter, empty after a ticket) and
``expires_on`` (the last day the link is good, local time). A forum invitation gives ``name``,
``title``, ``held_on`` and ``place`` (a place not given yet, "to be announced" in the recipient's
language). A follow-up visit assigned gives
``name`` and ``unit_number``; a rectification action overdue ``name``, ``action`` (its
description) and ``due_on``. An application's decision
(``tickets.application.decided.v1``) gives ``name``, its number, the procedure's and the step's
names in the recipient's language, the decision and the reason of a refusal; its withdrawal
(``tickets.application.withdrawn.v1``) the number, the procedure, ``withdrawn_by`` ("you" when the
applicant withdrew it, else the service centre, in the recipient's language) and the reason. An unsigned shift
handover (``tickets.handover.unsigned.v1``) gives ``name``, the ``desk`` (the front desk when it
names none), ``outgoing_name`` and ``incoming_name``, ``open_items`` (how many) and ``sign_by``.
A rule's template may use only the variables of its event type (checked when the rule is
written). Times are shown in the estate's local time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

COMMON = frozenset({"name", "ticket_number", "ticket_title"})
_T, _S = "tickets.ticket.", "tickets.sla."
EVENT_VARIABLES: dict[str, frozenset[str]] = {
    f"{_T}opened.v1": COMMON,
    f"{_T}acknowledged.v1": COMMON,
    f"{_T}dispatched.v1": COMMON | {"department"},  # a department's queue names the department
    f"{_T}reassigned.v1": COMMON | {"reason"},
    f"{_T}arrived.v1": COMMON,
    f"{_T}resolved.v1": COMMON | {"resolution"},
    f"{_T}explained.v1": COMMON | {"promised_by", "explanation"},
    f"{_T}escalated.v1": COMMON | {"trigger", "reason", "level"},
    f"{_T}promise_slipped.v1": COMMON | {"promised_by"},
    f"{_S}warned.v1": COMMON | {"target", "due_at"},
    f"{_S}breached.v1": COMMON | {"target", "due_at"},
    # Callbacks (安排回电): no ticket of their own; the caller by the last four digits of the number.
    "tickets.callback.warned.v1": COMMON | {"caller_last4", "due_at"},
    "tickets.callback.missed.v1": COMMON | {"caller_last4", "due_at"},
    # The diary (时间管理): an entry's title and window.
    "tickets.diary.booked.v1": COMMON | {"entry_title", "window_start", "window_end"},
    # A shift handover not signed in time (TKT-13): no ticket; the desk, who hands over to whom, how
    # many open items and when it was to be signed.
    "tickets.handover.unsigned.v1": frozenset({"name", "desk", "outgoing_name", "incoming_name", "open_items",
                                               "sign_by"}),
    # A step of an application (a renovation approval, TKT-15) decided: no ticket, an application.
    "tickets.application.decided.v1": frozenset({"name", "application_number", "procedure", "step", "decision",
                                                 "reason"}),
    # An application's open step past its due time, to the holders of its role.
    "tickets.application.step_overdue.v1": frozenset({"name", "application_number", "procedure", "step", "due_at"}),
    # An application withdrawn (by the applicant or the desk), to the applicant: by whom and why.
    "tickets.application.withdrawn.v1": frozenset({"name", "application_number", "procedure", "withdrawn_by",
                                                   "reason"}),
}
# The tickets events notify consumes: each is matched against the rules.
TICKETS_EVENTS = tuple(EVENT_VARIABLES)
# surveys' invitations and reminders (SRV-1, SRV-5; NTF-5): to the person invited.
SURVEY_VARIABLES = frozenset({"name", "link", "period", "expires_on"})
SURVEYS_EVENTS = ("surveys.invitation.sent.v1", "surveys.invitation.reminded.v1")
EVENT_VARIABLES.update(dict.fromkeys(SURVEYS_EVENTS, SURVEY_VARIABLES))
# surveys' follow-ups (SRV-4), to staff: a follow-up visit assigned (the unit's number), a
# rectification action overdue (its description and due date).
SURVEYS_STAFF_EVENTS = ("surveys.follow_up.opened.v1", "surveys.action.overdue.v1")
EVENT_VARIABLES.update({"surveys.follow_up.opened.v1": frozenset({"name", "unit_number"}),
                        "surveys.action.overdue.v1": frozenset({"name", "action", "due_on"})})
# surveys' owners' forums (SRV-6): a household invited, to the person invited (the forum's title,
# day and place; a place not given yet reads "to be announced").
FORUM_EVENTS = ("surveys.forum.invited.v1",)
EVENT_VARIABLES.update(dict.fromkeys(FORUM_EVENTS, frozenset({"name", "title", "held_on", "place"})))
# Every event the rules answer.
RULE_EVENTS = (*TICKETS_EVENTS, *SURVEYS_EVENTS, *SURVEYS_STAFF_EVENTS, *FORUM_EVENTS)

TARGETS = {
    "acknowledge": {"zh-CN": "受理", "en": "acknowledge"}, "arrive": {"zh-CN": "到场", "en": "arrival"},
    "resolve": {"zh-CN": "解决", "en": "resolution"}, "promise": {"zh-CN": "承诺", "en": "promise"},
}
# Who withdrew an application, as its applicant reads it: themselves (an owner's token), else the desk.
WITHDRAWERS = {"owner": {"zh-CN": "您本人", "en": "you"}, "desk": {"zh-CN": "物业服务中心", "en": "the service centre"}}
TRIGGERS = {
    "complaint": {"zh-CN": "投诉", "en": "complaint"}, "major": {"zh-CN": "重大投诉", "en": "major complaint"},
    "sla_warning": {"zh-CN": "即将超时", "en": "SLA warning"}, "sla_breach": {"zh-CN": "超时", "en": "SLA breach"},
    "promise_slipped": {"zh-CN": "承诺逾期", "en": "promise missed"},
    "procedure": {"zh-CN": "上报", "en": "reported upwards"},
}
DESKS = {"front": {"zh-CN": "前台", "en": "the front desk"}}  # a handover that names no desk
DECISIONS = {"approved": {"zh-CN": "已通过", "en": "approved"}, "refused": {"zh-CN": "未通过", "en": "refused"}}
PLACES = {"announced": {"zh-CN": "另行通知", "en": "to be announced"}}  # a forum that names no place yet


def _word(words: Mapping[str, Mapping[str, str]], value: Any, language: str) -> str:
    if value is None:
        return ""
    return words.get(value, {}).get(language) or words.get(value, {}).get("en") or str(value)


def _object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _local(value: Any, timezone: str) -> datetime | str:
    """An ISO instant in the estate's time (a naive one as it is); "" for none, unparseable text as given."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment if moment.tzinfo is None else moment.astimezone(ZoneInfo(timezone))


def local_time(value: Any, timezone: str) -> str:
    """An ISO instant as the estate reads it: ``2026-12-01 10:03``; anything unparseable as given."""
    moment = _local(value, timezone)
    return moment if isinstance(moment, str) else moment.strftime("%Y-%m-%d %H:%M")


def last_day(value: Any, timezone: str) -> str:
    """The local day before an ISO instant (a link good until midnight is good through that day)."""
    moment = _local(value, timezone)
    return moment if isinstance(moment, str) else (moment - timedelta(microseconds=1)).strftime("%Y-%m-%d")


def event_variables(event_type: str, data: Mapping[str, Any], name: str, language: str,
                    timezone: str) -> dict[str, str]:
    """The values of :data:`EVENT_VARIABLES` [``event_type``] for one recipient (all strings)."""
    ticket = data.get("ticket") or {}
    callback = data.get("callback") or {}
    values: dict[str, Any] = {"name": name, "ticket_number": ticket.get("number") or "",
                              "ticket_title": ticket.get("title") or ""}
    extra = {
        "reason": data.get("reason"), "resolution": data.get("resolution"), "explanation": data.get("explanation"),
        "level": data.get("level"), "trigger": _word(TRIGGERS, data.get("trigger"), language),
        "target": _word(TARGETS, data.get("target"), language),
        "due_at": local_time(data.get("due_at") or callback.get("due_at"), timezone),
        "caller_last4": callback.get("number_last4"),
        "entry_title": (data.get("entry") or {}).get("title"),
        "window_start": local_time(data.get("starts_at"), timezone),
        "window_end": local_time(data.get("ends_at"), timezone),
        "promised_by": local_time(data.get("promised_by") or ticket.get("promised_by"), timezone),
        "link": data.get("link"), "period": data.get("period"),
        "expires_on": last_day(data.get("expires_at"), timezone),
        "unit_number": data.get("unit_number"), "action": data.get("description"), "due_on": data.get("due_on"),
        "title": data.get("title"), "held_on": data.get("held_on"),
        "place": data.get("place") or _word(PLACES, "announced", language),
    }
    handover = _object(data.get("handover"))
    extra.update(desk=handover.get("desk") or _word(DESKS, "front", language),
                 outgoing_name=_object(data.get("outgoing")).get("name"),
                 incoming_name=_object(data.get("incoming")).get("name"),
                 open_items=handover.get("items"), sign_by=local_time(handover.get("sign_by"), timezone))
    extra.update(department=_object(data.get("department")).get("name"))
    application, step = data.get("application") or {}, data.get("step") or {}
    names = "name_zh" if language.lower().startswith("zh") else "name_en"
    extra.update(application_number=application.get("number"), procedure=application.get(names),
                 step=step.get(names), decision=_word(DECISIONS, data.get("decision"), language))
    if "withdrawn_role" in data:
        withdrawer = "owner" if data.get("withdrawn_role") == "owner" else "desk"
        extra.update(withdrawn_by=_word(WITHDRAWERS, withdrawer, language))
    for key in EVENT_VARIABLES.get(event_type, COMMON) - COMMON:
        values[key] = extra.get(key)
    return {k: "" if v is None else str(v) for k, v in values.items()}
