"""What a complaint came to (TKT-14): its sub-type within the class, the root cause, who was
responsible, what was promised, whether it proved justified, and whether the press or the law is
involved.

* **Sub-types** (投诉细分) belong to a class: facilities (the building's design or quality, the
  equipment's running), fees (shared charges, the special-repair fund), emergencies (power or water
  cut, people trapped in a lift, flooding, burglary, a lost vehicle) and management, whose sub-types
  are the seven quality aspects: a management complaint's sub-type is its quality aspect.
  Emergencies are urgent by default when opened (:mod:`tickets.domain.classification`), above the
  high priority the textbook asks of them; a sub-type never lowers a ticket's priority.
* **Root causes** are a closed list, so that the monthly analysis can count them; what exactly
  happened goes in the note beside it.
* **Justified** (投诉是否有效) is set on review by a manager, once the complaint is resolved: until
  then the desk assumes the company is at fault (原则一) and the statistics count it as unreviewed.
* **Media involvement** (原则四) makes the complaint major, sends it to the first responsible person
  and lets only managers reply to the owner; **legal referral** (原则五) is recorded for the reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from servicekit.errors import Invalid
from tickets.domain.classification import QUALITY_ASPECTS

SUBTYPES: dict[str, tuple[str, ...]] = {
    "facilities": ("building_design", "building_quality", "equipment_running"),
    "fees": ("shared_charges", "special_repair_fund"),
    "emergency": ("power_cut", "water_cut", "lift_entrapment", "flooding", "burglary", "vehicle_lost"),
    "management": QUALITY_ASPECTS,
}

SUBTYPE_NAMES: dict[str, tuple[str, str]] = {
    "building_design": ("房屋设计", "Building design"), "building_quality": ("房屋质量", "Building quality"),
    "equipment_running": ("设备运行", "Equipment running"),
    "shared_charges": ("公摊费用", "Shared charges"), "special_repair_fund": ("专项维修资金", "Special-repair fund"),
    "power_cut": ("停电", "Power cut"), "water_cut": ("停水", "Water cut"),
    "lift_entrapment": ("电梯困人", "People trapped in a lift"), "flooding": ("水浸", "Flooding"),
    "burglary": ("盗窃", "Burglary"), "vehicle_lost": ("车辆丢失", "Lost vehicle"),
}

ROOT_CAUSES: dict[str, tuple[str, str]] = {
    "design_defect": ("设计缺陷", "Design defect"),
    "construction_quality": ("施工质量", "Construction quality"),
    "equipment_failure": ("设备故障", "Equipment failure"),
    "maintenance_lapse": ("维护保养不到位", "Maintenance lapse"),
    "staff_attitude": ("员工服务态度", "Staff attitude"),
    "service_delay": ("服务不及时", "Service not on time"),
    "procedure_gap": ("制度流程缺陷", "Gap in a procedure"),
    "communication": ("沟通不到位", "Poor communication"),
    "fee_dispute": ("收费争议", "Fee dispute"),
    "third_party": ("第三方原因（市政、供电、供水）", "Third party (utilities, city)"),
    "owner_misunderstanding": ("业主误解", "Owner's misunderstanding"),
    "other": ("其他", "Other"),
}


def check_changes(complaint_class: str, quality_aspect: str | None, changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` to a complaint's outcome, checked against its class (every field error at once);
    a management complaint's sub-type is its quality aspect unless it names that one."""
    errors: dict[str, list[str]] = {}
    subtype = changes.get("subtype")
    allowed = SUBTYPES.get(complaint_class, ())
    if subtype is not None and subtype not in allowed:
        errors["subtype"] = [f"a {complaint_class} complaint's sub-type is one of {', '.join(allowed)}"]
    elif complaint_class == "management" and subtype is not None and subtype != quality_aspect:
        errors["subtype"] = [f"a management complaint's sub-type is its quality aspect, {quality_aspect}"]
    cause = changes.get("root_cause")
    if cause is not None and cause not in ROOT_CAUSES:
        errors["root_cause"] = [f"must be one of {', '.join(ROOT_CAUSES)}"]
    if errors:
        raise Invalid("the outcome does not fit the complaint", "投诉结果与投诉分类不符", errors=errors)
    return dict(changes)


def default_subtype(complaint_class: str, quality_aspect: str | None) -> str | None:
    """The sub-type a complaint has before anyone records one: a management complaint's aspect."""
    return quality_aspect if complaint_class == "management" else None


def newly_in_the_press(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> bool:
    """Whether this change is the one that says the media are involved (escalate once, not on every edit)."""
    return bool(after.get("media_involved")) and not (before or {}).get("media_involved")
