"""Sweeping rows that are their own deadlines, the one way every service's timer does it: tickets'
callbacks and shift handovers (beside its SLA deadlines, :mod:`tickets.sla.timer`, whose lock order
is the ticket's first), surveys' rectification actions and scheduled waves.

Each batch is one transaction: the rows due, oldest first, taken ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL (replicas share the work, none takes a row another holds), each marked only if still
unmarked (``... WHERE <mark> IS NULL``, so a row is fired by the one transaction that marked it,
on SQLite too), and what firing it records (events, in the outbox) committed with the mark. A timer
killed at any moment has fired a row completely or not at all; a restart fires what is left, once.

:class:`DeadlineTimer` is the frame of a service's timer process (``<service> timer``, run by
:mod:`servicekit.worker`): its engine, units of work, interval, batch and clock (injectable, so
tests never sleep), and the pause after a sweep (until the next deadline, at most the interval). A
service's timer says what one sweep does and when the next deadline falls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Table, func, select, update
from sqlalchemy.orm import sessionmaker

from servicekit.unit_of_work import UnitOfWork

Clock = Callable[[], datetime]
# Never spin: a deadline another replica holds stays due until that replica commits.
MIN_PAUSE = 0.02


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RowDeadline:
    """Rows of ``table`` fall due at ``instant`` while ``pending`` holds, fired once (``mark``) by
    ``fire``; a row is known by its ``id``, or by the columns of ``key`` (a step of an application)."""

    table: Table
    instant: Any
    mark: Any
    pending: tuple[Any, ...]
    fire: Callable[[UnitOfWork, Mapping[str, Any], datetime], None]
    key: tuple[Any, ...] = ()

    def sweep(self, uow_factory: Callable[[], UnitOfWork], now: datetime, batch: int) -> int:
        """Fire every row due at ``now``, a batch per transaction; how many were fired."""
        keys = self.key or (self.table.c.id,)
        fired = 0
        while True:
            with uow_factory() as uow:
                taken = uow.execute(select(self.table).where(*self.pending, self.mark.is_(None), self.instant <= now)
                                    .order_by(self.instant, *keys).limit(batch).with_for_update(skip_locked=True)
                                    ).mappings().all()
                count = 0
                for row in taken:
                    this = [column == row[column.key] for column in keys]
                    marked = uow.execute(update(self.table).where(*this, self.mark.is_(None), *self.pending)
                                         .values({self.mark.key: now}))
                    if marked.rowcount == 1:
                        self.fire(uow, row, now)
                        count += 1
                uow.commit()
            fired += count
            if len(taken) < batch or count == 0:
                return fired

    def next_due(self, conn: Any) -> datetime | None:
        """The earliest instant still to fire."""
        return conn.execute(select(func.min(self.instant)).where(*self.pending, self.mark.is_(None))).scalar()


class DeadlineTimer:
    """Sweeps ``engine``'s deadlines every ``interval`` seconds, or sooner when one falls due; a
    subclass gives :meth:`upcoming` and its round (``run_round``, for servicekit.worker).
    ``settings`` are the service's, for what firing a deadline needs (None in tests that need none)."""

    settings: Any = None

    def __init__(self, engine: Engine, uow_factory: Callable[[], UnitOfWork], *, interval: float = 1.0,
                 batch: int = 500, clock: Clock = utc_now) -> None:
        self.engine, self.uow_factory = engine, uow_factory
        self.interval, self.batch, self.clock = interval, batch, clock

    @classmethod
    def for_service(cls, service: Any, engine: Engine, settings: Any, clock: Clock = utc_now) -> Any:  # noqa: ANN401
        """The timer ``<service> timer`` runs (servicekit.worker.worker_command builds it), with the
        settings ``timer_interval_seconds`` and ``timer_batch``."""
        sessions = sessionmaker(engine)
        timer = cls(engine, lambda: service.unit_of_work(sessions), interval=settings.timer_interval_seconds,
                    batch=settings.timer_batch, clock=clock)
        timer.settings = settings
        return timer

    def upcoming(self) -> datetime | None:
        """The earliest instant still to fire, or None."""
        raise NotImplementedError

    def delay(self) -> float:
        """How long to sleep: until the next deadline, at most the interval."""
        upcoming = self.upcoming()
        if upcoming is None:
            return self.interval
        upcoming = upcoming if upcoming.tzinfo else upcoming.replace(tzinfo=UTC)
        return max(MIN_PAUSE, min(self.interval, (upcoming - self.clock()).total_seconds()))

    @property
    def retry_pause(self) -> float:
        return self.interval
