"""What can go wrong in a use case: the general kinds every service shares (servicekit.errors),
named here so the domain's modules say what they raise. The web layer maps each to a 4xx.

``NO_SUCH_ESTATE`` is what a write naming a missing estate answers (its foreign key fails): every
area that adds rows to an estate says it the same way.
"""

from servicekit.errors import Conflict, DomainError, Invalid, Message, NotFound

NO_SUCH_ESTATE = Message("no such estate", "没有此小区")

__all__ = ["NO_SUCH_ESTATE", "Conflict", "DomainError", "Invalid", "NotFound"]
