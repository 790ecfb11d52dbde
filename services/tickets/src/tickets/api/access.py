"""The estate of every row a tickets request can name, for :class:`servicekit.access.ScopedBlueprint`."""

from __future__ import annotations

from typing import Any

from servicekit.access import InEstate, ScopedBlueprint
from tickets.tables import (
    buildings,
    calendars,
    categories,
    escalation_rules,
    estates,
    sla_policies,
    tickets,
    units,
)

# One table for every blueprint of the service: a name in a URL (or a body field a view names in
# ``rows=``) and the estate its row lies in; a row outside the caller's estates answers 404.
SCOPE = {
    "ticket_id": InEstate(tickets, "ticket"),
    "into_ticket_id": InEstate(tickets, "ticket"),
    # Operator-wide rows (no estate: a category, a policy, a rule) are seen by operator admins only.
    "category_id": InEstate(categories, "category"),
    "estate_id": InEstate(estates, "estate", estate_column="id"),
    "building_id": InEstate(buildings, "building"),
    "unit_id": InEstate(units, "unit"),
    "policy_id": InEstate(sla_policies, "SLA policy"),
    "calendar_id": InEstate(calendars, "calendar"),
    "rule_id": InEstate(escalation_rules, "escalation rule"),
}


def blueprint(name: str, import_name: str, **kwargs: Any) -> ScopedBlueprint:
    return ScopedBlueprint(name, import_name, scope=SCOPE, **kwargs)
