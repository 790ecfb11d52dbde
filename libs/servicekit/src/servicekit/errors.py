"""What can go wrong in a use case, in general terms every service shares.

A service's domain raises these (or its own subclasses) with a message for people and, where a
field is to blame, ``errors`` by field. They carry no HTTP status: the web layer
(:func:`servicekit.webapp.install_domain_errors`) maps each kind to one.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the service's rules refuse."""

    def __init__(self, message: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.errors = errors


class NotFound(DomainError):
    """What the request names does not exist (or is outside the caller's estates)."""


class Conflict(DomainError):
    """The request contradicts what is recorded (a duplicate code, a second active move-in...)."""


class Invalid(DomainError):
    """The request breaks a rule of the domain."""
