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
from notify.tables import messages, provider_calls
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import service_process, wait_for

pytestmark = pytest.mark.slow

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


def test_a_sender_killed_mid_sms_broadcast_sends_none_twice(make_database, kit) -> None:
    """The same over SMS to the provider stand-in, each kill inside the window: the provider has
    taken the call and holds its answer back when the sender dies. The restarted sender finds
    each such call by the provider's send-details query (its OutId) before anything is sent
    again, so Aliyun's lack of idempotency leaves no duplicate."""
    from notify.standins.sms_provider import SmsStandin, StandinConfig

    url = make_database()
    upgrade(SERVICE, url)
    engine = make_engine(url)
    notice = kit.add_notice(engine, channels_=("sms",))
    kit.add_messages(engine, notice, MESSAGES, channel="sms")
    with engine.begin() as conn:
        conn.execute(messages.update().values(sms_template_code="SMS_FEE"))
    chance = random.Random()
    with SmsStandin(StandinConfig()) as standin:
        env = {"DATABASE_URL": url, "AMQP_URL": "amqp://unused", "LOG_LEVEL": "WARNING",
               "NOTIFY_SMS_ENDPOINT": standin.url, "NOTIFY_SMS_RATE_PER_SECOND": "0", "NOTIFY_SENDER_BATCH": "5",
               "NOTIFY_SENDER_LEASE_SECONDS": "1", "NOTIFY_SENDER_INTERVAL_SECONDS": "0.05"}
        for kill in range(KILLS):
            target = len(standin.received()) + chance.randint(5, MESSAGES // (KILLS + 2))
            with service_process("notify", "send", env=env) as sender:
                wait_for(lambda: len(standin.received()) >= target or sender.poll() is not None,  # noqa: B023
                         "the sender to send some")
                taken = len(standin.received())
                standin.configure(delay_next=30.0)  # the next call is taken, its answer held back
                wait_for(lambda: len(standin.received()) > taken or sender.poll() is not None,  # noqa: B023
                         "the sender to make a call whose answer is held")
                sender.send_signal(signal.SIGKILL)
                assert sender.wait(timeout=30) == -signal.SIGKILL, f"kill {kill}: the sender had exited"
        assert len(standin.received()) < MESSAGES, "the broadcast ended before the last kill"

        def final() -> int:
            with engine.connect() as conn:
                return conn.execute(select(func.count()).select_from(messages)
                                    .where(messages.c.state == "sent")).scalar()

        with service_process("notify", "send", env=env):
            wait_for(lambda: final() == MESSAGES, "the restarted sender to send every message")
        arrived = Counter(r["number"] for r in standin.received())
    with engine.connect() as conn:
        found = conn.execute(select(func.count()).select_from(provider_calls)
                             .where(provider_calls.c.answer_code == "found")).scalar()
    engine.dispose()
    twice = sum(1 for count in arrived.values() if count > 1)
    print(f"\nkilled {KILLS} times mid-SMS-broadcast of {MESSAGES}, each with a call made and unmarked: "
          f"{found} calls found by the provider's query, {twice} SMS sent twice")
    assert found == KILLS
    assert len(arrived) == MESSAGES and twice == 0
