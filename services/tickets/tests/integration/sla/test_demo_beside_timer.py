"""``tickets load-demo`` running beside ``tickets timer`` on PostgreSQL, as ``make run`` starts them
(issue 16: the demo died on a deadlock with the timer, leaving a handful of tickets instead of a
few hundred). Owners' demo estate reaches tickets' copy through tickets' own handlers; then the
timer sweeps every 0.2 s while the demo replays 90 days of history, whose deadlines are all due
for the running timer. On the old lock order this failed every run; test_timer_lock_order.py
shows the two orders deterministically."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from servicekit.testing import replayed_copy, running_process
from tickets.desk_demo import PAID_REPAIRS
from tickets.service import SERVICE
from tickets.tables import tickets as tickets_table

pytestmark = pytest.mark.slow


def test_load_demo_beside_the_timer_makes_every_demo_ticket(make_database: Callable[[], str], tmp_path) -> None:
    from owners.demo import load_demo_estate
    from owners.replay import state_events
    from owners.service import SERVICE as OWNERS

    with replayed_copy(make_database, OWNERS, load_demo_estate, state_events, SERVICE) as (tickets_url, tickets):
        env = {"DATABASE_URL": tickets_url, "TICKETS_DATABASE_URL": tickets_url, "ESTATEDESK_VAR": str(tmp_path),
               "TICKETS_TIMER_INTERVAL_SECONDS": "0.2", "TICKETS_TIMER_BATCH": "50"}
        with running_process([sys.executable, "-m", "tickets.cli", "timer"], env=env, what="tickets timer") as timer:
            time.sleep(1)
            assert timer.poll() is None, "the timer did not start"
            demo = subprocess.run([sys.executable, "-m", "tickets.cli", "load-demo"], env={**os.environ, **env},
                                  capture_output=True, text=True, timeout=600)
            assert timer.poll() is None, "the timer died beside the demo"
        with tickets.connect() as conn:
            made = conn.execute(select(func.count()).select_from(tickets_table)).scalar_one()
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "deadlock" not in demo.stderr.lower()
    assert made == 300 + PAID_REPAIRS  # the desk demo's paid repairs beside the 300
