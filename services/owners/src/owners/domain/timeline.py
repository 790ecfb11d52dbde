"""The activity timeline (OWN-3): what the other services' events say happened to a person or a
unit, as entries of their history, and how an entry reads in the caller's language.

Pure rules: an event's type and data in, entries out. An entry's id comes from the event's id (and,
for an event about many people, the person's place in it), and its time from the event, so the
same events applied again (a replay into an empty timeline) give the same rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

# The namespace of entry ids (uuid5 of the event's id): fixed, so a rebuilt timeline has the same ids.
ENTRY_NAMESPACE = uuid.UUID("6f0c2f4e-8f0e-4b7a-9a57-0d5e1c7b8a11")

# Where each kind of record is read at the front door (the gateway's route table's prefixes).
TICKET, CALL, CALLBACK, VISIT = ("/tickets/api/v1/tickets/{}", "/tickets/api/v1/calls/{}",
                                 "/tickets/api/v1/callbacks/{}", "/tickets/api/v1/diary/{}")
NOTICE, WAVE, FORUM = "/notify/api/v1/notices/{}", "/surveys/api/v1/waves/{}", "/surveys/api/v1/forums/{}"


@dataclass(frozen=True)
class Entry:
    id: UUID
    estate_id: UUID
    person_id: UUID | None
    unit_id: UUID | None
    kind: str            # "ticket.resolved": the record's kind and what happened to it
    occurred_at: datetime
    source: str          # the service whose event it was
    record_id: UUID      # the ticket, call, notice ... the entry is about
    reference: str | None  # what people call the record (a ticket's number, a notice's title)
    link: str | None     # where the record is read at the front door
    details: dict[str, Any] = field(default_factory=dict)


def _uuid(value: Any) -> UUID | None:
    return None if value in (None, "") else UUID(str(value))


def _pick(data: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {name: data[name] for name in names if data.get(name) is not None}


# --- tickets -------------------------------------------------------------------------------------
# Each ticket event carries the whole ticket; what the owner would want to see of each step.
TICKET_STEPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "tickets.ticket.opened.v1": ("ticket.opened", ()),
    "tickets.ticket.dispatched.v1": ("ticket.dispatched", ("assignee_id",)),
    "tickets.ticket.arrived.v1": ("ticket.arrived", ()),
    "tickets.ticket.explained.v1": ("ticket.explained", ("promised_by", "explanation")),
    "tickets.ticket.resolved.v1": ("ticket.resolved", ("resolution", "promise_kept")),
    "tickets.ticket.owner_informed.v1": ("ticket.owner_informed", ("how",)),
    "tickets.ticket.evaluated.v1": ("ticket.evaluated", ("score", "comment", "channel")),
    "tickets.ticket.reopened.v1": ("ticket.reopened", ("reason",)),
    "tickets.ticket.merged.v1": ("ticket.merged", ("into_ticket_id", "into_number")),
    "tickets.ticket.cancelled.v1": ("ticket.cancelled", ("reason",)),
}


def _ticket(event_type: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    kind, names = TICKET_STEPS[event_type]
    ticket = data["ticket"]
    return [{"kind": kind, "estate_id": ticket["estate_id"], "person_id": ticket.get("person_id"),
             "unit_id": ticket.get("unit_id"), "record_id": ticket["ticket_id"], "reference": ticket["number"],
             "link": TICKET.format(ticket["ticket_id"]),
             "details": {"title": ticket["title"], "ticket_kind": ticket["kind"], "stage": ticket["stage"],
                         "priority": ticket["priority"], **_pick(data, *names)}}]


def _call(_type: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    call = data["call"]
    return [{"kind": "call.logged", "estate_id": call["estate_id"], "person_id": call.get("person_id"),
             "unit_id": call.get("unit_id"), "record_id": call["call_id"], "reference": None,
             "link": CALL.format(call["call_id"]),
             "details": _pick(call, "direction", "outcome", "number_last4", "ticket_id", "ring_started_at")}]


def _callback(event_type: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    callback = data["callback"]
    kind = "callback.scheduled" if event_type.endswith("scheduled.v1") else "callback.closed"
    return [{"kind": kind, "estate_id": callback["estate_id"], "person_id": callback.get("person_id"),
             "unit_id": callback.get("unit_id"), "record_id": callback["callback_id"], "reference": None,
             "link": CALLBACK.format(callback["callback_id"]),
             "details": _pick(callback, "reason", "state", "due_at", "done_at", "kept", "ticket_id")}]


def _visit(event_type: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    entry = data["entry"]
    kind = "visit.booked" if event_type.endswith("booked.v1") else "visit.cancelled"
    return [{"kind": kind, "estate_id": entry["estate_id"], "person_id": entry.get("person_id"),
             "unit_id": entry.get("unit_id"), "record_id": entry["entry_id"], "reference": None,
             "link": VISIT.format(entry["entry_id"]),
             "details": _pick(entry, "title", "starts_at", "ends_at", "ticket_id")}]


# --- notify --------------------------------------------------------------------------------------

def _reached(_type: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"kind": "notice.reached", "estate_id": data["estate_id"], "person_id": r.get("person_id"),
             "unit_id": r.get("unit_id"), "record_id": data["notice_id"], "reference": data["title"],
             "link": NOTICE.format(data["notice_id"]),
             "details": {"channel": r["channel"], "purpose": data["purpose"]}}
            for r in data["recipients"]]


def _unreached(_type: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    channels = sorted({f["channel"] for f in data.get("failures") or ()})
    return [{"kind": "notice.unreached", "estate_id": data["estate_id"], "person_id": data.get("person_id"),
             "unit_id": data.get("unit_id"), "record_id": data["notice_id"], "reference": data["title"],
             "link": NOTICE.format(data["notice_id"]),
             "details": {"reason": data["reason"], "failed_channels": channels}}]


# --- surveys -------------------------------------------------------------------------------------

def _survey_link(data: Mapping[str, Any]) -> str | None:
    """A wave's invitation or answer links to the wave; a ticket's question to the ticket."""
    if data.get("wave_id"):
        return WAVE.format(data["wave_id"])
    return TICKET.format(data["ticket_id"]) if data.get("ticket_id") else None

def _invited(event_type: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    # The personal link is the owner's key to their answer: it never goes into the timeline.
    kind = "invitation.sent" if event_type.endswith("sent.v1") else "invitation.reminded"
    return [{"kind": kind, "estate_id": data["estate_id"], "person_id": data.get("person_id"),
             "unit_id": data.get("unit_id"), "record_id": data["invitation_id"], "reference": data.get("period"),
             "link": _survey_link(data),
             "details": _pick(data, "purpose", "ticket_id", "wave_id", "preferred_channel", "expires_at")}]


def _answered(_type: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"kind": "answer.submitted", "estate_id": data["estate_id"], "person_id": data.get("person_id"),
             "unit_id": data.get("unit_id"), "record_id": data["answer_id"], "reference": None,
             "link": _survey_link(data),
             "details": _pick(data, "channel", "overall", "satisfied", "ticket_id", "wave_id")}]


def _forum_invited(_type: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A household invited to an owners' forum (业户座谈会, SRV-6): the person invited and their unit."""
    return [{"kind": "forum.invited", "estate_id": data["estate_id"], "person_id": data.get("person_id"),
             "unit_id": data.get("unit_id"), "record_id": data["forum_id"], "reference": data.get("title"),
             "link": FORUM.format(data["forum_id"]), "details": _pick(data, "held_on", "place")}]


