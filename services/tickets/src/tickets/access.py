"""Which estate every kind of row a tickets request can name lies in: the scope table every area's
:class:`servicekit.access.ScopedBlueprint` shares. A row that does not exist or lies outside the
caller's estates answers 404 ("no such ticket" / "没有此工单")."""

from __future__ import annotations

from servicekit.access import InEstate
from tickets.tables import (
    buildings,
    calendars,
    categories,
    departments,
    dispatch_skills,
    equipment,
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
    "unit_id": InEstate(units, "unit", what_zh="房屋"),
    "policy_id": InEstate(sla_policies, "SLA policy", what_zh="时效规则"),
    "calendar_id": InEstate(calendars, "calendar", what_zh="工作日历"),
    "rule_id": InEstate(escalation_rules, "escalation rule", what_zh="升级规则"),
    "dispatch_skill_id": InEstate(dispatch_skills, "dispatch skill", what_zh="派工技能规则"),
    "department_id": InEstate(departments, "department", what_zh="部门"),
    "equipment_id": InEstate(equipment, "item of equipment", what_zh="设施设备"),
}

