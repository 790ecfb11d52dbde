"""What each report looks like as a table: its columns, headings and chart, for CSV and XLSX alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tickets.reports.exports import Chart, Column, Sheet
from tickets.reports.sql import PERIODS
from tickets.reports.views import TicketReport

_GROUP_COLUMNS = {
    "estate": Column("estate", "小区 Estate"), "building": Column("building", "楼栋 Building"),
    "kind": Column("kind_name", "类型 Kind"), "complaint_class": Column("complaint_class_name", "投诉类别 Class"),
    "quality_aspect": Column("quality_aspect_name", "质量要素 Quality aspect"),
    "priority": Column("priority_name", "优先级 Priority"), "stage": Column("stage_name", "阶段 Stage"),
    "assignee": Column("assignee", "处理人 Assignee"), "day": Column("day", "日 Day"),
    "week": Column("week", "周(周一) Week (Monday)"), "month": Column("month", "月 Month"),
    "subtype": Column("subtype_name", "投诉细分 Sub-type"),
    "root_cause": Column("root_cause_name", "根本原因 Root cause"),
    "responsible_department": Column("responsible_department_name", "责任部门 Responsible department"),
    "justified": Column("justified_name", "是否有效 Justified"),
    "media_involved": Column("media_involved_name", "媒体介入 Media"),
    "legal_referral": Column("legal_referral_name", "诉诸法律 Legal referral"),
}
FIGURE_COLUMNS = (
    Column("tickets", "工单数 Tickets"), Column("open", "未完成 Open"), Column("resolved", "已解决 Resolved"),
    Column("avg_acknowledge_seconds", "平均响应秒 Avg. seconds to acknowledge"),
    Column("avg_arrive_seconds", "平均到场秒 Avg. seconds to arrive"),
    Column("avg_resolve_seconds", "平均解决秒 Avg. seconds to resolve"),
    Column("evaluation_average", "平均评价 Avg. evaluation"),
    Column("acknowledge_met", "响应达标 Acknowledge met"),
    Column("acknowledge_breached", "响应超时 Acknowledge breached"),
    Column("arrive_met", "到场达标 Arrive met"), Column("arrive_breached", "到场超时 Arrive breached"),
    Column("resolve_met", "解决达标 Resolve met"), Column("resolve_breached", "解决超时 Resolve breached"),
    Column("sla_met", "达标合计 SLA met"), Column("sla_breached", "超时合计 SLA breached"),
    Column("sla_compliance", "达标率 SLA compliance"),
)
_GROUP = Column("group", "分组 Group")


def ticket_report_columns(group_by: Sequence[str]) -> list[Column]:
    return [*(_GROUP_COLUMNS[d] for d in group_by), *FIGURE_COLUMNS]


def ticket_report_sheet(report: TicketReport, rows: list[dict[str, Any]]) -> Sheet:
    """The ticket report as one sheet, with a chart of tickets and resolved per group (a line over
    time when grouped by a period alone). Several dimensions are named together in a first column."""
    columns = ticket_report_columns(report.group_by)
    if len(report.group_by) == 1:
        category = columns[0].key
    else:
        category, columns = _GROUP.key, [_GROUP, *columns]
        rows = [{**row, "group": " / ".join(str(row.get(_GROUP_COLUMNS[d].key)) for d in report.group_by)
                 or "合计 All"} for row in rows]
    kind = "line" if len(report.group_by) == 1 and report.group_by[0] in PERIODS else "bar"
    notes = [f"{report.start.isoformat()} – {report.end.isoformat()} ({report.timezone})"]
    chart = Chart("工单 Tickets", category, ("tickets", "resolved"), kind)
    return Sheet("工单报表 Tickets", columns, rows, chart, notes)


# --- the monthly complaint report ------------------------------------------------------------------

def _summary(content: dict[str, Any]) -> list[dict[str, Any]]:
    totals, promises, evaluations = content["totals"], content["promises"], content["evaluations"]
    versus = content["versus_previous"]
    items = [
        ("投诉总数 Complaints", totals["complaints"]), ("已解决 Resolved", totals["resolved"]),
        ("未解决 Unresolved", totals["unresolved"]), ("重大投诉 Major", totals["major"]),
        ("重开 Reopened", totals["reopened"]), ("合并(重复) Merged as duplicates", totals["merged"]),
        ("取消 Cancelled", totals["cancelled"]),
        ("平均到场秒 Avg. seconds to arrive", totals["avg_arrive_seconds"]),
        ("平均解决秒 Avg. seconds to resolve", totals["avg_resolve_seconds"]),
        ("时效达标率 SLA compliance", content["sla_compliance"]),
        ("到期承诺 Promises due", promises["due"]), ("承诺兑现 Promises kept", promises["kept"]),
        ("承诺未兑现 Promises broken", promises["broken"]), ("承诺兑现率 Promises kept rate", promises["kept_rate"]),
        ("评价数 Evaluations", evaluations["count"]), ("平均评价 Avg. evaluation", evaluations["average"]),
        ("满意率 Satisfied (4-5)", evaluations["satisfied_rate"]),
        ("重复投诉人 Repeat complainants", len(content["repeat_complainants"])),
        ("重复投诉单元 Repeat units", len(content["repeat_units"])),
        *_calls(content.get("calls")),
        *_outcome_summary(content),
        ("前3月平均 Avg. of previous 3 months", versus["3"]["average_complaints"]),
        ("较前3月变化% Change vs previous 3 months, %", versus["3"]["change_percent"]),
        ("前6月平均 Avg. of previous 6 months", versus["6"]["average_complaints"]),
        ("较前6月变化% Change vs previous 6 months, %", versus["6"]["change_percent"]),
    ]
    return [{"item": item, "value": value} for item, value in items]


def _calls(calls: dict[str, Any] | None) -> list[tuple[str, Any]]:
    """The phone's figures of the month (reports made before the phone was logged have none)."""
    if calls is None:
        return []
    return [("来电 Inbound calls", calls["inbound"]),
            ("三声内接听率 Answered within three rings", calls["three_rings_rate"]),
            ("未接率 Missed rate", calls["missed_rate"]),
            ("按时回电率 Callbacks kept rate", calls["callbacks_kept_rate"])]


