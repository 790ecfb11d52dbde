"""Record before the call, call, mark after: a provider call cannot join a database transaction.

1. ``record`` (in the claim's transaction): one ``provider_calls`` row per planned call, state
   ``calling`` with a lease, and its messages ``sending`` with its ``call_id``; COMMIT.
2. ``make``: renew the lease (only a call still ``calling`` within its lease: a call another replica
   took for a dead one is never made), then call the adapter.
3. ``mark`` (a new transaction): each message's outcome, the call's answer.

A sender killed between 1 and 2 leaves calls ``calling``: when their lease runs out,
``recovery`` asks the provider (``find_sent``) and queues again what it did not take.

**The double-send window.** Between the provider accepting a message and the commit of its mark,
a crash leaves the message ``sending`` although it went. For a provider that can be asked
afterwards (the SMS provider's send-details query, ``find_sent``) recovery finds it and nothing is
sent again. For a provider that cannot be asked (SMTP: ``find_sent`` returns None) recovery queues
it again and it is sent twice. That window is unavoidable; it is kept to one message per crash:
an adapter that delivers several messages one after another in one call (SMTP: one session,
several messages) offers ``send_reporting`` and each message is marked, and committed, as soon as
the server has taken it, so at most the one message in flight when the sender died goes twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from notify.domain import channels
from notify.domain import messages as states
from notify.estate_settings.views import settings_of
from notify.providers.base import Adapter, OutcomeUnknown, Outgoing, SendResult
from notify.receipts.use_cases import sent_with_receipts
from notify.sending import retry
from notify.sending import states as changes
from notify.tables import messages, provider_calls

log = logging.getLogger(__name__)
m, pc = messages.c, provider_calls.c
Clock = Callable[[], datetime]

CALLING, ACCEPTED, REJECTED, UNKNOWN = "calling", "accepted", "rejected", "unknown"
RELEASED = "released"  # recorded but never made (the sender was stopped first): its messages queued again


@dataclass(frozen=True)
class Call:
    id: uuid.UUID
    provider: str
    channel: str
    messages: tuple[Outgoing, ...]
    started_at: datetime


def sign_names(session: Session, rows: Sequence[Mapping[str, Any]]) -> dict[Any, str]:
    """The SMS signature (签名) of each estate of ``rows``: its sending settings', else the default."""
    return {estate: settings_of(session, estate)["sms_sign_name"] for estate in {row["estate_id"] for row in rows}}


