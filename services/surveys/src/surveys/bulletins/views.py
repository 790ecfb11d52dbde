"""A wave's bulletin as people read it: the author's words beside the wave's statistics, as a
printable HTML page (every value escaped) or an XLSX (servicekit.spreadsheet: no formula runs)."""

from __future__ import annotations

from html import escape
from typing import Any
from uuid import UUID

from sqlalchemy import select

from servicekit.errors import NotFound
from servicekit.spreadsheet import XlsxSheet, xlsx_bytes
from surveys.statistics.sheets import NAMES, statistics_sheets
from surveys.statistics.views import wave_statistics
from surveys.tables import bulletins, estates


def bulletin(session, wave_id: UUID) -> dict[str, Any]:  # noqa: ANN001
    """The bulletin of a wave with the wave's statistics and the estate's name; 404 before it is published."""
    row = session.execute(select(bulletins).where(bulletins.c.wave_id == wave_id)).mappings().first()
    if row is None:
        raise NotFound("the wave has no bulletin yet", "本次调查尚未发布公告")
    stats = wave_statistics(session, wave_id)
    name = session.execute(select(estates.c.name).where(estates.c.id == row["estate_id"])).scalar()
    return {**dict(row), "estate_name": name or "", "statistics": stats}


def _figure(value: Any) -> str:
    return "-" if value is None else escape(str(value))


def page(found: dict[str, Any]) -> str:
    """The printable page (A4, zh-CN with English beside)."""
    stats = found["statistics"]
    rate = stats["response_rate"]
    rows = "".join(f"<tr><td>{escape(NAMES.get(e['element'], e['element']))}</td><td>{e['answers']}</td>"
                   f"<td>{_figure(e['mean'])}</td><td>{_figure(e['spread'])}</td>"
                   + "".join(f"<td>{_figure(w['elements'][i]['mean'])}</td>" for w in stats["trend"]) + "</tr>"
                   for i, e in enumerate(stats["elements"]))
    earlier = "".join(f"<th>{escape(w['period'])}</th>" for w in stats["trend"])
    buildings = "".join(f"<tr><td>{escape(str(b['building_name'] or b['building_id']))}</td>"
                        f"<td>{b['answers']}</td><td>{_figure(b['mean'])}</td></tr>" for b in stats["buildings"])
    weakest = "、".join(escape(NAMES.get(e, e)) for e in stats["weakest"])
    title = f"{escape(found['estate_name'])} {escape(stats['period'])} 业户满意度调查公告"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>@page {{ size: A4; margin: 18mm }} body {{ font-family: sans-serif; font-size: 11pt }}
table {{ border-collapse: collapse; margin: 8pt 0 }} td, th {{ border: 1px solid #999; padding: 3pt 6pt }}
.author {{ text-align: right; margin-top: 18pt }}</style></head>
<body><h1>{title}</h1><p>Owners' satisfaction survey bulletin, {escape(stats['period'])}</p>
<p>回复 Answered: {stats['answered']} / {stats['invited']}（回复率 response rate {_figure(rate)}）。
总体平均分 Overall mean: {_figure(stats['overall']['mean'])}。最弱要素 Weakest: {weakest}。</p>
<div class="summary">{"".join(f"<p>{escape(line)}</p>" for line in found["summary"].splitlines() if line.strip())}</div>
<h2>九要素 The nine elements</h2>
<table><tr><th>要素 Element</th><th>份数 Answers</th><th>平均分 Mean</th><th>标准差 Spread</th>{earlier}</tr>
{rows}</table>
<h2>按楼栋 By building</h2>
<table><tr><th>楼栋 Building</th><th>份数 Answers</th><th>平均分 Mean</th></tr>{buildings}</table>
<p class="author">{escape(found['author'])}<br>{found['published_at'].date().isoformat()}</p>
</body></html>
"""


def workbook(found: dict[str, Any]) -> bytes:
    """The XLSX: the bulletin's sheet (title, author, date, the author's words), then the statistics."""
    stats = found["statistics"]
    cover = XlsxSheet("公告 Bulletin", ["项目 Item", "内容 Content"], [
        ["小区 Estate", found["estate_name"]], ["调查期 Period", stats["period"]],
        ["作者 Author", found["author"]], ["发布 Published", found["published_at"].date().isoformat()],
        *[["说明 Summary", line] for line in found["summary"].splitlines() if line.strip()]])
    return xlsx_bytes([cover, *statistics_sheets(stats)])
