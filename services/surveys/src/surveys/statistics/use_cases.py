"""Keeping a closed wave's figures: a closed wave takes no answer (surveys.answers refuses it, and an
answer being submitted holds the wave's row until it commits, so the closing waits for it), so what
its invitations, answers and scores add up to when it closes is its statistics for good."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import insert

from servicekit.unit_of_work import UnitOfWork
from surveys.domain.statistics import as_rows
from surveys.statistics.views import counted
from surveys.tables import wave_figures


def keep(uow: UnitOfWork, wave_id: UUID, at: datetime) -> None:
    """Keep the wave's figures as they add up now, in the caller's transaction (the one closing it)."""
    found = counted(uow.session, wave_id)
    uow.execute(insert(wave_figures).values(wave_id=wave_id, invited=found.invited, answered=found.answered,
                                            by_channel=found.by_channel, scores=as_rows(found.scores), kept_at=at))