READERS: dict[str, tuple[str, Callable[[str, Mapping[str, Any]], list[dict[str, Any]]]]] = {
    **{event_type: ("tickets", _ticket) for event_type in TICKET_STEPS},
    "tickets.call.logged.v1": ("tickets", _call),
    "tickets.callback.scheduled.v1": ("tickets", _callback),
    "tickets.callback.closed.v1": ("tickets", _callback),
    "tickets.diary.booked.v1": ("tickets", _visit),
    "tickets.diary.cancelled.v1": ("tickets", _visit),
    "notify.recipients.reached.v1": ("notify", _reached),
    "notify.recipient.unreached.v1": ("notify", _unreached),
    "surveys.invitation.sent.v1": ("surveys", _invited),
    "surveys.invitation.reminded.v1": ("surveys", _invited),
    "surveys.answer.submitted.v1": ("surveys", _answered),
    "surveys.forum.invited.v1": ("surveys", _forum_invited),
}
EVENT_TYPES = tuple(READERS)


def entries_of(event_type: str, event_id: str, time: datetime, data: Mapping[str, Any]) -> list[Entry]:
    """The timeline entries an event makes: one per person or unit it is about; none when it names
    neither (a ticket about a common area opened by staff, a notice to a list without people)."""
    source, read = READERS[event_type]
    made = []
    for place, entry in enumerate(read(event_type, data)):
        person_id, unit_id = _uuid(entry["person_id"]), _uuid(entry["unit_id"])
        if person_id is None and unit_id is None:
            continue
        made.append(Entry(
            id=uuid.uuid5(ENTRY_NAMESPACE, f"{event_id}/{place}"), estate_id=UUID(str(entry["estate_id"])),
            person_id=person_id, unit_id=unit_id, kind=entry["kind"], occurred_at=time, source=source,
            record_id=UUID(str(entry["record_id"])), reference=entry["reference"], link=entry["link"],
            details=entry["details"]))
    return made


