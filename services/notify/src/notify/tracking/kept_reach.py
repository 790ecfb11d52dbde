"""A completed notice's reach, kept on the notice: an estate's reach (its dashboard) adds up three
numbers per finished notice instead of counting all its recipients and messages, so it costs the
same for 2,000 households as for 200,000. Kept: its recipients (the excluded among them), the
excluded, and the recipients reached (``notices.kept_*``; null while it is not complete: counted).

* :func:`keep`: the completion writes them from the counts it makes for its completed event (no
  count of its own), in the transaction that closes the notice.
* :func:`count_late_reads`: once a notice is complete every message of it is final, and the one
  change left that reaches a recipient is an in-app message read (a late SMS receipt changes
  nothing, see notify.receipts). A read that reaches a recipient no other message of theirs reached
  adds one to the notice's kept reached. The notices are locked first, in id order, so a completion
  counting one at the same time skips it (SKIP LOCKED: closed on a later round, the read counted)
  or is waited for (the read then added), and two reads of one recipient at once count once.
* :data:`FORGOTTEN`: a resend makes a notice sending again; its kept reach goes (counted until it
  completes again, when it is kept anew).

Nothing is added to the sending path: a message queued, sent, delivered or failed touches no notice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from uuid import UUID

from sqlalchemy import select, update

from notify.tables import messages, notices
from notify.tracking.outcomes import reaching
from servicekit.rows import Executes

FORGOTTEN = {"kept_recipients": None, "kept_excluded": None, "kept_reached": None}


def keep(session: Executes, notice_id: UUID, recipients: Mapping[str, int]) -> None:
    """Keep the reach of a notice being completed from its recipients' counts (``total``, ``excluded``,
    ``reached`` of :func:`notify.tracking.views.totals`)."""
    session.execute(update(notices).where(notices.c.id == notice_id).values(
        kept_recipients=recipients["total"], kept_excluded=recipients["excluded"], kept_reached=recipients["reached"]))


def count_late_reads(session: Executes, read: Iterable[tuple[UUID, UUID | None, UUID | None]]) -> None:
    """Add to the kept reached of completed notices the recipients these in-app messages, just read in
    this transaction (``(message id, notice id, recipient id)``), were the first to reach."""
    by_recipient: dict[tuple[UUID, UUID], list[UUID]] = {}
    for message_id, notice_id, recipient_id in read:
        if notice_id is not None and recipient_id is not None:
            by_recipient.setdefault((notice_id, recipient_id), []).append(message_id)
    if not by_recipient:
        return
    session.execute(select(notices.c.id).where(notices.c.id.in_(sorted({n for n, _ in by_recipient})))
                    .order_by(notices.c.id).with_for_update())
    for (notice_id, recipient_id), ids in sorted(by_recipient.items()):
        reached_before = select(messages.c.id).where(
            messages.c.notice_id == notice_id, messages.c.recipient_id == recipient_id, messages.c.id.not_in(ids),
            reaching()).exists()
        session.execute(update(notices).where(notices.c.id == notice_id, notices.c.kept_reached.is_not(None),
                                              ~reached_before)
                        .values(kept_reached=notices.c.kept_reached + 1))
