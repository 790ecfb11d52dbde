"""Settling calls whose outcome is unknown before anything of them is sent again.

Two kinds: calls left ``calling`` past their ``lease_until`` (the sender that recorded them died,
or was cut off from the database) and calls marked ``unknown`` (a timeout, a connection lost
mid-call). For each, the provider is asked (``adapter.find_sent``): what it has is ``sent`` (with
its ref); what it does not have is queued again; when it cannot be asked (``None``: SMTP), all of
it is queued again and counted in the log as possible duplicates (the named window of
``notify.sending.calls``). Calls are taken ``FOR UPDATE SKIP LOCKED``, so two replicas never settle
one call twice, and a sender still making a call it renewed is never overtaken (``calls.renew``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from notify.domain import messages as states
from notify.providers.base import Adapter, OutcomeUnknown
from notify.sending import calls
from notify.sending import states as changes
from notify.tables import messages, provider_calls

log = logging.getLogger(__name__)
m, pc = messages.c, provider_calls.c
ASK_AGAIN = timedelta(seconds=30)


@dataclass(frozen=True)
class Settled:
    calls: int = 0
    found: int = 0
    requeued: int = 0
    possible_duplicates: int = 0


def _open(now: datetime, limit: int) -> Any:
    open_ = or_(pc.state == calls.CALLING, pc.state == calls.UNKNOWN)
    return (select(provider_calls).where(open_, pc.lease_until < now)
            .order_by(pc.lease_until).limit(limit).with_for_update(skip_locked=True))


def recover(engine: Engine, adapters: Mapping[str, Adapter], now: datetime, *, limit: int = 100,
            after_found: Callable[[Session, list[str], datetime], object] | None = None) -> Settled:
    """Settle the open calls whose lease ran out at ``now``, a call per transaction."""
    total = Settled()
    for _ in range(limit):
        with Session(engine) as session, session.begin():
            call = session.execute(_open(now, 1)).mappings().first()
            if call is None:
                break
            one = _settle(session, call, adapters, now, after_found)
        total = Settled(total.calls + 1, total.found + one.found, total.requeued + one.requeued,
                        total.possible_duplicates + one.possible_duplicates)
    return total


def _settle(session: Session, call: Mapping[str, Any], adapters: Mapping[str, Adapter], now: datetime,
            after_found: Callable[[Session, list[str], datetime], object] | None) -> Settled:
    rows = list(session.execute(select(messages).where(m.call_id == call["id"], m.state == states.SENDING)).mappings())
    adapter = next((a for a in adapters.values() if a.provider == call["provider"]), None)
    if adapter is None:  # this sender has no adapter of that provider: another replica settles it
        return Settled()
    try:
        sent = adapter.find_sent(call["id"], calls.outgoings(session, rows), call["started_at"]) if rows else {}
    except OutcomeUnknown:  # the provider could not be asked just now: nothing is resent, ask again later
        session.execute(update(provider_calls).where(pc.id == call["id"]).values(
            lease_until=now + ASK_AGAIN, answer="the provider's send details could not be read; asking again"))
        return Settled()
    found = dict(sent or {})
    for id_, ref in found.items():
        changes.change(session, [id_], states.SENT, now, code="found", detail="the provider has it (find_sent)",
                       only_from=states.SENDING, provider_ref=ref or call["provider_ref"], sent_at=now,
                       attempts=m.attempts + 1)
    lost = [row["id"] for row in rows if row["id"] not in found]
    reason = ("the provider cannot be asked; sent again (possibly twice)" if sent is None
              else "the provider does not have it")
    changes.change(session, lost, states.QUEUED, now, code="unknown_outcome", detail=reason, only_from=states.SENDING,
                   call_id=None, next_attempt_at=now)
    session.execute(update(provider_calls).where(pc.id == call["id"]).values(
        state=calls.ACCEPTED if found else calls.REJECTED, finished_at=now,
        answer_code="found" if found else ("unknowable" if sent is None else "not_found"),
        answer=f"settled after {call['state']}: {len(found)} found, {len(lost)} queued again"))
    if found and after_found is not None:
        # find_sent may name the call itself (Aliyun's query has no BizId; receipts carry the call as OutId).
        after_found(session, sorted({str(call["id"]), *(ref for ref in found.values() if ref)}), now)
    duplicates = len(lost) if sent is None else 0
    if duplicates:
        log.warning("messages of a call with an unknowable outcome sent again: possible duplicates",
                    extra={"call_id": str(call["id"]), "provider": call["provider"], "possible_duplicates": duplicates})
    return Settled(1, len(found), len(lost), duplicates)
