"""Resend a notice to its not-reached recipients over another channel (e.g. the households whose
SMS failed, by e-mail).

Only recipients every message of whom is final and none reached them are resent to (a recipient
with a message still on its way is not: it may yet arrive; one whose in-app message lies unread is,
since an unread message reached nobody), never an excluded one (opted out, no contact point), and
only those with an address for the channel. Each gets a new queued message
over the channel, ``fallback_of`` its last failed message, rendered from the notice's template for
that channel (a non-urgent SMS waits for the end of quiet hours). A ``sent`` notice goes back to
``sending`` (its version moves on, so a completion running at the same time does not close it under
the new messages) and is completed again when they are final; every resend records
``notify.notice.resent.v1`` with the notice as it is now, so other systems see it sending again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from notify import events
from notify.domain import channels
from notify.domain import notices as statuses
from notify.estate_settings.views import settings_of
from notify.events import notice_payload
from notify.notices.composing import notice_message
from notify.tables import message_history, messages, notices, recipients, templates
from notify.tracking import kept_reach
from notify.tracking.outcomes import per_recipient, to_chase
from servicekit.errors import Conflict, Invalid
from servicekit.rows import get_row
from servicekit.unit_of_work import UnitOfWork

RESEND_CHANNELS = (channels.SMS, channels.EMAIL, channels.IN_APP)


def _address(recipient: dict[str, Any], channel: str) -> str | None | bool:
    """The recipient's address over ``channel``; True for in_app (no address, a person needed)."""
    if channel == channels.SMS:
        return recipient["mobile"] or None
    if channel == channels.EMAIL:
        return recipient["email"] or None
    return True if recipient["person_id"] else None


def resend(uow: UnitOfWork, notice_id: UUID, channel: str, recipient_ids: list[UUID] | None,
           now: datetime) -> dict[str, Any]:
    """Queue ``channel`` messages for the notice's not-reached recipients (or those of
    ``recipient_ids`` among them); :class:`Invalid` when none can be, :class:`Conflict` when the
    notice was cancelled."""
    if channel not in RESEND_CHANNELS:
        raise Invalid("a notice is resent by sms, email or in_app", "通知只能通过短信、邮件或站内信重发",
                      errors={"json": {"channel": [f"must be one of {', '.join(RESEND_CHANNELS)}"]}})
    with uow:
        notice = get_row(uow, notices, notice_id, "notice", what_zh="通知", lock=True)
        if notice["status"] == statuses.CANCELLED:
            raise Conflict("the notice was cancelled: it is not resent", "通知已取消，不能重发")
        candidates = _candidates(uow, notice_id, recipient_ids)
        skipped = [{"recipient_id": r["id"], "reason": "no_address"} for r in candidates
                   if not _address(r, channel)]
        chosen = [r for r in candidates if _address(r, channel)]
        if not chosen:
            raise Invalid(f"no recipient of this notice can be resent to over {channel}: every one was "
                          "reached, has a message still on its way, or has no address for it",
                          "没有可通过该渠道重发的收件人：均已送达、仍在发送中，或没有该渠道的联系方式",
                          errors={"json": {"channel": ["no not-reached recipient has an address for it"]}})
        last = _last_messages(uow, notice_id, [r["id"] for r in chosen])
        template = get_row(uow, templates, notice["template_id"], "template", what_zh="模板")
        local = settings_of(uow, notice["estate_id"])
        made = [notice_message(notice, template, r, channel, local, now, code="resend",
                               fallback_of=(last.get(r["id"]) or {}).get("id"), detail=f"resent over {channel}")
                for r in chosen]
        rows = [row for row, _ in made]
        uow.execute(insert(messages), rows)
        uow.execute(insert(message_history), [first for _, first in made])
        status = statuses.SENDING if notice["status"] == statuses.SENT else notice["status"]
        values = {"status": status, "version": notice["version"] + 1}
        # Sending again: its reach is counted until it completes again (notify.tracking.kept_reach).
        uow.execute(update(notices).where(notices.c.id == notice_id).values({**values, **kept_reach.FORGOTTEN}))
        uow.record(events.NOTICE_RESENT, notice_id,
                   {"notice": notice_payload({**notice, **values}), "channel": channel, "queued": len(rows)})
        uow.commit()
    return {"notice_id": notice_id, "channel": channel, "queued": len(rows),
            "messages": [{"recipient_id": m["recipient_id"], "message_id": m["id"], "fallback_of": m["fallback_of"]}
                         for m in rows], "skipped": skipped}


def _candidates(uow: UnitOfWork, notice_id: UUID, recipient_ids: list[UUID] | None) -> list[dict[str, Any]]:
    """The notice's recipients not reached over any channel, with nothing on its way to them."""
    agg = per_recipient(notice_id)
    statement = (select(recipients).select_from(recipients.outerjoin(agg, agg.c.recipient_id == recipients.c.id))
                 .where(recipients.c.notice_id == notice_id, to_chase(agg))
                 .order_by(recipients.c.id))
    if recipient_ids is not None:
        known = {r for (r,) in uow.execute(select(recipients.c.id).where(
            recipients.c.notice_id == notice_id, recipients.c.id.in_(recipient_ids)))}
        unknown = sorted(str(r) for r in set(recipient_ids) - known)
        if unknown:
            raise Invalid("these are not recipients of this notice", "所选人员不是该通知的收件人",
                          errors={"json": {"recipients": [f"not a recipient of this notice: {', '.join(unknown)}"]}})
        statement = statement.where(recipients.c.id.in_(recipient_ids))
    return [dict(r) for r in uow.execute(statement).mappings()]


def _last_messages(uow: UnitOfWork, notice_id: UUID, recipient_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    """Each recipient's latest message (the one the resend stands in for)."""
    last: dict[UUID, dict[str, Any]] = {}
    chosen = set(recipient_ids)
    statement = (select(messages).where(messages.c.notice_id == notice_id)
                 .order_by(messages.c.queued_at, messages.c.id))
    for message in uow.execute(statement).mappings():
        if message["recipient_id"] in chosen:
            last[message["recipient_id"]] = dict(message)
    return last
