"""``notify send`` with an SMS endpoint it cannot send to stops at once with an error naming the
setting, and leaves the queue untouched (it used to run on, and every SMS went nowhere)."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select

from notify.service import SERVICE
from notify.tables import messages
from servicekit.db import make_engine
from servicekit.migrate import upgrade


def test_the_sender_stops_on_an_sms_endpoint_that_is_not_a_url(make_database, kit) -> None:
    url = make_database()
    upgrade(SERVICE, url)
    engine = make_engine(url)
    [queued] = kit.add_messages(engine, kit.add_notice(engine), 1, channel="sms")
    env = {**os.environ, "DATABASE_URL": url, "AMQP_URL": "amqp://unused", "LOG_LEVEL": "WARNING",
           "NOTIFY_SMS_ENDPOINT": "127.0.0.1:8093"}
    done = subprocess.run([sys.executable, "-m", "notify.cli", "send", "--once"], env=env, capture_output=True,
                          text=True, timeout=120)
    with engine.connect() as conn:
        state = conn.execute(select(messages.c.state).where(messages.c.id == queued)).scalar_one()
    engine.dispose()
    assert done.returncode != 0, done.stdout
    assert "MisconfiguredProvider" in done.stderr and "sms_endpoint" in done.stderr
    assert state == "queued"
