"""Which database constraint a failed write broke, on PostgreSQL and on SQLite alike.

Use cases rely on the constraints (one round trip, and safe under concurrency) instead of checking
first, and turn the violation into the service centre's words.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy.exc import IntegrityError

Violation = Literal["unique", "foreign_key", "check", "not_null", "other"]

_SQLSTATES: dict[str, Violation] = {"23505": "unique", "23503": "foreign_key", "23514": "check", "23502": "not_null"}
_SQLITE_MESSAGES: dict[str, Violation] = {
    "UNIQUE constraint failed": "unique", "FOREIGN KEY constraint failed": "foreign_key",
    "CHECK constraint failed": "check", "NOT NULL constraint failed": "not_null",
}


def violation(error: IntegrityError) -> Violation:
    """The kind of constraint ``error`` reports; "other" when the database does not say."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate:
        return _SQLSTATES.get(sqlstate, "other")
    message = str(error.orig)
    return next((kind for prefix, kind in _SQLITE_MESSAGES.items() if message.startswith(prefix)), "other")
