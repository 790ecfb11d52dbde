"""Which estate every kind of row a request can name lies in: the scope table the owners areas share.

Each view says who may call it with ``@blp.allow(roles)`` (roles from tenancy.roles, the suite's
policy); its ScopedBlueprint then checks every row the request names against the caller's estates,
by the table below, before the view runs, and answers 404 ("no such unit" / "没有此房屋") for a row
that does not exist or lies outside them.
"""

from __future__ import annotations

from owners.tables import (
    buildings,
    committee_members,
    committees,
    companies,
    departments,
    document_templates,
    documents,
    equipment,
    estates,
    occupancies,
    people,
    prospects,
    staff,
    territories,
    units,
    visitors,
)
from servicekit.access import InEstate

SCOPE = {
    "estate_id": InEstate(estates, "estate", estate_column="id", what_zh="小区"),
    "building_id": InEstate(buildings, "building", what_zh="楼栋"),
    "unit_id": InEstate(units, "unit", what_zh="房屋"),
    "host_unit_id": InEstate(units, "unit", what_zh="房屋"),
    "person_id": InEstate(people, "person", what_zh="住户"),
    "occupancy_id": InEstate(occupancies, "occupancy", what_zh="入住记录"),
    "staff_id": InEstate(staff, "staff member", what_zh="员工"),
    "territory_id": InEstate(territories, "territory", what_zh="负责区域"),
    "visitor_id": InEstate(visitors, "visitor", what_zh="访客"),
    "department_id": InEstate(departments, "department", what_zh="部门"),
    "supervisor_id": InEstate(staff, "staff member", what_zh="员工"),
    "equipment_id": InEstate(equipment, "item of equipment", what_zh="设施设备"),
    "company_id": InEstate(companies, "company", what_zh="公司"),
    "committee_id": InEstate(committees, "owners' committee", what_zh="业委会"),
    "prospect_id": InEstate(prospects, "prospect", what_zh="潜在客户"),
    "template_id": InEstate(document_templates, "document template", what_zh="文档模板"),
    "document_id": InEstate(documents, "document", what_zh="文档"),
    "member_id": InEstate(committee_members, "committee member", what_zh="业委会成员"),
}
