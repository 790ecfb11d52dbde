"""Call statistics as a file people open (CSV, or XLSX with a chart), bilingual headings."""

from __future__ import annotations

from typing import Any

from tickets.reports.exports import Chart, Column, Sheet

FIGURES = (
    ("calls", "通话数 Calls"), ("inbound", "来电 Inbound"), ("outbound", "去电 Outbound"),
    ("answered", "接听 Answered"), ("within_three_rings", "三声内接听 Within three rings"),
    ("three_rings_rate", "三声内接听率 Three-rings rate"), ("answer_p50_seconds", "接听时长中位秒 Answer p50, s"),
    ("answer_p90_seconds", "接听时长P90秒 Answer p90, s"), ("missed", "未接 Missed"),
    ("abandoned", "放弃 Abandoned"), ("voicemail", "留言 Voicemail"), ("missed_rate", "未接率 Missed rate"),
    ("abandoned_rate", "放弃率 Abandoned rate"), ("callbacks_due", "到期回电 Callbacks due"),
    ("callbacks_kept", "按时回电 Callbacks kept"), ("callbacks_kept_rate", "按时回电率 Callbacks kept rate"),
)
GROUPS = {"estate": "小区 Estate", "desk_line": "线路 Desk line", "staff": "员工 Staff"}


def statistics_columns(by: str) -> list[Column]:
    return [Column("name", GROUPS[by]), *(Column(key, title) for key, title in FIGURES)]


def statistics_sheet(by: str, rows: list[dict[str, Any]]) -> Sheet:
    """The statistics as one sheet, charted by calls and those answered within three rings."""
    shown = [{**row, "name": row["name"] or "—"} for row in rows]
    return Sheet("电话统计 Call statistics", statistics_columns(by), shown,
                 Chart("三声内接听 Answered within three rings", "name", ("calls", "within_three_rings")))
