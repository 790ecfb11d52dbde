"""Replicas: two senders in parallel never send one message twice, and together hold the
provider's rate limit (counted at the provider, per second of the senders' clock)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from notify.sending.worker import Sender
from servicekit.db import make_engine

pytestmark = pytest.mark.postgres_only


def test_two_senders_in_parallel_never_send_one_message_twice(db, settings, clock, kit) -> None:
    notice = kit.add_notice(db)
    ids = kit.add_messages(db, notice, 1500)
    sms = kit.FakeSms(per_call=20)  # one provider both replicas call (it counts each message it takes)
    small = settings.__class__(**{**settings.__dict__, "sender_batch": 60, "sms_rate_per_second": 0})
    engines = [make_engine(db.url.render_as_string(hide_password=False)) for _ in range(2)]
    rounds = Counter()

    def replica(n: int) -> None:
        worker = Sender(engines[n], small, {"sms": sms}, clock=clock, name=f"replica:{n}")
        while worker.round().calls:
            rounds[n] += 1

    threads = [threading.Thread(target=replica, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert sms.sent == Counter(dict.fromkeys(ids, 1))
    assert rounds[0] and rounds[1], "both replicas took a share"
    assert {r["state"] for r in kit.states_of(db, notice["id"])} == {"sent"}


def test_the_rate_limit_holds_across_two_replicas(db, settings, clock, kit) -> None:
    rate = 200
    notice = kit.add_notice(db)
    kit.add_messages(db, notice, 3000)
    sms = kit.FakeSms(per_call=10, clock=clock)
    limited = settings.__class__(**{**settings.__dict__, "sms_rate_per_second": rate, "sender_batch": 500})
    engines = [make_engine(db.url.render_as_string(hide_password=False)) for _ in range(2)]
    workers = [Sender(engines[n], limited, {"sms": sms}, clock=clock, name=f"replica:{n}") for n in range(2)]
    step, ticks = 0.05, 100  # five seconds of the senders' clock, both replicas in every tick
    for _ in range(ticks):
        threads = [threading.Thread(target=w.round) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        clock.advance(step)
    for engine in engines:
        engine.dispose()
    start = kit.T0
    offsets = sorted((at - start).total_seconds() for at in sms.at)
    # Every window of one second (each starting at a tick) saw at most the rate.
    busiest = max(sum(1 for t in offsets if w * step <= t < w * step + 1) for w in range(ticks))
    print(f"rate {rate}/s: {len(offsets)} sent in {ticks * step:.0f} s of clock, busiest second {busiest}")
    assert busiest <= rate
    assert len(offsets) >= 0.85 * rate * ticks * step  # and the budget is used, not starved