def monthly_sheets(content: dict[str, Any]) -> list[Sheet]:
    """The monthly report as sheets: a summary, then each analysis with its chart."""
    item, complaints = Column("name", "项目 Item"), Column("complaints", "投诉数 Complaints")
    title = f"{content['estate_name']} {content['period']} 投诉统计及分析 Complaint statistics and analysis"
    return [
        Sheet("概况 Summary", [Column("item", title), Column("value", "数值 Value")], _summary(content)),
        Sheet("类别 By class", [item, complaints, Column("resolved", "已解决 Resolved")], content["by_class"],
              Chart("投诉类别 Complaints by class", "name", ("complaints", "resolved"))),
        Sheet("质量要素 Quality aspects", [item, complaints], content["by_quality_aspect"],
              Chart("管理服务投诉的质量要素 Management complaints by quality aspect", "name", ("complaints",))),
        Sheet("主要原因 Top causes", [item, complaints], content["top_causes"],
              Chart("主要原因 Top causes", "name", ("complaints",))),
        Sheet("重复投诉人 Repeat complainants", [Column("name", "投诉人 Complainant"),
                                          Column("in_month", "本月 In the month"),
                                          Column("in_90_days", "90天内 In 90 days")], content["repeat_complainants"]),
        Sheet("重复投诉单元 Repeat units", [Column("unit", "单元 Unit"), Column("in_month", "本月 In the month"),
                                      Column("in_90_days", "90天内 In 90 days")], content["repeat_units"]),
        *_outcome_sheets(content, item, complaints),
        Sheet("时效 SLA", [item, Column("met", "达标 Met"), Column("breached", "超时 Breached"),
                         Column("compliance", "达标率 Compliance")], content["sla"],
              Chart("时效达标 Service levels", "name", ("met", "breached"))),
        Sheet("评价 Evaluations", [Column("score", "评分 Score"), Column("count", "数量 Count")],
              [{"score": int(s), "count": n} for s, n in content["evaluations"]["by_score"].items()],
              Chart("业主评价 Owners' evaluations", "score", ("count",))),
        Sheet("趋势 Trend", [Column("period", "月份 Month"), complaints,
                           Column("sla_compliance", "达标率 SLA compliance"),
                           Column("evaluation_average", "平均评价 Avg. evaluation")], content["trend"],
              Chart("近7个月投诉趋势 Complaints over 7 months", "period", ("complaints",), "line")),
    ]


