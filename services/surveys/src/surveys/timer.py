"""surveys' timer (``surveys timer``, the process surveys-timer): the deadlines that are rows of
surveys' own tables, swept by :mod:`servicekit.sweeps` (each fired exactly once, however many
replicas sweep and wherever one is killed): rectification actions overdue (surveys.actions.timer).

Between sweeps it sleeps until the next deadline or for the interval, whichever is sooner; the loop,
stopping on SIGTERM and ``--once`` are servicekit.worker's. ``clock`` is injectable, so tests never
sleep.
"""

from __future__ import annotations

import threading
from datetime import datetime

from servicekit.sweeps import DeadlineTimer
from servicekit.worker import RoundDone
from surveys.actions import timer as overdue_actions


class Timer(DeadlineTimer):
    """Sweeps surveys' deadlines every ``interval`` seconds, or sooner when one falls due."""

    def sweep(self) -> dict[str, int]:
        now = self.clock()
        return {"actions_overdue": overdue_actions.sweep(self.uow_factory, now, batch=self.batch)}

    def upcoming(self) -> datetime | None:
        with self.engine.connect() as conn:
            return overdue_actions.next_due(conn)

    def run_round(self, stop: threading.Event) -> RoundDone:
        return RoundDone(self.sweep(), self.delay())
