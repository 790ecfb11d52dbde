"""The events notify records (each through the outbox, in the transaction of its change), and the
payload of each.

Their payloads are documented in ``contracts/events/<type>.json`` and ``contracts/asyncapi.yaml``.
Notify publishes notice-level facts and the one per-recipient fact other systems act on (a
household that could not be reached over any channel: the call centre phones it); it does not
publish an event per message sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from notify.domain.notices import SENT

# The CloudEvents source of everything notify publishes (what ``SERVICE.source`` derives from its
# name), for the sender's steps that write the outbox without a unit of work.
SOURCE = "/estatedesk/notify"

NOTICE_SCHEDULED = "notify.notice.scheduled.v1"
NOTICE_STARTED = "notify.notice.started.v1"  # audience resolved, messages queued
NOTICE_PAUSED = "notify.notice.paused.v1"
NOTICE_RESUMED = "notify.notice.resumed.v1"
NOTICE_CANCELLED = "notify.notice.cancelled.v1"
NOTICE_RESENT = "notify.notice.resent.v1"  # new messages to the not reached; a sent notice is sending again
NOTICE_COMPLETED = "notify.notice.completed.v1"  # every message final; with the totals
RECIPIENT_UNREACHED = "notify.recipient.unreached.v1"  # every channel failed, or only an unread in-app message
RECIPIENTS_REACHED = "notify.recipients.reached.v1"  # whom a completed notice reached, and over which channel, in parts

EVENT_TYPES = (NOTICE_SCHEDULED, NOTICE_STARTED, NOTICE_PAUSED, NOTICE_RESUMED, NOTICE_CANCELLED, NOTICE_RESENT,
               NOTICE_COMPLETED, RECIPIENT_UNREACHED, RECIPIENTS_REACHED)

# How many recipients one ``notify.recipients.reached.v1`` names at most: a notice to 100,000 households
# is 100 events, not 100,000.
REACHED_PART_SIZE = 1000


def notice_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    """The whole notice, as every ``notify.notice.*.v1`` event but ``completed`` carries it."""
    return {
        "id": str(row["id"]), "estate_id": str(row["estate_id"]), "purpose": row["purpose"],
        "urgent": bool(row["urgent"]), "title": row["title"], "channels": list(row["channels"]),
        "status": row["status"], "send_at": _time(row.get("send_at")),
        "series_id": _text(row.get("series_id")), "recipients_count": row["recipients_count"],
        "estimated_segments": row["estimated_segments"], "estimated_cost_fen": row["estimated_cost_fen"],
        "version": row["version"],
    }


def completed_payload(notice: Mapping[str, Any], totals: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """``notify.notice.completed.v1``: the notice ``sent`` at ``now`` (its version moved on), with its totals."""
    return {"notice_id": str(notice["id"]), "estate_id": str(notice["estate_id"]), "title": notice["title"],
            "purpose": notice["purpose"], "status": SENT, "series_id": _text(notice["series_id"]),
            "started_at": _time(notice["started_at"]), "finished_at": _time(now), "version": notice["version"] + 1,
            "totals": {"messages": totals["messages"], "by_channel": totals["by_channel"],
                       "recipients": totals["recipients"], "reached_by_channel": totals["reached_by_channel"],
                       "unread_in_app": totals["unread_in_app"]}}


def unreached_payload(notice: Mapping[str, Any], recipient: Mapping[str, Any], reason: str) -> dict[str, Any]:
    """``notify.recipient.unreached.v1``: a recipient of ``notice`` no channel reached, and why."""
    return {"notice_id": str(notice["id"]), "estate_id": str(notice["estate_id"]), "title": notice["title"],
            "recipient_id": str(recipient["id"]), "person_id": _text(recipient["person_id"]),
            "unit_id": _text(recipient["unit_id"]), "unit_label": recipient["unit_label"], "name": recipient["name"],
            "language": recipient["language"], "reason": reason, "failures": recipient["failures"]}


def reached_payload(notice: Mapping[str, Any], part: int, parts: int,
                    reached: list[Mapping[str, Any]]) -> dict[str, Any]:
    """``notify.recipients.reached.v1``: one part of the people a completed notice reached."""
    return {"notice_id": str(notice["id"]), "estate_id": str(notice["estate_id"]), "title": notice["title"],
            "purpose": notice["purpose"], "part": part, "parts": parts,
            "recipients": [{"person_id": str(r["person_id"]), "unit_id": _text(r["unit_id"]), "channel": r["channel"]}
                           for r in reached]}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
