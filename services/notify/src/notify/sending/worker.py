"""The sender process (``notify send``): the loop every ``notify-sender`` replica runs.

Each round, at the clock's ``now``:

1. the notices due start (``notify.notices.starting.start_due``): their messages are queued;
2. calls whose outcome is unknown are settled (``recovery``);
3. for each channel: the due messages are claimed (``claim``), as many as the provider's shared
   budget gives (``ratelimit``: a limited provider's calls are small and each waits for its
   instant), their calls recorded and committed (``calls.record``), then made one by one and
   marked (the next call is made while the previous one is marked: one call in flight at a
   time, each still recorded before it is made); after SMS calls, receipts that
   came before the mark are applied (``notify.receipts.use_cases.apply_pending``);
4. the receipts the web process stored are applied to their messages, in batches
   (``notify.receipts.use_cases.apply_received``): on PostgreSQL in a thread of their own while
   steps 3 runs (a receipt whose call is being marked waits for the mark, which applies it);
5. SMS whose receipt never came within the provider's receipt window are asked about, and failing
   that end ``no_receipt`` (``receipt_window``), looked for only once one can be due (``next_due``);
6. notices all of whose messages are final are completed (``notify.tracking.completion``): after a
   round that changed something, else once a ``COMPLETE_EVERY``.

The loop (servicekit.worker) goes on at once while there is work, sleeps ``sender_interval_seconds``
when idle, and on SIGTERM the round finishes the call it is making, puts back the calls it recorded
but has not made, and the process exits. ``clock`` is injectable, so tests never sleep.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from notify.domain import channels
from notify.notices.starting import start_due
from notify.providers.base import Adapter
from notify.receipts.use_cases import APPLY_BATCH, apply_pending, apply_received
from notify.sending import calls, claim, ratelimit, receipt_window, recovery
from notify.tables import messages
from notify.tracking.completion import complete_finished
from servicekit.worker import RoundDone

Clock = Callable[[], datetime]
AHEAD = 5.0  # seconds of a limited provider's calls claimed in one round
COMPLETE_EVERY = timedelta(seconds=1)  # an idle round looks for notices to complete at most this often
RESERVE_TRIES = 5  # a call late for its instant this many times goes all the same (never starved)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Round:
    started: int = 0
    settled: int = 0
    calls: int = 0
    messages: int = 0
    receipts: int = 0
    unreceipted: int = 0
    completed: int = 0
    full: bool = False  # a channel had a full batch: go again at once


class Sender:
    def __init__(self, engine: Engine, settings: Any, adapters: Mapping[str, Adapter], *, clock: Clock = utc_now,
                 name: str | None = None) -> None:
        """``clock`` gives the time; a clock with a ``sleep(seconds)`` of its own (a test's) is also
        waited on, instead of sleeping, where a limited provider's calls are spaced."""
        self.engine, self.settings, self.adapters, self.clock = engine, settings, dict(adapters), clock
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self._sleep: Callable[[float], None] | None = getattr(clock, "sleep", None)
        # Where a provider's call is made while the previous call is marked.
        self._calling = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notify-calling")
        # Where the stored receipts are applied while the round sends, on PostgreSQL: their
        # statements and the marks' then run on two backends at once, and a round is no longer the
        # sum of both (SQLite takes one writer at a time: there the round applies them after sending).
        self._applying = (ThreadPoolExecutor(max_workers=1, thread_name_prefix="notify-receipts")
                          if engine.dialect.name == "postgresql" else None)
        # When an SMS sent without a receipt can next be due (receipt_window.next_due); None: look now.
        self._silent_due: datetime | None = None
        # When an idle round next looks for notices to complete (round); None: look now.
        self._complete_due: datetime | None = None

    def _pause(self, seconds: float, stop: threading.Event | None) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
        elif stop is not None:
            stop.wait(seconds)
        else:
            time.sleep(seconds)

    def round(self, stop: threading.Event | None = None) -> Round:
        done = Round()
        done.started = self._in_session(lambda session, now: start_due(session, now, self.settings))
        done.settled = recovery.recover(self.engine, self.adapters, self.clock(), after_found=apply_pending).calls
        applying = self._applying.submit(self._in_session, apply_received) if self._applying is not None else None
        try:
            for adapter in self.adapters.values():
                if stop is not None and stop.is_set():
                    break
                self._send_channel(adapter, done, stop)
        finally:
            if applying is not None:  # waited for even when sending failed: its own failure is raised too
                done.receipts = applying.result()
        if applying is None:
            done.receipts = self._in_session(apply_received)
        done.full = done.full or done.receipts >= APPLY_BATCH
        now = self.clock()
        # Calls recovery settled may be sent since their older start: look now (another sender's
        # recovery is seen at the next due moment, at most its lease later).
        if self._silent_due is None or now >= self._silent_due or done.settled:
            done.unreceipted = receipt_window.settle_silent(self.engine, self.adapters, now, self.settings)
            self._silent_due = receipt_window.next_due(self.engine, now, self.settings)
        # Only a change of a message can complete a notice, and such changes are the rounds' own
        # (marks, receipts, recovery, the receipt window, a notice started with no message) or the
        # API's (a resend, a read in-app message): after a round that changed something, else every
        # COMPLETE_EVERY. An idle round did it each time: two senders polling every 50 ms while the
        # last receipts came walked the notice's dead index entries 40 times a second.
        if (done.started or done.settled or done.calls or done.receipts or done.unreceipted
                or self._complete_due is None or now >= self._complete_due):
            done.completed = self._in_session(complete_finished)
            self._complete_due = now + COMPLETE_EVERY
        return done

    def _send_channel(self, adapter: Adapter, done: Round, stop: threading.Event | None) -> None:
        now = self.clock()
        rate = ratelimit.rate_of(adapter.channel, self.settings)
        # A limited provider: as many as its calls can take in the next AHEAD seconds, in calls of per_call.
        batch = self.settings.sender_batch if rate <= 0 else min(self.settings.sender_batch, int(rate * AHEAD) or 1)
        with Session(self.engine) as session, session.begin():
            rows = claim.due(session, now, adapter.channel, batch)
            recorded = calls.record(session, adapter, rows, now, self.name, self.settings.sender_lease_seconds,
                                    most=ratelimit.per_call(rate) if rate > 0 else None)
        done.full = done.full or len(rows) == batch
        self._send_overlapped(adapter, recorded, rate, done, stop)

    def _send_overlapped(self, adapter: Adapter, recorded: list[calls.Call], rate: float, done: Round,
                         stop: threading.Event | None) -> None:
        """The calls, one at a time, each made while the previous one is marked: the call goes in
        the sender's calling thread, the mark in this one (its own transaction, as ever), so a
        limited provider's next instant is not spent marking. Each call is renewed (a limited
        provider's: in its turn), still recorded before it is made, and marked after its answer."""
        in_flight: tuple[calls.Call, Future[Any]] | None = None
        try:
            for index, call in enumerate(recorded):
                ours = (self._renew_in_turn(adapter.provider, call, rate, stop) if rate > 0
                        else calls.renew(self.engine, call, self.clock(), self.settings.sender_lease_seconds,
                                         later=recorded[index + 1:]))
                if stop is not None and stop.is_set():
                    calls.release(self.engine, recorded[index:], self.clock())
                    return
                if not ours:
                    continue
                previous, in_flight = in_flight, (call, self._calling.submit(calls.make, self.engine, adapter,
                                                                              call, self.clock))
                if previous is not None:
                    self._finish(adapter, *previous, done)
        finally:
            if in_flight is not None:
                self._finish(adapter, *in_flight, done)

    def _finish(self, adapter: Adapter, call: calls.Call, making: Future[Any], done: Round) -> None:
        result = making.result()
        done.calls += 1
        done.messages += len(call.messages)
        if result is not None:
            self._mark(adapter, call, result)

    def _renew_in_turn(self, provider: str, call: calls.Call, rate: float, stop: threading.Event | None) -> bool:
        """Reserve the provider's budget for ``call`` and renew its lease (one transaction), then
        wait for its instant; a call that finds itself past ``LATE`` after it reserves again
        (ratelimit). False when the call is no longer ours to make."""
        for _ in range(RESERVE_TRIES):
            with Session(self.engine) as session, session.begin():
                now = self.clock()
                turn = ratelimit.reserve(session, provider, len(call.messages), rate, now)
                if not calls.renew_in(session, call, now, self.settings.sender_lease_seconds):
                    return False
            wait = (turn - self.clock()).total_seconds()
            if wait > 0:
                self._pause(wait, stop)
            if (stop is not None and stop.is_set()) or (self.clock() - turn).total_seconds() <= ratelimit.LATE:
                return True
        return True

    def _mark(self, adapter: Adapter, call: calls.Call, result: Any) -> None:
        now = self.clock()
        with Session(self.engine) as session, session.begin():
            refs = calls.mark(session, call, result, now, self.settings)
            if call.channel == channels.WEBHOOK and hasattr(adapter, "note_outcome"):
                ids = [o.message_id for o in call.messages]
                rows = session.execute(select(messages).where(messages.c.id.in_(ids))).mappings().all()
                adapter.note_outcome(session, rows, result, now)
            if call.channel == channels.SMS and refs:
                apply_pending(session, refs, now)

    def _in_session(self, step: Callable[[Session, datetime], int]) -> int:
        """One step of the round in a session of its own, committed (start_due commits notice by notice itself)."""
        with Session(self.engine) as session:
            done = int(step(session, self.clock()) or 0)
            session.commit()
            return done

    @property
    def retry_pause(self) -> float:
        return float(self.settings.sender_interval_seconds)

    def run_round(self, stop: threading.Event) -> RoundDone:
        """One round, for servicekit.worker's loop (``notify send``): then on at once while a channel
        had a full batch, else after the interval."""
        done = self.round(stop)
        pause = 0.0 if done.full else self.settings.sender_interval_seconds
        counts = {"started": done.started, "settled": done.settled, "calls": done.calls, "messages": done.messages,
                  "receipts": done.receipts, "unreceipted": done.unreceipted, "completed": done.completed}
        return RoundDone(counts, pause)


def sender_for(service: Any, engine: Engine, settings: Any) -> Sender:
    """The sender ``notify send`` runs, with the provider adapters the settings choose."""
    from notify.providers.registry import build_adapters

    return Sender(engine, settings, build_adapters(settings, engine))
