"""surveys' timer (``surveys timer``, the process surveys-timer): the deadlines that are rows of
surveys' own tables, swept by :mod:`servicekit.sweeps` (each fired exactly once, however many
replicas sweep and wherever one is killed): waves opened by the operator's schedule, invited on
their opening day, reminded per step and closed at their end (surveys.waves.timer); rectification
actions overdue (surveys.actions.timer).

Between sweeps it sleeps until the next deadline or for the interval, whichever is sooner; the loop,
stopping on SIGTERM and ``--once`` are servicekit.worker's. ``clock`` is injectable, so tests never
sleep.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from servicekit.sweeps import DeadlineTimer
from servicekit.worker import RoundDone
from surveys.actions import timer as overdue_actions
from surveys.waves.timer import WaveTimer


class Timer(DeadlineTimer):
    """Sweeps surveys' deadlines every ``interval`` seconds, or sooner when one falls due."""

    def sweep(self) -> dict[str, int]:
        now = self.clock()
        waves = WaveTimer(self.settings).sweep(self.uow_factory, now, self.batch)
        return {**waves, "actions_overdue": overdue_actions.sweep(self.uow_factory, now, batch=self.batch)}

    def upcoming(self) -> datetime | None:
        with self.engine.connect() as conn:
            found = [*WaveTimer(self.settings).next_due(conn), overdue_actions.next_due(conn)]
        found = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in found if t is not None]
        return min(found) if found else None

    def run_round(self, stop: threading.Event) -> RoundDone:
        return RoundDone(self.sweep(), self.delay())
