"""The estate of every row a tickets request can name, for :class:`servicekit.access.ScopedBlueprint`."""

from __future__ import annotations

from typing import Any

from servicekit.access import InEstate, ScopedBlueprint
from tickets.tables import categories, tickets

SCOPE = {
    "ticket_id": InEstate(tickets, "ticket"),
    "into_ticket_id": InEstate(tickets, "ticket"),
    # An operator-wide category (no estate) is seen by operator admins only.
    "category_id": InEstate(categories, "category"),
}


def blueprint(name: str, import_name: str, **kwargs: Any) -> ScopedBlueprint:
    return ScopedBlueprint(name, import_name, scope=SCOPE, **kwargs)