# --- how an entry reads --------------------------------------------------------------------------
# (English, Chinese) of each kind; {reference} and the details' names are filled in.
SUMMARIES: dict[str, tuple[str, str]] = {
    "ticket.opened": ("Ticket {reference} opened: {title}", "工单 {reference} 已受理：{title}"),
    "ticket.dispatched": ("Ticket {reference} dispatched", "工单 {reference} 已派工"),
    "ticket.arrived": ("Staff arrived for ticket {reference}", "工单 {reference} 处理人员已到场"),
    "ticket.explained": ("Ticket {reference}: a date was promised", "工单 {reference} 已解释并承诺完成日期"),
    "ticket.resolved": ("Ticket {reference} resolved", "工单 {reference} 已处理完毕"),
    "ticket.owner_informed": ("Told the result of ticket {reference}", "已告知工单 {reference} 的处理结果"),
    "ticket.evaluated": ("Evaluated ticket {reference}", "已评价工单 {reference}"),
    "ticket.reopened": ("Ticket {reference} reopened", "工单 {reference} 已重新打开"),
    "ticket.merged": ("Ticket {reference} merged into another", "工单 {reference} 已合并"),
    "ticket.cancelled": ("Ticket {reference} cancelled", "工单 {reference} 已取消"),
    "call.logged": ("A call ({direction}, {outcome})", "通话记录（{direction}，{outcome}）"),
    "callback.scheduled": ("A callback promised", "已安排回电"),
    "callback.closed": ("A callback closed", "回电已结束"),
    "visit.booked": ("A visit booked: {title}", "已预约上门：{title}"),
    "visit.cancelled": ("A visit cancelled: {title}", "上门预约已取消：{title}"),
    "notice.reached": ("Notice “{reference}” reached them by {channel}", "通知“{reference}”已通过{channel}送达"),
    "notice.unreached": ("Notice “{reference}” did not reach them", "通知“{reference}”未能送达"),
    "invitation.sent": ("Invited to a satisfaction survey", "已邀请参加满意度调查"),
    "invitation.reminded": ("Reminded of a satisfaction survey", "已提醒参加满意度调查"),
    "answer.submitted": ("Answered a satisfaction survey", "已回答满意度调查"),
    "forum.invited": ("Invited to the owners' forum “{reference}” on {held_on}",
                      "已邀请参加{held_on}的业户座谈会“{reference}”"),
}
KINDS = tuple(SUMMARIES)


# The words of the details a summary names: (English, Chinese).
WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "channel": {"sms": ("SMS", "短信"), "email": ("e-mail", "邮件"), "in_app": ("the app", "站内信")},
    "direction": {"inbound": ("inbound", "呼入"), "outbound": ("outbound", "呼出")},
    "outcome": {"answered": ("answered", "已接听"), "missed": ("missed", "未接"), "abandoned": ("abandoned", "放弃"),
                "voicemail": ("voicemail", "语音留言")},
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def summary(kind: str, reference: str | None, details: Mapping[str, Any], language: str) -> str:
    """One line saying what happened, in ``language`` ("zh-CN" or else English)."""
    chinese = language.lower().startswith("zh")
    text = SUMMARIES[kind][1 if chinese else 0]
    words = {name: WORDS[name].get(value, (value, value))[1 if chinese else 0]
             for name, value in details.items() if name in WORDS and isinstance(value, str)}
    return text.format_map(_Blank({**details, **words, "reference": reference or ""}))
