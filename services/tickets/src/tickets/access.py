"""The estate of every row a tickets request can name, shared by every area's blueprint
(:class:`servicekit.access.ScopedBlueprint`): a row outside the caller's estates answers 404."""

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

# A name in a URL (or a body field a view names in ``rows=``) and the estate its row lies in.
# Operator-wide rows (no estate: a category, a policy, a rule) are seen by operator admins only.
SCOPE = {
    "ticket_id": InEstate(tickets, "ticket", what_zh="工单"),
    "into_ticket_id": InEstate(tickets, "ticket", what_zh="工单"),
    "category_id": InEstate(categories, "category", what_zh="分类"),
    "estate_id": InEstate(estates, "estate", estate_column="id", what_zh="小区"),
    "building_id": InEstate(buildings, "building", what_zh="楼栋"),
    "unit_id": InEstate(units, "unit", what_zh="单元"),
    "policy_id": InEstate(sla_policies, "SLA policy", what_zh="时效规则"),
    "calendar_id": InEstate(calendars, "calendar", what_zh="工作日历"),
    "rule_id": InEstate(escalation_rules, "escalation rule", what_zh="升级规则"),
}


def blueprint(name: str, import_name: str, **kwargs: Any) -> ScopedBlueprint:
    """An area's blueprint, checking its callers against :data:`SCOPE`."""
    return ScopedBlueprint(name, import_name, scope=SCOPE, **kwargs)
