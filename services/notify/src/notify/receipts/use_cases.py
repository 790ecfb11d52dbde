"""What becomes of the delivery receipts an SMS provider pushes: stored once each by the web
process, applied to the message they report by the sender.

A receipt names the provider's id of the call (Aliyun's BizId), our call id (its OutId), the
number and the outcome. **Stored** (:func:`store`, the receipts callback): the whole pushed batch
in one statement, committed, answered; nothing else happens in the request, so a storm of receipts
(10,000 in one push, or many pushes at once) never waits for message rows, never makes the
provider time out and push again, and never slows the rest of the API. The unique constraint
(provider, provider_ref, address, code) makes a pushed-again receipt change nothing.

**Applied** (:func:`apply_received`, each round of ``notify send``): stored, unapplied receipts in
batches, to the message of that call and number that was marked ``sent``: ``delivered``, or
``failed`` with the provider's code and reason (and then the fallback to the recipient's next
channel), each with its ``message_history`` row; deliveries in one statement per batch.

A receipt can arrive before the sender has marked its call (the message still ``sending``, its
provider ref unknown): it is kept unapplied. On PostgreSQL the mark itself applies the successful
ones (:func:`sent_with_receipts`: the message goes from ``sending`` to ``delivered`` in one write);
:func:`apply_pending`, which the sender calls after marking a call, applies the rest. A receipt
whose message was locked (a sender marking it that moment) or that names no message of ours is
looked at again ``RECHECK`` later, so it never holds up the batches behind it.

Locks: receipts are taken ``FOR UPDATE SKIP LOCKED`` and their marked messages too (two senders
share the work, neither waits); a message still ``queued`` or ``sending`` is only read, never
locked, so a sender marking its call never waits for a batch of receipts; :func:`apply_pending`
runs in the transaction of the mark, which holds the call's messages.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from notify.domain import channels
from notify.domain import messages as states
from notify.sending.fallback import fall_back
from notify.sending.states import among, change
from notify.tables import message_history, messages, receipts
from servicekit.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Receipt:
    provider_ref: str
    address: str
    success: bool
    code: str
    detail: str | None
    out_id: str | None
    reported_at: datetime | None


@dataclass
class Outcome:
    applied: int = 0  # applied to their message now
    pending: int = 0  # kept until their call is marked
    unsettled: list[UUID] = field(default_factory=list)  # not applied now: looked at again later
    waiting: list[UUID] = field(default_factory=list)  # of those, the ones whose call is not marked yet


# A receipt that could not be applied (its call not marked, its message locked that moment or unknown)
# is looked at again this much later, so it never holds up the batches behind it.
RECHECK = timedelta(seconds=5)
# One waiting for its call's mark sooner: the mark applies it, unless this batch held it that
# moment (another sender's batch: the mark skips locked receipts), and then the next look does.
MARK_RECHECK = timedelta(seconds=1)
APPLY_BATCH = 5000  # receipts applied per transaction


def store(uow: UnitOfWork, provider: str, batch: Sequence[Receipt], now: datetime) -> int:
    """Store ``provider``'s pushed ``batch`` in one statement, committed; a receipt stored before
    (pushed again) changes nothing. Returns how many were new. The sender applies them."""
    with uow:
        stored = _store(uow.session, provider, batch, now)
        uow.commit()
    return stored


def apply_received(session: Session, now: datetime, limit: int = APPLY_BATCH) -> int:
    """Apply up to ``limit`` stored, unapplied receipts to their messages (not committed); returns
    how many were looked at (``limit``: there may be more). Those that could not be applied now (their
    call not marked yet, their message locked or unknown) are looked at again ``RECHECK`` later
    (``MARK_RECHECK``: those waiting for their call's mark)."""
    due = (receipts.c.applied_at.is_(None), or_(receipts.c.check_after.is_(None), receipts.c.check_after <= now))
    rows = session.execute(
        select(receipts).where(*due).order_by(receipts.c.received_at).limit(limit)
        .with_for_update(skip_locked=True)).all()
    if not rows:
        return 0
    outcome = Outcome()
    _apply_many(session, [(row.id, _receipt_of(row)) for row in rows], now, outcome, wait=False)
    waiting = set(outcome.waiting)
    for ids, later in (([i for i in outcome.unsettled if i not in waiting], RECHECK), (outcome.waiting, MARK_RECHECK)):
        if ids:
            session.execute(update(receipts).where(among(session, receipts.c.id, ids), receipts.c.applied_at.is_(None))
                            .values(check_after=now + later))
    return len(rows)


def _apply_many(session: Session, stored: list[tuple[UUID, Receipt]], now: datetime, outcome: Outcome, *,
                wait: bool) -> None:
    """Apply stored receipts: deliveries of known calls in a few statements, the rest one by one
    (``wait``: for a locked message; else it is left ``unsettled``)."""
    found = _messages_of_calls(session, [receipt for _, receipt in stored])
    delivered: list[tuple[UUID, Any, Receipt]] = []
    for row_id, receipt in stored:
        message = found.get(_call_and_number(receipt))
        if message is not None and message.state in (states.QUEUED, states.SENDING):
            outcome.pending += 1
            outcome.unsettled.append(row_id)
            outcome.waiting.append(row_id)
        elif message is not None and message.state == states.SENT and receipt.success:
            delivered.append((row_id, message, receipt))
        else:  # a failure, a message already final, or none found (or locked): one by one
            done = _apply(session, row_id, receipt, now, wait=wait)
            if done == _APPLIED:
                outcome.applied += 1
            elif done == _WAITING:
                outcome.pending += 1
                outcome.unsettled.append(row_id)
                outcome.waiting.append(row_id)
            else:
                outcome.unsettled.append(row_id)
    outcome.applied += _deliver(session, delivered, now)


def _store(session: Session, provider: str, batch: Sequence[Receipt], now: datetime) -> int:
    """Insert the receipts of ``batch`` not stored before, in one statement; how many were new.
    On PostgreSQL the batch travels as one JSON parameter (``jsonb_to_recordset``): 10,000 receipts
    are far past the 65,535 parameters a statement may bind."""
    if not batch:
        return 0
    stamps = {at: at.isoformat() for at in {r.reported_at for r in batch} if at is not None}  # a push shares a few
    rows = [{"provider_ref": r.provider_ref, "out_id": r.out_id, "address": r.address, "success": r.success,
             "code": r.code, "detail": r.detail, "reported_at": stamps.get(r.reported_at)} for r in batch]
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(_STORE_POSTGRES, {"rows": json.dumps(rows, ensure_ascii=False), "provider": provider,
                                                 "now": now}).rowcount
    # SQLite: one statement, executed per row (OR IGNORE: the unique constraint leaves duplicates out).
    before = session.execute(select(func.count()).select_from(receipts)).scalar_one()
    session.execute(sqlite.insert(receipts).on_conflict_do_nothing(), [
        {**row, "id": uuid.uuid4(), "provider": provider, "received_at": now, "reported_at": r.reported_at}
        for row, r in zip(rows, batch, strict=True)])
    return session.execute(select(func.count()).select_from(receipts)).scalar_one() - before


_STORE_POSTGRES = text("""
    INSERT INTO receipts (id, provider, provider_ref, out_id, address, success, code, detail, reported_at, received_at)
    SELECT gen_random_uuid(), :provider, r.provider_ref, r.out_id, r.address, r.success, r.code, r.detail,
           r.reported_at, :now
    FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(provider_ref text, out_id text, address text,
                                                       success boolean, code text, detail text,
                                                       reported_at timestamptz)
    ON CONFLICT (provider, provider_ref, address, code) DO NOTHING""")


def _call_and_number(receipt: Receipt) -> tuple[UUID, str] | None:
    call_id = _uuid(receipt.out_id)
    return None if call_id is None else (call_id, receipt.address)


def _messages_of_calls(session: Session, batch: list[Receipt]) -> dict[tuple[UUID, str], Any]:
    """The SMS each receipt of a known call reports (a number is in a call once). Those whose call
    is marked are locked (a row another transaction holds is skipped: its receipt takes the
    one-by-one path); those still queued or sending are read, never locked, so a sender marking
    their call never waits for this transaction (their receipts wait for the mark).

    The unmarked are read first, the marked locked after: a message whose mark another sender
    commits between the two statements is found by one of them (first ``sending``, then ``sent``,
    the later row kept). The other way round it was in neither, and with two senders a whole
    call's receipts (1,000) went one by one, two queries each."""
    keys = {key for key in map(_call_and_number, batch) if key is not None}
    if not keys:
        return {}
    query = select(*_RECEIPTS_READ).where(messages.c.channel == channels.SMS,
                                   among(session, messages.c.call_id, sorted({call for call, _ in keys})),
                                   among(session, messages.c.address, sorted({number for _, number in keys})))
    unmarked = messages.c.state.in_(_UNMARKED)
    rows = [*session.execute(query.where(unmarked)),
            *session.execute(query.where(~unmarked).with_for_update(skip_locked=True))]
    return {(row.call_id, row.address): row for row in rows if (row.call_id, row.address) in keys}


_UNMARKED = (states.QUEUED, states.SENDING)  # a receipt of such a message waits for its call's mark
# What applying a batch of receipts reads of their messages (5,000 a batch: not the bodies and params).
_RECEIPTS_READ = (messages.c.id, messages.c.call_id, messages.c.address, messages.c.state, messages.c.provider_ref)


def _deliver(session: Session, delivered: list[tuple[UUID, Any, Receipt]], now: datetime) -> int:
    """Mark ``delivered`` messages (each ``sent``, locked) and their receipts applied: one
    statement per delivery time and code (a message and its history: one on PostgreSQL), then the
    receipts in one."""
    if not delivered:
        return 0
    groups: dict[tuple[Any, ...], list[UUID]] = {}
    for _, message, receipt in delivered:
        key = (receipt.reported_at or now, _new_ref(message, receipt), receipt.code, receipt.detail)
        groups.setdefault(key, []).append(message.id)
    for (at, new_ref, code, detail), ids in groups.items():
        values: dict[str, Any] = {"delivered_at": at}
        if new_ref is not None:
            values["provider_ref"] = new_ref  # the BizId, where only the OutId was known
        change(session, ids, states.DELIVERED, now, code=code, detail=detail, only_from=states.SENT, **values)
    session.execute(update(receipts).where(among(session, receipts.c.id, [row_id for row_id, _, _ in delivered]))
                    .values(applied_at=now))
    return len(delivered)


def _new_ref(message: Any, receipt: Receipt) -> str | None:
    """The receipt's BizId where the message knows only the OutId (or nothing); else None (kept)."""
    return receipt.provider_ref if message.provider_ref in (None, receipt.out_id) else None





def apply_pending(session: Session, provider_refs: Iterable[str] | None, now: datetime) -> int:
    """Apply the kept receipts of the calls just marked: ``provider_refs`` names them by the
    provider's id (BizId) or by our call id (OutId); ``None`` tries every unapplied receipt.
    Returns how many were applied. Runs in the caller's transaction (not committed)."""
    query = select(receipts).where(receipts.c.applied_at.is_(None))
    if provider_refs is not None:
        refs = sorted({str(ref) for ref in provider_refs if ref})
        if not refs:
            return 0
        query = query.where(or_(receipts.c.provider_ref.in_(refs), receipts.c.out_id.in_(refs)))
    outcome = Outcome()
    rows = session.execute(query.with_for_update(skip_locked=True)).all()
    _apply_many(session, [(row.id, _receipt_of(row)) for row in rows], now, outcome, wait=True)
    return outcome.applied


def sent_with_receipts(session: Session, call_id: UUID, taken: Mapping[UUID, tuple[str, str | None]],
                       now: datetime) -> list[UUID]:
    """Mark the SMS the provider took in call ``call_id`` (each message id with its number and
    provider ref) and apply the successful receipts that came before the mark: a message whose
    receipt is already stored goes from ``sending`` straight to ``delivered`` (its history
    ``sent``, then ``delivered``; the receipt applied), the others to ``sent``: one write of each
    message instead of two, one statement per kind (a call's messages share their ref and,
    mostly, their receipt's time and code). Receipts another transaction holds are skipped (SKIP
    LOCKED) and applied later, the message then ``sent``; failure receipts are left to
    :func:`apply_pending`. Returns the ids that changed (each was ``sending``)."""
    if not taken:
        return []
    came: dict[str, Any] = {}
    for row in session.execute(_CAME, {"call": str(call_id)}):
        came.setdefault(row.address, row)  # a number is in a call once; a second receipt changes nothing
    groups: dict[tuple[Any, ...], list[UUID]] = {}
    receipt_of: dict[UUID, UUID] = {}
    for id_, (number, ref) in taken.items():
        receipt = came.get(number)
        if receipt is None:
            groups.setdefault((states.SENT, ref, None, None, None), []).append(id_)
            continue
        receipt_of[id_] = receipt.id
        groups.setdefault((states.DELIVERED, ref or receipt.provider_ref, receipt.reported_at or now, receipt.code,
                           receipt.detail), []).append(id_)
    changed: list[UUID] = []
    for (state, ref, delivered_at, code, detail), ids in groups.items():
        values: dict[str, Any] = {"provider_ref": ref, "sent_at": now, "attempts": messages.c.attempts + 1}
        if state == states.DELIVERED:
            values["delivered_at"] = delivered_at
        changed += change(session, ids, state, now, code=code, detail=detail, only_from=states.SENDING,
                          through=states.SENT if state == states.DELIVERED else None, **values)
    applied = [receipt_of[id_] for id_ in changed if id_ in receipt_of]
    if applied:
        session.execute(update(receipts).where(among(session, receipts.c.id, applied)).values(applied_at=now))
    return changed


# The successful receipts of a call not applied yet (by our call id, the OutId they carry), locked.
_CAME = text("""
    SELECT id, address, code, detail, reported_at, provider_ref FROM receipts
    WHERE out_id = :call AND applied_at IS NULL AND success
    FOR UPDATE SKIP LOCKED""")




_APPLIED, _WAITING, _MISSING = "applied", "waiting", "missing"


def _receipt_of(row: Any) -> Receipt:
    return Receipt(row.provider_ref, row.address, row.success, row.code, row.detail, row.out_id, row.reported_at)


def _apply(session: Session, receipt_id: UUID, receipt: Receipt, now: datetime, *, wait: bool) -> str:
    """Apply one stored receipt to its message if that is marked: ``applied``; ``waiting`` (kept)
    while its call is not marked; ``missing`` when no message is found (or, not waiting, it is locked)."""
    message = _message_of(session, receipt, wait)
    if message is None:
        return _MISSING
    if message.state in (states.QUEUED, states.SENDING):
        return _WAITING
    if message.state == states.SENT:
        _settle(session, message, receipt, now)
    # A message already delivered, failed or read: the receipt is recorded and changes nothing.
    session.execute(update(receipts).where(receipts.c.id == receipt_id).values(applied_at=now))
    return _APPLIED


def _message_of(session: Session, receipt: Receipt, wait: bool) -> Any:
    """The SMS of the receipt's call and number, locked once marked: by our call id (the OutId, indexed)
    where the receipt carries one, else by the provider's ref."""
    query = select(*_RECEIPTS_READ).where(messages.c.channel == channels.SMS, messages.c.address == receipt.address)
    call_id = _uuid(receipt.out_id)
    if call_id is not None:
        # A call settled by find_sent knows only the OutId (the call id) as its provider ref.
        query = query.where(messages.c.call_id == call_id,
                            or_(messages.c.provider_ref == receipt.provider_ref, messages.c.provider_ref.is_(None),
                                messages.c.provider_ref == str(call_id)))
    else:
        query = query.where(messages.c.provider_ref == receipt.provider_ref)
    # A message still queued or sending is only read: its receipt waits for the mark, and a sender
    # marking its call must not wait for this transaction.
    unmarked = messages.c.state.in_(_UNMARKED)
    locked = query.where(~unmarked).order_by(messages.c.queued_at).limit(1).with_for_update(skip_locked=not wait)
    found = session.execute(locked).first()
    if found is None:
        found = session.execute(query.where(unmarked).order_by(messages.c.queued_at).limit(1)).first()
    return found


def _settle(session: Session, message: Any, receipt: Receipt, now: datetime) -> None:
    state = states.DELIVERED if receipt.success else states.FAILED
    values: dict[str, Any] = {"state": state, "updated_at": now, "version": messages.c.version + 1}
    if receipt.success:
        values["delivered_at"] = receipt.reported_at or now
    else:
        values.update(failure_code=receipt.code, failure_reason=receipt.detail)
    if message.provider_ref in (None, receipt.out_id):
        values["provider_ref"] = receipt.provider_ref  # the BizId, where only the OutId was known
    changed = session.execute(update(messages).where(messages.c.id == message.id, messages.c.state == states.SENT)
                              .values(**values)).rowcount
    if not changed:
        return
    session.execute(message_history.insert().values(message_id=message.id, at=now, state=state, code=receipt.code,
                                                    detail=receipt.detail))
    if not receipt.success:  # the recipient's next channel
        fall_back(session, session.execute(select(messages).where(messages.c.id == message.id)).mappings().one(), now)


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None
