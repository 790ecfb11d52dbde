"""How long an account refuses sign-ins after failed ones: a few tries are free, then each further
failure locks it for twice as long as the one before, up to a ceiling. A lock slows a guesser to a
handful of tries an hour without shutting a person out of their account for good; a successful
sign-in, or an admin's re-enabling, starts the count again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Lockout:
    free_failures: int = 5
    first_lock: timedelta = timedelta(seconds=30)
    longest_lock: timedelta = timedelta(hours=1)

    def lock_for(self, failures: int) -> timedelta | None:
        """How long the account is locked after its ``failures``-th consecutive failure (None: not)."""
        if failures < self.free_failures:
            return None
        doublings = min(failures - self.free_failures, 32)  # past the ceiling long before 2**32
        return min(self.first_lock * (2 ** doublings), self.longest_lock)

    def locked_until(self, failures: int, now: datetime) -> datetime | None:
        lock = self.lock_for(failures)
        return None if lock is None else now + lock


def seconds_left(locked_until: datetime | None, now: datetime) -> int:
    """Whole seconds until a lock ends (0: not locked), what ``Retry-After`` says."""
    if locked_until is None or locked_until <= now:
        return 0
    return max(1, int((locked_until - now).total_seconds() + 0.999))
