"""``notify send`` killed with SIGKILL at random moments of a broadcast of e-mail to the SMTP
stand-in, and started again each time: every message arrives, and the ones that arrive twice are
counted: that is the measured double-send window (at most one message per kill)."""

from __future__ import annotations

import random
import signal
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from notify.service import SERVICE
from notify.standins.smtp_server import SmtpStandin
from notify.tables import messages
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import service_process, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MESSAGES, KILLS = 300, 5


def test_a_sender_killed_mid_broadcast_loses_nothing_and_sends_at_most_one_twice_per_kill(make_database, kit) -> None:
    url = make_database()
    upgrade(SERVICE, url)
    engine = make_engine(url)
    notice = kit.add_notice(engine, channels_=("email",))
    ids = kit.add_messages(engine, notice, MESSAGES, channel="email")
    chance = random.Random()
    with SmtpStandin(port=0) as standin:
        env = {"DATABASE_URL": url, "AMQP_URL": "amqp://unused", "LOG_LEVEL": "WARNING",
               "NOTIFY_SMTP_PORT": str(standin.port), "NOTIFY_SENDER_BATCH": "20",
               "NOTIFY_SENDER_LEASE_SECONDS": "1", "NOTIFY_SENDER_INTERVAL_SECONDS": "0.05"}
        for kill in range(KILLS):
            target = len(standin.received) + chance.randint(5, MESSAGES // (KILLS + 2))
            with service_process("notify", "send", env=env) as sender:
                wait_for(lambda: len(standin.received) >= target or sender.poll() is not None,  # noqa: B023
                         "the sender to deliver some")
                time.sleep(chance.uniform(0, 0.05))
                sender.send_signal(signal.SIGKILL)
                assert sender.wait(timeout=30) == -signal.SIGKILL, f"kill {kill}: the sender had exited"
        assert len({r.message_id for r in standin.received}) < MESSAGES, "the broadcast ended before the last kill"

        def final() -> int:
            with engine.connect() as conn:
                return conn.execute(select(func.count()).select_from(messages)
                                    .where(messages.c.state == "delivered")).scalar()

        with service_process("notify", "send", env=env):
            wait_for(lambda: final() == MESSAGES, "the restarted sender to deliver every message")
        arrived = Counter(r.message_id for r in standin.received)
    engine.dispose()
    assert set(arrived) == {f"<{id_}@estatedesk>" for id_ in ids}  # every message delivered
    twice = sum(1 for count in arrived.values() if count > 1)
    print(f"\nkilled {KILLS} times mid-broadcast of {MESSAGES}: {twice} delivered twice, "
          f"{sum(arrived.values()) - MESSAGES} extra deliveries")
    assert max(arrived.values()) <= 2
    assert twice <= KILLS
