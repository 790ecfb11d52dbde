"""Sweeping rows that are their own deadlines (a callback, a handover), the one way the timer does it
for every kind of row besides the SLA deadlines (:mod:`tickets.sla.timer`, whose lock order is
the ticket's first).

Each batch is one transaction: the rows due, oldest first, taken ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL (replicas share the work, none takes a row another holds), each marked only if still
unmarked (``... WHERE <mark> IS NULL``, so a row is fired by the one transaction that marked it,
on SQLite too), and what firing it records (events, in the outbox) committed with the mark. A timer
killed at any moment has fired a row completely or not at all; a restart fires what is left, once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select, update

from servicekit.unit_of_work import UnitOfWork


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