def _outcome_summary(content: dict[str, Any]) -> list[tuple[str, Any]]:
    """The outcome's headline figures; a report made before outcomes were recorded has none."""
    outcomes = content.get("outcomes")
    if outcomes is None:
        return []
    return [("已评定 Reviewed", outcomes["reviewed"]), ("有效投诉 Justified", outcomes["justified"]),
            ("有效投诉占比 Justified share", outcomes["justified_share"]),
            ("媒体介入 Media involved", outcomes["media_involved"]),
            ("诉诸法律 Legal referral", outcomes["legal_referral"]),
            ("重复故障处 Places failing again", len(content.get("repeat_failures", [])))]


def _outcome_sheets(content: dict[str, Any], item: Column, complaints: Column) -> list[Sheet]:
    outcomes = content.get("outcomes")
    if outcomes is None:
        return []
    justified = Column("justified", "有效 Justified")
    return [
        Sheet("根本原因 Root causes", [item, complaints, justified], outcomes["top_root_causes"],
              Chart("主要根本原因 Top root causes", "name", ("complaints",))),
        Sheet("细分 Sub-types", [item, complaints, justified], outcomes["by_subtype"],
              Chart("投诉细分 Complaints by sub-type", "name", ("complaints",))),
        Sheet("责任部门 Departments", [item, complaints, justified], outcomes["by_department"]),
        Sheet("重复故障 Repeat failures", [Column("place", "位置 Place"), Column("in_month", "本月 In the month"),
                                       Column("in_90_days", "90天内 In 90 days"),
                                       Column("complaints", "其中投诉 Of which complaints")],
              content.get("repeat_failures", [])),
        Sheet("重复故障按部门 Repeats by dept", [item, Column("failures", "本月故障 Failures in the month"),
                                            Column("places", "位置数 Places")],
              content.get("repeat_failures_by_department", [])),
    ]


def monthly_table(content: dict[str, Any]) -> tuple[list[Column], list[dict[str, Any]]]:
    """The whole monthly report as one long table (section, item, measure, value), for CSV."""
    rows: list[dict[str, Any]] = []
    for sheet in monthly_sheets(content):
        first, *measures = sheet.columns
        for row in sheet.rows:
            for column in measures:
                rows.append({"section": sheet.title, "item": row.get(first.key), "measure": column.title,
                             "value": row.get(column.key)})
    columns = [Column("section", "部分 Section"), Column("item", "项目 Item"), Column("measure", "指标 Measure"),
               Column("value", "数值 Value")]
    return columns, rows


PAID_SERVICE_COLUMNS = [
    Column("estate", "小区 Estate"), Column("month", "月份 Month"), Column("code", "代码 Code"),
    Column("service", "服务项目 Service"), Column("tickets", "工单数 Tickets"), Column("quantity", "数量 Quantity"),
    Column("revenue", "收入 Revenue"), Column("cost", "成本 Cost"), Column("margin", "毛利 Margin"),
    Column("margin_share", "毛利率 Margin share"), Column("commission", "佣金 Commission"),
    Column("net", "净额 Net"),
]


def paid_services_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's rows, amounts as exact text, and a closing line of totals."""
    def exact(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, **{key: None if row.get(key) is None else str(row[key])
                          for key in ("quantity", "revenue", "cost", "margin", "margin_share", "commission", "net")}}

    return [*(exact(row) for row in found["rows"]), exact({**found["totals"], "estate": "合计 Total"})]


def paid_services_sheet(answer: dict[str, Any]) -> Sheet:
    notes = [f"特约服务收入与毛利 Revenue and margin of paid services {answer['from_']} – {answer['to']}"]
    return Sheet("收入与毛利 Revenue", PAID_SERVICE_COLUMNS, paid_services_rows(answer), None, notes)
