"""Which estate every kind of row a tickets request can name lies in: the scope table every area's
:class:`servicekit.access.ScopedBlueprint` shares. A row that does not exist or lies outside the
caller's estates answers 404 ("no such ticket" / "没有此工单")."""

from __future__ import annotations

from servicekit.access import InEstate
from tickets.tables import (
    applications,
    buildings,
    calendars,
    call_scripts,
    callbacks,
    calls,
    catalogue_items,
    categories,
    commission_rules,
    departments,
    desk_lines,
    diary_entries,
    dispatch_skills,
    duty_shifts,
    equipment,
    escalation_rules,
    estates,
    handovers,
    kb_articles,
    procedure_templates,
    sla_policies,
    staff,
    ticket_charges,
    tickets,
    training_cases,
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
    "call_id": InEstate(calls, "call", what_zh="通话记录"),
    "desk_line_id": InEstate(desk_lines, "desk line", what_zh="服务台线路"),
    "callback_id": InEstate(callbacks, "callback", what_zh="回电任务"),
    "entry_id": InEstate(diary_entries, "diary entry", what_zh="日程"),
    "staff_id": InEstate(staff, "staff member", what_zh="员工"),
    "handover_id": InEstate(handovers, "handover", what_zh="交接班记录"),
    "shift_id": InEstate(duty_shifts, "shift of the roster", what_zh="排班"),
    "script_id": InEstate(call_scripts, "call script", what_zh="电话话术"),
    "item_id": InEstate(catalogue_items, "catalogue item", what_zh="服务项目"),
    "line_id": InEstate(ticket_charges, "charge line", what_zh="收费项目"),
    "commission_rule_id": InEstate(commission_rules, "commission rule", what_zh="佣金规则"),
    "article_id": InEstate(kb_articles, "article", what_zh="知识库文章"),
    "case_id": InEstate(training_cases, "training case", what_zh="培训案例"),
    "template_id": InEstate(procedure_templates, "procedure", what_zh="程序"),
    "application_id": InEstate(applications, "application", what_zh="申请"),
    "department_id": InEstate(departments, "department", what_zh="部门"),
    "equipment_id": InEstate(equipment, "item of equipment", what_zh="设施设备"),
}

