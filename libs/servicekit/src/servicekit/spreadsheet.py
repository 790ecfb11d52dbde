"""The one rule for every CSV or XLSX file a service writes for people to open: no formula runs.

A spreadsheet program reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(and, per OWASP, a leading tab or carriage return can smuggle one in), so a resident's name typed
as ``=HYPERLINK(...)`` would run on the desk's computer when an export is opened. Every text cell
that starts so is written with a leading apostrophe, which spreadsheets show as plain text and do
not evaluate. Numbers stay numbers: ``-3`` as an ``int`` is a floor, not a formula.

XLSX workbooks (:func:`xlsx_bytes`, with a chart where wanted) follow the same rule; they need
openpyxl, the ``xlsx`` extra of servicekit.

Data is kept faithful where it is stored and sent on (the household import stores ``=`` or ``+86``
as typed, and events carry them): the rule belongs where a file is written, so it is here, once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a report may be answered as: ``?format=`` names one, else the Accept header chooses.
FORMATS = {"json": "application/json", "csv": CSV, "xlsx": XLSX}


def safe_cell(value: Any) -> Any:
    """A cell's value as it may be written: text that a spreadsheet would evaluate gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row through :func:`safe_cell` (for XLSX writers as for CSV)."""
    return [safe_cell(value) for value in values]


def write_csv(out: io.TextIOBase | Any, header: Sequence[str], rows: Iterable[Iterable[Any]]) -> int:
    """Write a CSV export to a text stream, every cell made safe; returns the data rows written."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    count = 0
    for row in rows:
        writer.writerow(safe_row("" if value is None else value for value in row))
        count += 1
    return count


def csv_bytes(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A whole CSV export as UTF-8 with a byte-order mark, which Excel needs to read Chinese."""
    out = io.StringIO()
    write_csv(out, header, rows)
    return out.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class XlsxChart:
    """A chart beside a sheet's table: bars (or a line), its categories from one column and a
    series from each value column (columns counted from 0)."""

    title: str
    categories: int
    series: tuple[int, ...]
    kind: str = "bar"  # bar | line


@dataclass(frozen=True)
class XlsxSheet:
    """A sheet of a workbook: a heading row, the rows, notes under them and an optional chart."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    chart: XlsxChart | None = None
    notes: Sequence[str] = field(default_factory=tuple)


def _xlsx_row(values: Iterable[Any]) -> list[Any]:
    """A row made safe, and the control characters an XLSX (XML) cannot hold shown as U+FFFD: text
    typed with one (a pasted ``\x19``) is written, not refused with an error."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return [ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v for v in safe_row(values)]


def xlsx_bytes(sheets: Iterable[XlsxSheet]) -> bytes:
    """A whole XLSX workbook (needs openpyxl: the ``xlsx`` extra), every cell made safe."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(title=sheet.title[:31])  # Excel's limit on a sheet's name
        ws.append(_xlsx_row(sheet.header))
        for row in sheet.rows:
            ws.append(_xlsx_row(row))
        for index, heading in enumerate(sheet.header, start=1):
            ws.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(str(heading)) + 4))
        for offset, note in enumerate(sheet.notes):
            ws.cell(row=len(sheet.rows) + 3 + offset, column=1, value=_xlsx_row([note])[0])
        if sheet.chart is not None and sheet.rows:
            ws.add_chart(_chart(ws, sheet.chart, len(sheet.rows)),
                         f"{get_column_letter(len(sheet.header) + 2)}2")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _chart(ws: Any, spec: XlsxChart, rows: int) -> Any:
    from openpyxl.chart import BarChart, LineChart, Reference

    chart = LineChart() if spec.kind == "line" else BarChart()
    chart.title = spec.title
    chart.height, chart.width = 8, max(16.0, min(40.0, rows * 1.2))
    for column in spec.series:
        chart.add_data(Reference(ws, min_col=column + 1, min_row=1, max_row=rows + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=spec.categories + 1, min_row=2, max_row=rows + 1))
    return chart
