"""SMS whose receipt never came: asked about, then final either way, so every notice completes.

A provider pushes a receipt for each SMS within minutes; some never come (the provider's pushes
gave up while notify's database was down, a report lost on the way). A message ``sent`` longer
ago than the provider's receipt window (``sms_receipt_window_seconds``) is asked about with the
provider's send-details query (:meth:`notify.providers.base.Adapter.send_details`, Aliyun's
``QuerySendDetails``): ``delivered`` or ``failed`` as it says (a failure falls back to the
recipient's next channel, as a failure receipt does). Failing that (the provider knows no report,
or cannot be asked) it ends ``no_receipt``: final, not reached, shown in the totals. A query that
fails is asked again a window later, and after three windows the message ends ``no_receipt``
without asking. Messages are taken ``FOR UPDATE SKIP LOCKED``: two senders never ask twice.

The sender looks again only at :func:`next_due`, the earliest a ``sent`` SMS can be due: looking
walks every ``sent`` SMS (no index serves it), about 20 ms of PostgreSQL at 200,000 messages, and
each of two senders polling every 50 ms while idle did it each round, for nothing: a message sent
now is due a window (30 minutes) later.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from notify.domain import channels
from notify.domain import messages as states
from notify.providers.base import DELIVERED, FAILED, Adapter, Delivery, OutcomeUnknown
from notify.sending import calls
from notify.sending import states as changes
from notify.sending.fallback import fall_back
from notify.tables import messages

log = logging.getLogger(__name__)
m = messages.c
ASK_LIMIT = 200  # messages asked about per round: one query each
GIVE_UP_AFTER = 3  # windows after which a message nobody could ask about ends no_receipt unasked


def settle_silent(engine: Engine, adapters: Mapping[str, Adapter], now: datetime, settings: Any,
                  limit: int = ASK_LIMIT) -> int:
    """Settle the SMS ``sent`` longer than the receipt window ago with no receipt; returns how many
    were settled (delivered, failed or no_receipt). Committed."""
    window = timedelta(seconds=settings.sms_receipt_window_seconds)
    with Session(engine) as session, session.begin():
        rows = list(session.execute(
            select(messages).where(m.channel == channels.SMS, m.state == states.SENT, m.sent_at <= now - window,
                                   m.next_attempt_at <= now)
            .order_by(m.sent_at).limit(limit).with_for_update(skip_locked=True)).mappings())
        by_call: dict[tuple[str | None, Any], list[Mapping[str, Any]]] = {}
        for row in rows:
            by_call.setdefault((row["provider"], row["call_id"]), []).append(row)
        settled = 0
        for (provider, call_id), group in by_call.items():
            settled += _settle_call(session, adapters, provider, call_id, group, now, window)
        return settled


def _settle_call(session: Session, adapters: Mapping[str, Adapter], provider: str | None, call_id: Any,
                 rows: list[Mapping[str, Any]], now: datetime, window: timedelta) -> int:
    adapter = next((a for a in adapters.values() if a.provider == provider), None)
    ask = getattr(adapter, "send_details", None)
    sent_at = min(row["sent_at"] for row in rows)
    said: dict[Any, Delivery] | None = None
    if ask is not None and call_id is not None and now - sent_at < window * GIVE_UP_AFTER:
        try:
            said = ask(call_id, calls.outgoings(session, rows), sent_at)
        except OutcomeUnknown as exc:  # asked again a window later
            log.info("the send-details query failed; asking again later", extra={"call_id": str(call_id),
                                                                                 "error": str(exc)[:200]})
            changes.change(session, [row["id"] for row in rows], states.SENT, now, code="send_details_unknown",
                           detail=str(exc)[:500], only_from=states.SENT, next_attempt_at=now + window)
            return 0
    for row in rows:
        delivery = (said or {}).get(row["id"])
        if delivery is not None and delivery.state == DELIVERED:
            changes.change(session, [row["id"]], states.DELIVERED, now, code=delivery.code or "DELIVERED",
                           detail="reported by the send-details query", only_from=states.SENT,
                           delivered_at=delivery.at or now)
        elif delivery is not None and delivery.state == FAILED:
            if changes.change(session, [row["id"]], states.FAILED, now, code=delivery.code,
                              detail=delivery.reason, only_from=states.SENT, failure_code=delivery.code[:100],
                              failure_reason=(delivery.reason or delivery.code)[:500]):
                fall_back(session, row, now)
        else:
            why = ("the provider cannot be asked" if said is None
                   else "the send-details query has no report of it")
            changes.change(session, [row["id"]], states.NO_RECEIPT, now, code="no_receipt",
                           detail=f"no receipt within the provider's receipt window; {why}", only_from=states.SENT)
    return len(rows)


def next_due(engine: Engine, now: datetime, settings: Any) -> datetime:
    """The earliest moment a ``sent`` SMS can be due for :func:`settle_silent`: never later than any
    is (each is due at the later of its ``sent_at`` + the window and its ``next_attempt_at``, so the
    later of the two minima is a bound), ``now`` + the window when none is ``sent`` (one sent from
    now on is due no sooner)."""
    window = timedelta(seconds=settings.sms_receipt_window_seconds)
    with engine.connect() as conn:
        first_sent, first_attempt = conn.execute(select(func.min(m.sent_at), func.min(m.next_attempt_at)).where(
            m.channel == channels.SMS, m.state == states.SENT)).one()
    if first_sent is None:
        return now + window
    bound = first_sent + window
    return min(max(bound, first_attempt) if first_attempt is not None else bound, now + window)
