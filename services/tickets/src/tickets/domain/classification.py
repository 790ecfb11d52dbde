"""What a ticket is about (TKT-1, TKT-2): its kind, complaint class, quality aspect and priority.

* A **complaint** names one of the four classes (投诉分类): facilities and equipment (设备设施),
  management service (管理服务), fees (收费), emergencies (突发事件); no other kind has a class.
* A **management-service** complaint names one of the seven quality aspects; no other ticket has one.
* An **emergency** is urgent unless the desk says otherwise; every other ticket is normal by default.
* Where it happened: a unit, or a common area (OWN-10: a lift, a gate, a car park), never both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from servicekit.errors import Invalid
from tickets.domain.stages import KINDS

CHANNELS = ("desk", "phone", "app", "system")
COMPLAINT_CLASSES = ("facilities", "management", "fees", "emergency")
QUALITY_ASPECTS = ("safety", "consistency", "attitude", "completeness", "environment", "convenience", "timeliness")
PRIORITIES = ("low", "normal", "high", "urgent")
# Kinds whose category is checked against the configurable categories table, and must be given.
CATEGORISED_KINDS = ("repair", "inquiry", "complaint")
CATEGORY_REQUIRED = frozenset({"repair"})


def classify(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The entry's kind, class, aspect and priority, checked and with defaults filled in; or
    :class:`Invalid` with every field error at once."""
    kind, klass, aspect = entry["kind"], entry.get("complaint_class"), entry.get("quality_aspect")
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = [f"must be one of {', '.join(KINDS)}"]
    if kind == "complaint" and klass is None:
        errors["complaint_class"] = ["a complaint names its class: " + ", ".join(COMPLAINT_CLASSES)]
    elif kind != "complaint" and klass is not None:
        errors["complaint_class"] = ["only complaints have a class"]
    elif klass is not None and klass not in COMPLAINT_CLASSES:
        errors["complaint_class"] = [f"must be one of {', '.join(COMPLAINT_CLASSES)}"]
    if klass == "management" and aspect is None:
        errors["quality_aspect"] = ["a management-service complaint names its quality aspect: "
                                    + ", ".join(QUALITY_ASPECTS)]
    elif klass != "management" and aspect is not None:
        errors["quality_aspect"] = ["only management-service complaints have a quality aspect"]
    elif aspect is not None and aspect not in QUALITY_ASPECTS:
        errors["quality_aspect"] = [f"must be one of {', '.join(QUALITY_ASPECTS)}"]
    if kind in CATEGORY_REQUIRED and not entry.get("category"):
        errors["category"] = [f"a {kind} names its category"]
    if kind not in CATEGORISED_KINDS and entry.get("category"):
        errors["category"] = [f"a {kind} has no category"]
    common_area = bool(entry.get("common_area")) or entry.get("equipment_id") is not None  # OWN-10
    if (entry.get("unit_id") is None) == (not common_area):
        errors["unit_id"] = ["name either a unit or a common area (equipment_id or common_area), not both"]
    if errors:
        raise Invalid("the ticket's details do not fit together", "工单信息不一致", errors=errors)
    priority = entry.get("priority") or ("urgent" if klass == "emergency" else "normal")
    return {"kind": kind, "complaint_class": klass, "quality_aspect": aspect, "priority": priority}
