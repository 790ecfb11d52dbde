"""A wave's statistics as files for people to open (servicekit.spreadsheet: no formula runs): a CSV of
every element's figures in the estate and per building, and an XLSX of three sheets (by element with
a chart, by building, the trend)."""

from __future__ import annotations

from typing import Any

from servicekit.spreadsheet import XlsxChart, XlsxSheet, csv_bytes, xlsx_bytes
from surveys.domain.questionnaires import ELEMENTS

NAMES = {code: f"{zh} {en}" for code, zh, en, *_ in ELEMENTS}
HEADER = ["楼栋 Building", "要素 Element", "份数 Answers", "平均分 Mean", "标准差 Spread"]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _row(place: str, item: dict[str, Any]) -> list[Any]:
    return [place, NAMES.get(item["element"], item["element"]), item["answers"], _text(item["mean"]),
            _text(item["spread"])]


def _rows(stats: dict[str, Any]) -> list[list[Any]]:
    rows = [_row("全小区 Estate", item) for item in stats["elements"]]
    for building in stats["buildings"]:
        place = building["building_name"] or str(building["building_id"])
        rows += [_row(place, item) for item in building["elements"]]
    return rows


def statistics_csv(stats: dict[str, Any]) -> bytes:
    return csv_bytes(HEADER, _rows(stats))


def statistics_xlsx(stats: dict[str, Any]) -> bytes:
    return xlsx_bytes(statistics_sheets(stats))


def statistics_sheets(stats: dict[str, Any]) -> list[XlsxSheet]:
    """The three sheets of a wave's statistics (the bulletin's workbook has them too)."""
    rate = stats["response_rate"]
    weakest = ", ".join(NAMES.get(e, e) for e in stats["weakest"])
    notes = [f"{stats['period']}: {stats['answered']} / {stats['invited']} 回复率 response rate "
             f"{'-' if rate is None else rate}", f"最弱要素 Weakest: {weakest}"]
    by_element = XlsxSheet("按要素 By element", HEADER[1:], [_row("", item)[1:] for item in stats["elements"]],
                           chart=XlsxChart("平均分 Mean", categories=0, series=(2,)), notes=notes)
    by_building = XlsxSheet("按楼栋 By building", HEADER, _rows(stats)[len(stats["elements"]):])
    periods = [w["period"] for w in stats["trend"]]
    trend = XlsxSheet("趋势 Trend", ["要素 Element", stats["period"], *periods], [
        [NAMES.get(item["element"], item["element"]), _text(item["mean"]),
         *[_text(w["elements"][i]["mean"]) for w in stats["trend"]]]
        for i, item in enumerate(stats["elements"])])
    return [by_element, by_building, trend]
