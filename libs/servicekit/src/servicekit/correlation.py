"""The correlation id that follows one piece of work from HTTP into events and back."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "X-Correlation-ID"
_current: ContextVar[str | None] = ContextVar("correlation_id", default=None)
_SAFE = re.compile(r"^[A-Za-z0-9._:/-]{1,128}$")


def current() -> str | None:
    return _current.get()


def accept(candidate: str | None) -> str:
    """Keep a caller's id when it is sane (bounded, printable); otherwise start a new one."""
    if candidate and _SAFE.match(candidate):
        return candidate
    return uuid.uuid4().hex


@contextmanager
def bound(correlation_id: str | None) -> Iterator[str]:
    """Run a block with ``correlation_id`` as the current id (a new one when None)."""
    value = accept(correlation_id)
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


def set_current(correlation_id: str | None) -> object:
    """Set the id for the rest of this context; returns a token for :func:`reset`."""
    return _current.set(correlation_id)


def reset(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
