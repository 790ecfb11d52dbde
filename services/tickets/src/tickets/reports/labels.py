"""The names people read in reports and exports, in Chinese and English, for the coded values."""

from __future__ import annotations

from tickets.domain.outcomes import ROOT_CAUSES, SUBTYPE_NAMES

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "kind": {"inquiry": ("咨询", "Inquiry"), "repair": ("报修", "Repair"), "complaint": ("投诉", "Complaint"),
             "suggestion": ("建议", "Suggestion"), "praise": ("表扬", "Praise")},
    "complaint_class": {"facilities": ("设备设施", "Facilities and equipment"),
                        "management": ("管理服务", "Management service"), "fees": ("收费", "Fees"),
                        "emergency": ("突发事件", "Emergencies")},
    "quality_aspect": {"safety": ("安全性", "Safety"), "consistency": ("一致性", "Consistency"),
                       "attitude": ("服务态度", "Attitude"), "completeness": ("完整性", "Completeness"),
                       "environment": ("环境", "Environment"), "convenience": ("方便性", "Convenience"),
                       "timeliness": ("及时性", "Timeliness")},
    "priority": {"low": ("低", "Low"), "normal": ("普通", "Normal"), "high": ("高", "High"),
                 "urgent": ("紧急", "Urgent")},
    "stage": {"received": ("已受理", "Received"), "acknowledged": ("已确认", "Acknowledged"),
              "dispatched": ("已派工", "Dispatched"), "on_site": ("已到场", "On site"),
              "explained": ("已解释", "Explained"), "escalated": ("已上报", "Escalated"),
              "resolved": ("已解决", "Resolved"), "owner_informed": ("已回复业主", "Owner informed"),
              "evaluated": ("已评价", "Evaluated"), "archived": ("已归档", "Archived"),
              "merged": ("已合并", "Merged"), "cancelled": ("已取消", "Cancelled")},
    "target": {"acknowledge": ("响应", "Acknowledge"), "arrive": ("到场", "Arrive on site"),
               "resolve": ("解决", "Resolve"), "promise": ("承诺期限", "Promised date")},
}

# A complaint's outcome (TKT-14): a management complaint's sub-type is its quality aspect.
LABELS["subtype"] = {**SUBTYPE_NAMES, **LABELS["quality_aspect"]}
LABELS["root_cause"] = dict(ROOT_CAUSES)
LABELS["justified"] = {"true": ("有效投诉", "Justified"), "false": ("无效投诉", "Not justified")}
LABELS["media_involved"] = {"true": ("媒体介入", "Media involved"), "false": ("无媒体介入", "No media")}
LABELS["legal_referral"] = {"true": ("已诉诸法律", "Legal referral"), "false": ("未诉诸法律", "No legal referral")}

NONE = "无 None"


def label(dimension: str, value: str | bool | None) -> str:
    """``"投诉 Complaint"`` for ``("kind", "complaint")``; an unknown value as it is, none as :data:`NONE`."""
    if value is None:
        return NONE
    if isinstance(value, bool):
        value = "true" if value else "false"
    names = LABELS.get(dimension, {}).get(value)
    return f"{names[0]} {names[1]}" if names else value
