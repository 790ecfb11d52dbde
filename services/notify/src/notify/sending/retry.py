"""A temporary failure: the message is queued again after a backoff that doubles with each attempt
(``retry_backoff_seconds``, 2×, 4×, ...) until ``max_attempts``; then it has failed on its channel
and the next channel is tried (``fallback.fall_back``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from notify.domain import messages as states
from notify.sending import states as changes
from notify.sending.fallback import fall_back


def backoff(attempts: int, first_seconds: float) -> timedelta:
    """The wait after the ``attempts``-th failed attempt (1-based)."""
    return timedelta(seconds=first_seconds * 2 ** max(attempts - 1, 0))


def fail(session: Session, row: Mapping[str, Any], now: datetime, code: str, reason: str, attempts: int) -> None:
    """Failed for good on this channel (the provider's code and reason kept), then the next channel."""
    changed = changes.change(session, [row["id"]], states.FAILED, now, code=code, detail=reason,
                             only_from=states.SENDING, attempts=attempts, failure_code=code[:100],
                             failure_reason=reason[:500])
    if changed:
        fall_back(session, row, now)


def temporary_failure(session: Session, row: Mapping[str, Any], now: datetime, settings: Any, code: str,
                      reason: str) -> str:
    """Queue ``row`` again after its backoff, or fail it after ``max_attempts``; returns its new state."""
    attempts = row["attempts"] + 1
    if attempts >= settings.max_attempts:
        fail(session, row, now, code, f"{reason} (after {attempts} attempts)", attempts)
        return states.FAILED
    changes.change(session, [row["id"]], states.QUEUED, now, code=code, detail=reason, only_from=states.SENDING,
                   attempts=attempts, call_id=None, failure_code=code[:100], failure_reason=reason[:500],
                   next_attempt_at=now + backoff(attempts, settings.retry_backoff_seconds))
    return states.QUEUED