def outgoings(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[Outgoing]:
    """``rows`` (messages) as the adapters take them, each SMS with its estate's signature."""
    signs = sign_names(session, rows) if any(row["channel"] == channels.SMS for row in rows) else {}
    return [outgoing(row, signs.get(row["estate_id"], "")) for row in rows]


def outgoing(row: Mapping[str, Any], sign_name: str = "") -> Outgoing:
    return Outgoing(message_id=row["id"], address=row["address"] or "", language=row["language"],
                    subject=row["subject"], body=row["body"], template_code=row["sms_template_code"],
                    params=row["params"] or {}, sign_name=sign_name)


def record(session: Session, adapter: Adapter, rows: Sequence[Mapping[str, Any]], now: datetime, sender: str,
           lease_seconds: float, most: int | None = None) -> list[Call]:
    """Record the calls ``rows`` take (as the adapter plans them, each of at most ``most`` messages),
    each ``calling`` with its lease, and set their messages ``sending``. The caller commits before
    making any."""
    planned_calls = adapter.plan(outgoings(session, rows))
    if most is not None:
        planned_calls = [group[first:first + most] for group in planned_calls for first in range(0, len(group), most)]
    planned = {uuid.uuid4(): tuple(group) for group in planned_calls}
    # Each call's messages in one change, then the calls' rows. No history row for ``sending``: the
    # message's call_id records it, and the mark, or recovery, writes what came of it (sending.states).
    taken = changes.change_into_calls(session, {id_: [o.message_id for o in group] for id_, group in planned.items()},
                                      states.SENDING, now, only_from=states.QUEUED, history=False,
                                      provider=adapter.provider)
    calls = [Call(id_, adapter.provider, adapter.channel, group, now) for id_, group in
             ((id_, tuple(o for o in group if o.message_id in taken)) for id_, group in planned.items()) if group]
    if calls:
        session.execute(insert(provider_calls), [
            {"id": call.id, "provider": adapter.provider, "channel": adapter.channel, "state": CALLING,
             "action": adapter.action_of(call.messages) if hasattr(adapter, "action_of") else adapter.provider,
             "sender": sender, "messages": len(call.messages), "started_at": now,
             "lease_until": now + timedelta(seconds=lease_seconds)} for call in calls])
    return calls


def renew(engine: Engine, call: Call, now: datetime, lease_seconds: float, later: Sequence[Call] = ()) -> bool:
    """Extend ``call``'s lease just before it is made; False when it is no longer ours to make.
    The ``later`` calls recorded with it, still ours (within their lease), are kept ours as long
    (one statement): a round's later calls do not run out of lease while the earlier ones go."""
    with Session(engine) as session, session.begin():
        ours = renew_in(session, call, now, lease_seconds)
        if later:
            session.execute(update(provider_calls).where(pc.id.in_([c.id for c in later]), pc.state == CALLING,
                                                         pc.lease_until > now)
                            .values(lease_until=now + timedelta(seconds=lease_seconds)))
        return ours


def renew_in(session: Session, call: Call, now: datetime, lease_seconds: float) -> bool:
    """:func:`renew` in the caller's transaction (with the provider's budget reserved, say)."""
    return session.execute(update(provider_calls).where(pc.id == call.id, pc.state == CALLING, pc.lease_until > now)
                           .values(lease_until=now + timedelta(seconds=lease_seconds))).rowcount == 1


def make(engine: Engine, adapter: Adapter, call: Call, clock: Clock) -> SendResult | None:
    """Call the adapter; None when the outcome is unknown (the call is left for ``find_sent``).

    An adapter with ``send_reporting`` tells each message taken as it goes, and each is marked then.
    """
    def taken(message_id: uuid.UUID, ref: str | None, delivered: bool) -> None:
        now = clock()
        with Session(engine) as session, session.begin():
            _accept(session, [message_id], {message_id: ref}, None, delivered, now)

    try:
        if hasattr(adapter, "send_reporting"):
            return adapter.send_reporting(call.id, call.messages, taken)
        return adapter.send(call.id, call.messages)
    except Exception as exc:  # OutcomeUnknown, or anything unexpected: it may have gone
        if not isinstance(exc, OutcomeUnknown):
            log.exception("a provider call failed unexpectedly; its outcome is treated as unknown",
                          extra={"call_id": str(call.id), "provider": call.provider})
        with Session(engine) as session, session.begin():
            now = clock()
            session.execute(update(provider_calls).where(pc.id == call.id).values(
                state=UNKNOWN, lease_until=now, finished_at=now, answer=str(exc)[:1000] or type(exc).__name__))
        return None


def mark(session: Session, call: Call, result: SendResult, now: datetime, settings: Any) -> list[str]:
    """Each message's outcome and the call's answer; returns the provider refs of what was taken."""
    # Ids only: a call takes up to 1,000 messages, and only a refused or untold one needs its whole row.
    taken = set(session.execute(select(m.id).where(m.call_id == call.id, m.state == states.SENDING)).scalars())
    if result.throttled:
        changes.change(session, list(taken), states.QUEUED, now, code="throttled", only_from=states.SENDING,
                       call_id=None, next_attempt_at=now + timedelta(seconds=result.retry_after))
        _answer(session, call, REJECTED, result, now, "throttled")
        return []
    on_postgres = session.get_bind().dialect.name == "postgresql"
    if call.channel == channels.SMS and not result.delivered_on_send and on_postgres:
        # Sent, or delivered at once where the receipt came before this mark: one write of each message.
        numbers = {o.message_id: o.address for o in call.messages}
        sent_with_receipts(session, call.id, {id_: (numbers.get(id_, ""), ref or result.provider_ref)
                                              for id_, ref in result.accepted.items()}, now)
    else:
        _accept(session, list(result.accepted), result.accepted, result.provider_ref, result.delivered_on_send, now)
    answered = set(result.accepted) | {r.message_id for r in result.rejected}
    others = sorted({r.message_id for r in result.rejected} & taken | (taken - answered))
    rows = {row["id"]: row for row in session.execute(select(messages).where(m.id.in_(others))).mappings()} \
        if others else {}
    for rejected in result.rejected:
        row = rows.get(rejected.message_id)
        if row is None:
            continue
        if rejected.permanent:
            retry.fail(session, row, now, rejected.code, rejected.reason, row["attempts"] + 1)
        else:
            retry.temporary_failure(session, row, now, settings, rejected.code, rejected.reason)
    for id_, row in rows.items():
        if id_ not in answered:  # the adapter said nothing of it: not taken
            retry.temporary_failure(session, row, now, settings, "not_taken", "the provider did not take it")
    _answer(session, call, ACCEPTED if result.accepted else REJECTED, result, now,
            result.rejected[0].code if result.rejected and not result.accepted else "OK")
    return [ref for ref in {*(r for r in result.accepted.values() if r), result.provider_ref} if ref]


def release(engine: Engine, unmade: Sequence[Call], now: datetime) -> None:
    """Calls recorded but not made (the sender is stopping): their messages queued again at once."""
    if not unmade:
        return
    ids = [call.id for call in unmade]
    with Session(engine) as session, session.begin():
        session.execute(update(provider_calls).where(pc.id.in_(ids), pc.state == CALLING)
                        .values(state=RELEASED, finished_at=now))
        sending = list(session.execute(select(m.id).where(m.call_id.in_(ids), m.state == states.SENDING)).scalars())
        changes.change(session, sending, states.QUEUED, now, code="released", only_from=states.SENDING, call_id=None)


def _accept(session: Session, ids: Sequence[uuid.UUID], refs: Mapping[uuid.UUID, str | None], call_ref: str | None,
            delivered: bool, now: datetime) -> None:
    """Mark what the provider took: one statement per provider ref (a call of 1,000 numbers shares
    one BizId), not one per message."""
    by_ref: dict[str | None, list[uuid.UUID]] = {}
    for id_ in ids:
        by_ref.setdefault(refs.get(id_) or call_ref, []).append(id_)
    for ref, group in by_ref.items():
        values: dict[str, Any] = {"provider_ref": ref, "sent_at": now, "attempts": m.attempts + 1}
        if delivered:
            values["delivered_at"] = now
        changes.change(session, group, states.DELIVERED if delivered else states.SENT, now, only_from=states.SENDING,
                       **values)


def _answer(session: Session, call: Call, state: str, result: SendResult, now: datetime, code: str) -> None:
    session.execute(update(provider_calls).where(pc.id == call.id).values(
        state=state, finished_at=now, provider_ref=result.provider_ref, request_id=result.request_id,
        answer_code=code[:100], answer=_summary(result)))


def _summary(result: SendResult) -> str:
    parts = [f"{len(result.accepted)} taken"]
    parts += [f"{r.message_id}: {r.code} {r.reason}" for r in result.rejected[:5]]
    return "; ".join(parts)[:1000]
