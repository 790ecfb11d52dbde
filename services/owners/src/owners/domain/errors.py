"""What can go wrong in a use case: the general kinds every service shares (servicekit.errors),
named here so the domain's modules say what they raise. The web layer maps each to a 4xx."""

from servicekit.errors import Conflict, DomainError, Invalid, NotFound

__all__ = ["Conflict", "DomainError", "Invalid", "NotFound"]
