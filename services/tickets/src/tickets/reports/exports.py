"""Reports as files people open: CSV, and XLSX with a chart (openpyxl).

Every cell goes through servicekit.spreadsheet's rule (text a spreadsheet would evaluate as a
formula gets a leading apostrophe): a name typed as ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.utils import get_column_letter

from servicekit.spreadsheet import csv_bytes, safe_cell, safe_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


@dataclass(frozen=True)
class Column:
    """A column of an export: the row's key and the bilingual heading."""

    key: str
    title: str


@dataclass(frozen=True)
class Chart:
    """A chart of a sheet: ``kind`` bar or line, categories from one column, series from others."""

    title: str
    category: str
    series: tuple[str, ...]
    kind: str = "bar"


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]
    chart: Chart | None = None
    notes: Sequence[str] = field(default_factory=tuple)


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def table_csv(columns: Sequence[Column], rows: Sequence[Mapping[str, Any]]) -> bytes:
    """One table as CSV (UTF-8 with a byte-order mark, for Excel)."""
    return csv_bytes([c.title for c in columns], ([_value(row.get(c.key)) for c in columns] for row in rows))


def workbook_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of ``sheets``, each with its chart beside its table."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write_sheet(book, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_sheet(book: Workbook, sheet: Sheet) -> None:
    ws = book.create_sheet(title=sheet.title[:31])
    ws.append(safe_row(c.title for c in sheet.columns))
    for row in sheet.rows:
        ws.append([safe_cell(_value(row.get(c.key))) for c in sheet.columns])
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(column.title) + 4))
    for offset, note in enumerate(sheet.notes):
        ws.cell(row=len(sheet.rows) + 3 + offset, column=1, value=safe_cell(note))
    if sheet.chart is not None and sheet.rows:
        _add_chart(ws, sheet)


def _add_chart(ws: Any, sheet: Sheet) -> None:
    spec = sheet.chart
    assert spec is not None
    keys = [c.key for c in sheet.columns]
    chart = LineChart() if spec.kind == "line" else BarChart()
    chart.title = spec.title
    chart.height, chart.width = 8, max(16, min(40, len(sheet.rows) * 1.2))
    last = len(sheet.rows) + 1
    for key in spec.series:
        col = keys.index(key) + 1
        chart.add_data(Reference(ws, min_col=col, min_row=1, max_row=last), titles_from_data=True)
    cat = keys.index(spec.category) + 1
    chart.set_categories(Reference(ws, min_col=cat, min_row=2, max_row=last))
    ws.add_chart(chart, f"{get_column_letter(len(sheet.columns) + 2)}2")
